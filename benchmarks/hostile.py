"""What hostile request bodies cost a real ``appraise serve``, beside a valid review of the same
size, while another client keeps drafting.

Starts ``appraise serve`` (this checkout's code, a fresh SQLite database, one worker unless
``--workers``) and posts each body of ``engine.testing.hostile_bodies`` (each at most
``APPRAISE_MAX_BODY_BYTES``) ``--runs`` times alone: the median wall time and the median CPU
time the server spent on it (the machine may be shared, so the CPU is what a body costs). Then
another client posts the small Hampshire example in a loop while each body is posted once more:
its slowest answer while the body was in flight is shown beside its own median. Prints a
Markdown table; exits 1 when a hostile body takes more than ``--limit`` seconds of the server's
CPU (1 s, issue #16), gets another status than it should, or the other client gets an error.

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
from dataclasses import dataclass, field, replace
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
    """One body's answers: status, median seconds and server CPU seconds, each posted alone;
    the other client's slowest wait while it was posted again."""

    body: HostileBody
    status: int
    seconds: float
    cpu: float
    other_wait: float = 0.0


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
def serving(folder: Path, workers: int) -> Iterator[tuple[str, str, int]]:
    """``appraise serve`` on a new SQLite database: its address, a new appraiser key, its pid."""
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
        yield address, key, server.pid
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


def server_cpu(pid: int) -> float:
    """CPU seconds the server process and every process under it have used so far."""
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        used[child] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(used.get(p, 0.0) for p in tree)


def post_alone(
    address: str, key: str, pid: int, bodies: list[HostileBody], runs: int
) -> Iterator[Timed]:
    """Each body posted ``runs`` times with nothing else sent: the last status, and the median
    seconds and server CPU seconds (on a shared machine the CPU is what the body costs)."""
    with httpx2.Client(base_url=address, timeout=120) as client:
        for body in bodies:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": body.content_type}
            seconds, cpu, status = [], [], 0
            for _ in range(runs):
                used, start = server_cpu(pid), time.monotonic()
                status = client.post(DRAFT, content=body.body, headers=headers).status_code
                seconds.append(time.monotonic() - start)
                cpu.append(server_cpu(pid) - used)
            yield Timed(body, status, statistics.median(seconds), statistics.median(cpu))


def while_drafting(address: str, key: str, timed: list[Timed], other: OtherClient) -> list[Timed]:
    """Each body posted once more while ``other`` drafts: its slowest wait meanwhile."""
    waited = []
    with httpx2.Client(base_url=address, timeout=120) as client:
        for t in timed:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": t.body.content_type}
            start = time.monotonic()
            client.post(DRAFT, content=t.body.body, headers=headers)
            end = time.monotonic()
            time.sleep(0.2)  # the other client's answer in flight at the end comes back
            waited.append(replace(t, other_wait=other.slowest_between(start, end)))
    return waited


def table(timed: list[Timed], baseline: Timed, other_median: float) -> str:
    """The Markdown table: body, bytes, status, server CPU and its ratio to the valid review's,
    the wall time alone, and the other client's slowest wait while the body was posted."""
    lines = [
        "| body | bytes | status | server CPU ms | × valid | wall ms | other client's slowest "
        f"(median {other_median * 1000:.0f} ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timed:
        lines.append(
            f"| {t.body.name} | {len(t.body.body):,} | {t.status} | {t.cpu * 1000:,.0f} "
            f"| {t.cpu / baseline.cpu:.1f} | {t.seconds * 1000:,.0f} | {t.other_wait * 1000:,.0f} |"
        )
    return "\n".join(lines)


def failures(timed: list[Timed], limit: float) -> list[str]:
    """What the issue's limit (on the server's CPU time) and each body's status find wrong."""
    found = []
    for t in timed:
        if t.status != t.body.status:
            found.append(f"{t.body.name}: {t.status}, expected {t.body.status}")
        if t.cpu > limit and not t.body.name.startswith("valid review"):
            found.append(f"{t.body.name}: {t.cpu:.2f} s of server CPU, over {limit:g} s")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="posts of each body (the median)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--limit", type=float, default=1.0, help="seconds a hostile body may take")
    args = parser.parse_args()
    review = hampshire_review(Catalogue()["hampshire"])
    bodies = hostile_bodies(review, Settings().max_body_bytes)
    load = f"{os.getloadavg()[0]:.1f}"
    with (
        tempfile.TemporaryDirectory(prefix="appraise-hostile-") as folder,
        serving(Path(folder), args.workers) as (address, key, pid),
    ):
        alone = list(post_alone(address, key, pid, bodies, args.runs))
        other = OtherClient(address, key)
        thread = threading.Thread(target=other.run)
        thread.start()
        try:
            time.sleep(2)  # the other client's own pace, before any body
            quiet = OtherClient(address, key, spans=list(other.spans))
            timed = while_drafting(address, key, alone, other)
        finally:
            other.stop.set()
            thread.join()
    baseline = next(t for t in timed if t.body.name.startswith("valid review"))
    print(f"load average before: {load}; after: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print(table(timed, baseline, quiet.median()))
    found = failures(timed, args.limit)
    if other.errors():
        found.append(f"the other client got {other.errors()} answers that were not 201")
    print("\n".join(found) or f"every hostile body cost the server under {args.limit:g} s of CPU")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
