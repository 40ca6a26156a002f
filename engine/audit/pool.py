"""Draft a cohort on every core: worker processes each compile the rule sets once.

durable-rules keeps global state in its C extension, so a process forked after compiling would
share it; workers are started with ``spawn`` (a fresh interpreter) and compile in their
initializer instead. They are handed the catalogue the main process already loaded (pickled
models), rather than each reading and checking every framework file again. Work goes out in
chunks, with a bounded number in flight so a large cohort is never held in memory twice, and
comes back in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from itertools import islice

from engine.audit.cohort import Source
from engine.audit.drafts import Drafter, Result
from engine.catalogue.frameworks import Catalogue

__all__ = ["CHUNK", "Progress", "default_workers", "draft_all"]

CHUNK = 64
"""Entries per task: large enough to amortise pickling, small enough for a smooth progress bar."""

Progress = Callable[[int], None]
"""Called with how many more entries were drafted."""

_drafter: Drafter | None = None


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def draft_all(
    sources: Iterable[Source],
    drafter: Drafter,
    *,
    workers: int,
    progress: Progress | None = None,
) -> Iterator[Result]:
    """The result of every source, in order: by ``drafter`` itself, or (``workers`` > 1) by
    that many processes each with a drafter like it."""
    chunks = _chunks(sources)
    if workers <= 1:
        for chunk in chunks:
            yield from drafter.cases(chunk)
            if progress:
                progress(len(chunk))
        return
    catalogue = drafter.rulesets.catalogue
    len(catalogue)  # loads every framework here, once: workers receive them with the catalogue
    like = (catalogue, drafter.ruleset, drafter.compare)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=like)
    with pool:
        yield from _in_order(pool, chunks, workers * 4, progress)


def _chunks(sources: Iterable[Source]) -> Iterator[list[Source]]:
    iterator = iter(sources)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _in_order(
    pool: ProcessPoolExecutor,
    chunks: Iterator[list[Source]],
    in_flight: int,
    progress: Progress | None,
) -> Iterator[Result]:
    pending: dict[Future[list[Result]], int] = {}
    done: dict[int, list[Result]] = {}
    next_out = 0
    for sent, chunk in enumerate(chunks):
        pending[pool.submit(_work, chunk)] = sent
        while len(pending) >= in_flight:
            _collect(pending, done, progress)
            while next_out in done:
                yield from done.pop(next_out)
                next_out += 1
    while pending:
        _collect(pending, done, progress)
    while next_out in done:
        yield from done.pop(next_out)
        next_out += 1


def _collect(
    pending: dict[Future[list[Result]], int],
    done: dict[int, list[Result]],
    progress: Progress | None,
) -> None:
    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in finished:
        results = future.result()
        done[pending.pop(future)] = results
        if progress:
            progress(len(results))


def _start(catalogue: Catalogue, ruleset: str | None, compare: str | None) -> None:
    global _drafter
    _drafter = Drafter(catalogue, ruleset, compare)


def _work(chunk: list[Source]) -> list[Result]:
    assert _drafter is not None, "worker started without its initializer"
    return _drafter.cases(chunk)
