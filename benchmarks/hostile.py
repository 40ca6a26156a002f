"""What hostile request bodies cost a real ``appraise serve``, beside a valid review of the same
size, while another client keeps drafting.

Starts ``appraise serve`` (this checkout's code, a fresh SQLite database, one worker unless
``--workers``), posts each body of ``engine.testing.hostile_bodies`` (each at most
``APPRAISE_MAX_BODY_BYTES``) ``--runs`` times and takes the median; meanwhile another client
posts the small Hampshire example in a loop, and its slowest answer while the body was in
flight is shown beside its own median. Prints a Markdown table; exits 1 when a hostile body
takes more than ``--limit`` seconds (1 s, issue #16), gets another status than it should, or
the other client gets an error.

    python benchmarks/hostile.py [--runs 3] [--workers 1] [--limit 1.0]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from inputs import hampshire_review

from engine.catalogue.frameworks import Catalogue
from engine.testing import HostileBody, hostile_bodies
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hampshire-mpr-achieved.yaml"
DRAFT = "/recommendations?next_steps=false"


@dataclass(frozen=True)
class Timed:
    """One body's answers: status, median seconds, and the other client's slowest wait."""

    body: HostileBody
    status: int
    seconds: float
    other_wait: float


@dataclass
class OtherClient:
    """Posts the small example in a loop on its own connection, keeping each answer's span."""

    address: str
    key: str
    spans: list[tuple[float, float, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/yaml"}
        body = EXAMPLE.read_bytes()
        with httpx2.Client(base_url=self.address, timeout=60) as client:
            while not self.stop.is_set():
                start = time.monotonic()
                status = client.post(DRAFT, content=body, headers=headers).status_code
                self.spans.append((start, time.monotonic(), status))

    def slowest_between(self, start: float, end: float) -> float:
        """The longest answer in flight at any time between ``start`` and ``end``."""
        return max((b - a for a, b, _ in self.spans if a <= end and b >= start), default=0.0)

    def median(self) -> float:
        return statistics.median(b - a for a, b, _ in self.spans)

    def errors(self) -> int:
        return sum(status != 201 for _, _, status in self.spans)


def _environment() -> dict[str, str]:
    """This checkout's code, also when the venv's editable install points at another one."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(folder: Path, workers: int) -> Iterator[tuple[str, str]]:
    """``appraise serve`` on a new SQLite database: its address and a new appraiser key."""
    url = f"sqlite:///{folder / 'appraise.db'}"
    cli = [sys.executable, "-m", "service.cli.main"]
    create = [*cli, "keys", "create", "--role", "appraiser", "--name", "hostile"]
    key = subprocess.run(
        [*create, "--database-url", url],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=_environment(),
    ).stdout.strip()
    port = _free_port()
    serve = [*cli, "serve", "--port", str(port), "--database-url", url, "--workers", str(workers)]
    with (folder / "server.log").open("ab") as log:
        server = subprocess.Popen(
            serve, cwd=ROOT, env=_environment(), stdout=log, stderr=subprocess.STDOUT
        )
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(address, server)
        yield address, key
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_health(address: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("appraise serve exited; see its server.log")
        try:
            if httpx2.get(f"{address}/health", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("appraise serve did not answer /health within 60 s")


def post_each(
    address: str, key: str, bodies: list[HostileBody], runs: int, other: OtherClient
) -> Iterator[Timed]:
    """Each body posted ``runs`` times: the last status, the median time, the other's wait."""
    with httpx2.Client(base_url=address, timeout=120) as client:
        for body in bodies:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": body.content_type}
            seconds, waits, status = [], [], 0
            for _ in range(runs):
                start = time.monotonic()
                status = client.post(DRAFT, content=body.body, headers=headers).status_code
                end = time.monotonic()
                seconds.append(end - start)
                time.sleep(0.2)  # the other client's answer in flight at the end comes back
                waits.append(other.slowest_between(start, end))
            yield Timed(body, status, statistics.median(seconds), max(waits))


def table(timed: list[Timed], baseline: float, other_median: float) -> str:
    """The Markdown table: body, bytes, status, ms, ratio to the valid review, other's wait."""
    lines = [
        f"| body | bytes | status | ms | × valid | other (median {other_median * 1000:.0f} ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in timed:
        lines.append(
            f"| {t.body.name} | {len(t.body.body):,} | {t.status} | {t.seconds * 1000:,.0f} "
            f"| {t.seconds / baseline:.1f} | {t.other_wait * 1000:,.0f} ms |"
        )
    return "\n".join(lines)


def failures(timed: list[Timed], limit: float) -> list[str]:
    """What the issue's limit and each body's expected status find wrong."""
    found = []
    for t in timed:
        if t.status != t.body.status:
            found.append(f"{t.body.name}: {t.status}, expected {t.body.status}")
        if t.seconds > limit and not t.body.name.startswith("valid review"):
            found.append(f"{t.body.name}: {t.seconds:.2f} s, over {limit:g} s")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="posts of each body (the median)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds a hostile body may take")
    args = parser.parse_args()
    review = hampshire_review(Catalogue()["hampshire"])
    bodies = hostile_bodies(review, Settings().max_body_bytes)
    with (
        tempfile.TemporaryDirectory(prefix="appraise-hostile-") as folder,
        serving(Path(folder), args.workers) as (address, key),
    ):
        other = OtherClient(address, key)
        thread = threading.Thread(target=other.run)
        thread.start()
        try:
            time.sleep(2)  # the other client's own pace, before any body
            quiet = OtherClient(address, key, spans=list(other.spans))
            timed = list(post_each(address, key, bodies, args.runs, other))
        finally:
            other.stop.set()
            thread.join()
    baseline = next(t.seconds for t in timed if t.body.name.startswith("valid review"))
    print(table(timed, baseline, quiet.median()))
    found = failures(timed, args.limit)
    if other.errors():
        found.append(f"the other client got {other.errors()} answers that were not 201")
    print("\n".join(found) or f"every hostile body answered within {args.limit:g} s")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
