"""Group commit: rows from many request threads inserted in one transaction, one sync to disk.

A durable commit waits for the disk (SQLite's full sync, PostgreSQL's WAL flush): a few
milliseconds on an ordinary disk, and SQLite lets one writer commit at a time. Committing each
decision record alone would cap the service at a few hundred records a second whatever the
CPUs do. Here the requests that arrive while one commit is syncing are committed together by
the next one; every caller still returns only once its own row is committed.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Table, insert, inspect
from sqlalchemy.orm import DeclarativeBase

__all__ = ["GroupCommit"]

MAX_BATCH = 256
"""Rows per transaction at most, so one transaction stays short."""


@dataclass
class _Pending:
    row: DeclarativeBase
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class GroupCommit:
    """Inserts rows on one writer thread, batching those that wait; ``insert`` blocks until
    its row is committed, or raises what inserting it alone raised (e.g. ``IntegrityError``).

    The rows are mapped objects, inserted as plain Core INSERTs (one executemany per table):
    they are only ever inserted, never updated, so the ORM's unit of work has nothing to track
    and cost about twice the CPU. A row stays a detached object its caller may read."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def insert(self, row: DeclarativeBase) -> None:
        """Insert ``row`` and return once it is committed."""
        pending = _Pending(row)
        self._ensure_started()
        self._queue.put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        """Commit what is waiting, then stop the writer thread."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="appraise-group-commit", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            with self._engine.begin() as connection:
                for table, values in _by_table(batch).items():
                    connection.execute(insert(table), values)
        except Exception as exc:
            if len(batch) > 1:
                # One conflicting row (a reused Idempotency-Key) must not fail the others:
                # commit each alone, so each caller gets its own row's outcome.
                for pending in batch:
                    self._commit([pending])
                return
            batch[0].error = exc
        for pending in batch:
            pending.done.set()


def _by_table(batch: list[_Pending]) -> dict[Table, list[dict[str, Any]]]:
    """Each table's rows as column values, in the order they came (tables in first-seen order)."""
    tables: dict[Table, list[dict[str, Any]]] = {}
    for pending in batch:
        mapper = inspect(type(pending.row))
        values = {
            attr.columns[0].key: getattr(pending.row, attr.key) for attr in mapper.column_attrs
        }
        tables.setdefault(mapper.local_table, []).append(values)  # type: ignore[arg-type]
    return tables
