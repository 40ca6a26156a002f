"""Names for the ids the record tables and HR filters show: frameworks, stages, people, cycles.

Every list is (value, text) pairs for a select, read from the catalogue and the store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from engine.catalogue.frameworks import Catalogue
from schemas.recommendation import Outcome
from service import store
from service.web.templating import day, words

__all__ = [
    "OUTCOMES",
    "Option",
    "appraiser_options",
    "cycle_options",
    "cycle_text",
    "framework_options",
    "key_names",
    "record_names",
    "stage_options",
]

Option = tuple[str, str]

OUTCOMES: tuple[Option, ...] = tuple((o, words(o)) for o in Outcome.__args__)  # type: ignore[attr-defined]
"""The draft's outcomes in words: Rated, Insufficient evidence, Needs human review."""


def framework_options(catalogue: Catalogue) -> list[Option]:
    """Each framework by its short name: its title up to the dash ("Hampshire guidance")."""
    return [(f.id, f.title.split(" — ")[0]) for f in catalogue.values()]


def stage_options(catalogue: Catalogue) -> list[Option]:
    """Each career stage once, by its label (the first framework's, if two share an id)."""
    found: dict[str, str] = {}
    for framework in catalogue.values():
        for stage in framework.stages:
            found.setdefault(stage.id, stage.label)
    return list(found.items())


def key_names(session: Session) -> dict[str, str]:
    """API key id → the person's name, revoked keys too (they made records)."""
    return {key.id: key.name for key in store.list_keys(session)}


def appraiser_options(session: Session) -> list[Option]:
    keys = [key for key in store.list_keys(session) if key.role == "appraiser"]
    return sorted(((key.id, key.name) for key in keys), key=lambda option: option[1])


def cycle_text(start: dt.date, end: dt.date) -> str:
    return f"{day(start)} to {day(end)}"


def cycle_options(session: Session) -> list[Option]:
    """Each review cycle of the records, latest first; the value is its first day."""
    cycles = store.record_cycles(session, owner=None)
    return [(start.isoformat(), cycle_text(start, end)) for start, end in cycles]


def record_names(session: Session, catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """What a table of records shows for each id: framework titles, stage labels, people."""
    return {
        "framework": dict(framework_options(catalogue)),
        "stage": dict(stage_options(catalogue)),
        "person": key_names(session),
    }
