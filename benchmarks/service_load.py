"""The service under load, from a separate process: wrk against a real ``appraise serve``.

A fresh SQLite database (the default store) and a fresh appraiser key; wrk (installed by
``scripts/wrk.sh``) keeps 32 connections busy posting the benchmark review to
``POST /recommendations`` for a window, then lets the requests in flight finish, so the decision
records stored can be matched exactly with the 2xx responses wrk counted. The same load against
``GET /health`` shows what the service costs without the draft (HTTP, routing, a session).

    python benchmarks/service_load.py [--seconds 10] [--warmup 2] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inputs import hampshire_review
from measure import Row

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.recommend.recommendation import recommend
from schemas.review import Review

__all__ = ["LoadResult", "bench_service"]

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("service_load.lua")
APPRAISE = Path(sys.executable).with_name("appraise")
TARGET_RATE = 400
"""Drafts a second (issue 7), at p99 <= 50 ms and no error."""
DRAIN_SECONDS = 8
"""After the window wrk sends nothing more for this long, so every request sent is answered."""


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured, and what the server spent on it."""

    ok: int
    errors: int
    timeouts: int
    statuses: str
    seconds: float
    p50_ms: float
    p99_ms: float
    server_cpu_s: float
    wrk_cpu_s: float

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def figures(self) -> dict[str, float]:
        return {
            "per_s": self.per_second,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "errors": self.errors,
            "server_cpu_ms_per_request": 1000 * self.server_cpu_s / max(self.ok, 1),
            "wrk_cpu_ms_per_request": 1000 * self.wrk_cpu_s / max(self.ok, 1),
        }


def bench_service(
    seconds: float = 10,
    *,
    warmup: float = 2,
    connections: int = 32,
    threads: int = 2,
    workers: int | None = None,
) -> Iterator[Row]:
    """Drafts per second, p50, p99 and errors under ``connections`` concurrent clients: as fast
    as answers come, paced at the target rate, and with next steps; what the service spends
    besides the draft; then the same load on /health, the service's HTTP overhead."""
    subprocess.run(["bash", str(ROOT / "scripts" / "wrk.sh")], check=True)
    load = f"{connections} connections, {threads} wrk threads, {seconds:g} s"
    with tempfile.TemporaryDirectory(prefix="appraise-load-") as folder:
        tmp = Path(folder)
        database = tmp / "appraise.db"
        url = f"sqlite:///{database}"
        key = _create_key(url)
        body = tmp / "review.json"
        review = hampshire_review(Catalogue()["hampshire"])
        body.write_text(review.model_dump_json(exclude_defaults=True), encoding="utf-8")
        draft_cpu_ms = _draft_cpu_ms(review)
        port = _free_port()
        server = _start(url, port, tmp / "server.log", workers)
        try:
            wrk = _Wrk(f"http://127.0.0.1:{port}", connections, threads, server.pid)
            fast, default = "/recommendations?next_steps=false", "/recommendations"

            def drafting(path: str, rate: float = 0, drain: float = DRAIN_SECONDS) -> Row:
                wrk.run("POST", path, str(body), key, warmup, drain, rate)
                before = _records(database)
                drafts = wrk.run("POST", path, str(body), key, seconds, drain, rate)
                stored = _records(database) - before
                pace = f", paced at {rate:g}/s" if rate else ""
                return _drafts_row(f"POST {path}{pace}; {load}", drafts, stored)

            row = drafting(fast)
            yield row
            yield _beyond_the_draft(row, draft_cpu_ms)
            # With 32 clients each waiting for its answer, mean latency = 32 / throughput: the
            # latency at the target rate is read with the clients paced to it.
            yield drafting(fast, rate=TARGET_RATE)
            # Next steps re-evaluate the review dozens of times: far slower, so a longer drain.
            yield drafting(default, drain=40)
            wrk.run("GET", "/health", "-", "-", warmup)
            overhead = wrk.run("GET", "/health", "-", "-", seconds)
            yield Row(f"service overhead: GET /health; {load}", overhead.figures(), "/s, ms")
        finally:
            stopped = _stop(server)
            if not stopped:
                log = (tmp / "server.log").read_text(encoding="utf-8", errors="replace")
                print(f"appraise serve did not stop cleanly:\n{log[-2000:]}", file=sys.stderr)


def _drafts_row(name: str, drafts: LoadResult, stored: int) -> Row:
    """The figures of a drafting run, held to the targets, with the records check."""
    met = drafts.per_second >= TARGET_RATE * 0.99 and drafts.p99_ms <= 50 and drafts.errors == 0
    statuses = f"; non-2xx statuses: {drafts.statuses}" if drafts.statuses else ""
    return Row(
        f"service: {name}{statuses}",
        drafts.figures() | {"stored_minus_2xx": stored - drafts.ok, "timeouts": drafts.timeouts},
        "/s, ms",
        ">= 400 drafts/s, p99 <= 50 ms, 0 errors, records stored = 2xx",
        met and stored == drafts.ok,
    )


def _draft_cpu_ms(review: Review, runs: int = 300) -> float:
    """Mean CPU milliseconds of the engine's draft alone (no next steps), in this process."""
    rulesets = RuleSets()
    evaluator = rulesets.evaluator(review)
    for _ in range(20):
        recommend(evaluator, review, next_steps=False)
    start = time.process_time()
    for _ in range(runs):
        recommend(evaluator, review, next_steps=False)
    return 1000 * (time.process_time() - start) / runs


def _beyond_the_draft(drafts: Row, draft_cpu_ms: float) -> Row:
    """What the service spends per draft besides the engine's own work: HTTP, key, reading the
    body, storing the record (group commit), logging, the response."""
    server_ms = drafts.figures["server_cpu_ms_per_request"]
    return Row(
        "service overhead per draft: server CPU per request - the engine's draft CPU in process",
        {
            "server_cpu_ms": server_ms,
            "draft_cpu_ms": draft_cpu_ms,
            "overhead_cpu_ms": server_ms - draft_cpu_ms,
        },
        "ms",
    )


@dataclass(frozen=True)
class _Wrk:
    """wrk against one running server: its address, the load, and its pid (for its CPU)."""

    base: str
    connections: int
    threads: int
    server_pid: int

    def run(
        self,
        method: str,
        path: str,
        body_file: str,
        key: str,
        seconds: float,
        drain: float = DRAIN_SECONDS,
        rate: float = 0,
    ) -> LoadResult:
        """One wrk run of ``seconds`` sending and ``drain`` more answering, from its JSON line;
        ``rate``: requests a second in all (0: as fast as the answers come)."""
        command = [
            "wrk",
            f"--threads={self.threads}",
            f"--connections={self.connections}",
            f"--duration={math.ceil(seconds + drain)}s",
            f"--timeout={math.ceil(drain)}s",
            "--latency",
            f"--script={LUA}",
            self.base,
            "--",
            method,
            path,
            body_file,
            key,
            str(seconds),
            str(rate / self.threads),
        ]
        cpu_before = _cpu_seconds(self.server_pid)
        wrk_before = _children_cpu()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        server_cpu = _cpu_seconds(self.server_pid) - cpu_before
        wrk_cpu = _children_cpu() - wrk_before
        line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
        if result.returncode != 0 or line is None:
            failed = f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            raise RuntimeError(failed)
        parsed = json.loads(line.removeprefix("WRK_JSON "))
        # Errors: answers other than 2xx, requests never answered (lost in a socket error or still
        # unanswered at the end), self.connections refused, and answers slower than the timeout.
        unanswered = parsed["sent"] - parsed["ok"] - parsed["non_2xx"]
        return LoadResult(
            ok=parsed["ok"],
            errors=parsed["non_2xx"] + unanswered + parsed["connect_errors"] + parsed["timeouts"],
            timeouts=parsed["timeouts"],
            statuses=parsed["non_2xx_statuses"].strip(),
            seconds=parsed["seconds"],
            p50_ms=parsed["p50_ms"],
            p99_ms=parsed["p99_ms"],
            server_cpu_s=server_cpu,
            wrk_cpu_s=wrk_cpu,
        )


# --- the server -------------------------------------------------------------------------------


def _create_key(database_url: str) -> str:
    """A new appraiser key (the role that may post drafts), made by the project's own CLI."""
    command = [str(APPRAISE), "keys", "create", "--role", "appraiser", "--name", "load"]
    result = subprocess.run(
        [*command, "--database-url", database_url],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(database_url: str, port: int, log: Path, workers: int | None) -> subprocess.Popen[bytes]:
    """``appraise serve`` as a child process, once it answers /health."""
    command = [str(APPRAISE), "serve", "--port", str(port), "--database-url", database_url]
    if workers is not None:
        command += ["--workers", str(workers)]
    with log.open("ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"appraise serve exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("appraise serve did not answer /health within 60 s")


def _stop(server: subprocess.Popen[bytes]) -> bool:
    """SIGTERM, as a service manager would stop it; True when it exited by itself, with 0."""
    server.send_signal(signal.SIGTERM)
    try:
        return server.wait(timeout=30) == 0
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        return False


def _records(database: Path) -> int:
    """Decision records stored, once no more arrive (a request wrk gave up on may still land)."""
    count, previous = _count(database), -1
    while count != previous:
        time.sleep(0.5)
        count, previous = _count(database), count
    return count


def _count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM decision_records").fetchone()
    connection.close()
    return int(count)


# --- CPU time -----------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of ``pid`` and every process under it (the server's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in _tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in children:
            found += _tree(int(child))
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="measured window per endpoint")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="default: appraise serve's")
    args = parser.parse_args(argv)
    rows = bench_service(
        args.seconds, warmup=args.warmup, connections=args.connections, workers=args.workers
    )
    for row in rows:
        figures = "  ".join(f"{k}={v:.3f}" for k, v in row.figures.items())
        print(f"{row.name}\n    {figures}  {row.met if row.met is not None else ''}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
