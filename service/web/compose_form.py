"""The compose pages' forms applied to a working copy's review (a plain JSON dict).

Values are stored as they were entered: the engine reads the review and says what is wrong
(the draft panel lists its problems), so nothing here judges a value beyond its shape.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from engine.authoring.skeleton import academic_year
from schemas.framework import Framework

__all__ = [
    "CONCERN",
    "Form",
    "add_evidence",
    "apply_case",
    "apply_item",
    "new_review",
    "remove_evidence",
]

CONCERN = "concern"
"""The choice beside a statement that records it as a concern rather than at a modality."""

Review = dict[str, Any]


class Form(Protocol):
    """A submitted form: Starlette's ``FormData`` or any mapping of lists alike."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


def new_review(
    framework: Framework,
    *,
    stage: str | None,
    ruleset: str | None,
    subject: str,
    appraiser: str,
    cycle: tuple[str, str],
) -> Review:
    """A review with its case filled in and nothing else yet."""
    review: Review = {"framework": framework.id}
    if ruleset:
        review["ruleset"] = ruleset
    review |= {"subject": subject, "appraiser": appraiser}
    review |= {"cycle_start": cycle[0], "cycle_end": cycle[1]}
    if stage:
        review["stage"] = stage
    review |= {
        "evidence": [],
        "objectives": [],
        "circumstances": {
            "absences": [],
            "in_induction": False,
            "in_capability": False,
            "part_time_fraction": 1.0,
        },
        "conduct": {"concern": False},
    }
    return review


def _text(form: Form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(text: str) -> float | str:
    """A number when it reads as one; else the text, for the engine to report."""
    try:
        return float(text)
    except ValueError:
        return text


def _optional(review: dict[str, Any], key: str, text: str) -> None:
    if text:
        review[key] = text
    else:
        review.pop(key, None)


def apply_case(review: Review, form: Form) -> Review:
    """The main compose form: the case, objectives, circumstances and conduct; then the
    add/remove button pressed (``action``), if any."""
    new = copy.deepcopy(review)
    for key in ("subject", "cycle_start", "cycle_end"):
        if form.get(key) is not None:
            new[key] = _text(form, key)
    if form.get("stage") is not None:
        _optional(new, "stage", _text(form, "stage"))
    new["objectives"] = [
        _objective(form, i, objective) for i, objective in enumerate(new.get("objectives", []))
    ]
    circumstances = new.setdefault("circumstances", {})
    circumstances["absences"] = [
        {
            "type": _text(form, f"absence-{i}-type"),
            "start": _text(form, f"absence-{i}-start"),
            "end": _text(form, f"absence-{i}-end"),
        }
        for i in range(len(circumstances.get("absences", [])))
    ]
    circumstances["in_induction"] = form.get("in_induction") == "yes"
    circumstances["in_capability"] = form.get("in_capability") == "yes"
    circumstances["part_time_fraction"] = _number(_text(form, "part_time_fraction") or "1")
    conduct: dict[str, Any] = {"concern": form.get("conduct_concern") == "yes"}
    _optional(conduct, "note", _text(form, "conduct_note"))
    new["conduct"] = conduct
    return _act(new, _text(form, "action"))


def _objective(form: Form, i: int, objective: dict[str, Any]) -> dict[str, Any]:
    changed = dict(objective)
    changed["text"] = _text(form, f"objective-{i}-text")
    changed["outcome"] = _text(form, f"objective-{i}-outcome") or "not-assessed"
    changed["evidence"] = [e for e in form.getlist(f"objective-{i}-evidence") if e]
    return changed


def _act(review: Review, action: str) -> Review:
    """The add or remove button pressed on the main form."""
    objectives: list[dict[str, Any]] = review["objectives"]
    absences: list[dict[str, Any]] = review["circumstances"]["absences"]
    if action == "add-objective":
        taken = {o.get("id") for o in objectives}
        objectives.append(
            {"id": _free_id("o", taken), "text": "", "outcome": "not-assessed", "evidence": []}
        )
    elif action == "add-absence":
        start, end = review.get("cycle_start", ""), review.get("cycle_start", "")
        absences.append({"type": "sickness", "start": start, "end": end})
    elif action.startswith("remove-objective-"):
        _remove_at(objectives, action.removeprefix("remove-objective-"))
    elif action.startswith("remove-absence-"):
        _remove_at(absences, action.removeprefix("remove-absence-"))
    return review


def _remove_at(items: list[dict[str, Any]], index: str) -> None:
    if index.isdigit() and int(index) < len(items):
        del items[int(index)]


def _free_id(prefix: str, taken: set[Any]) -> str:
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def add_evidence(review: Review, framework: Framework, recorded_by: str, today: dt.date) -> str:
    """Add an empty evidence item to ``review`` (in place); its id."""
    items: list[dict[str, Any]] = review.setdefault("evidence", [])
    item_id = _free_id("e", {item.get("id") for item in items})
    kinds = framework.evidence_kinds
    kind = next((k.id for k in kinds if k.source), kinds[0].id if kinds else "other")
    items.append(
        {
            "id": item_id,
            "kind": kind,
            "date": _within_cycle(review, today),
            "recorded_by": recorded_by,
            "tags": [],
        }
    )
    return item_id


def _within_cycle(review: Review, today: dt.date) -> str:
    """Today, or the cycle's nearest end when today is outside it."""
    try:
        start = dt.date.fromisoformat(review["cycle_start"])
        end = dt.date.fromisoformat(review["cycle_end"])
    except (KeyError, TypeError, ValueError):
        start, end = academic_year(today)
    return min(max(today, start), end).isoformat()


def remove_evidence(review: Review, item_id: str) -> Review:
    """The review without the evidence item ``item_id``, nor any objective's citing of it."""
    new = copy.deepcopy(review)
    new["evidence"] = [item for item in new.get("evidence", []) if item.get("id") != item_id]
    for objective in new.get("objectives", []):
        objective["evidence"] = [e for e in objective.get("evidence", []) if e != item_id]
    return new


def apply_item(review: Review, item_id: str, form: Form) -> Review:
    """An evidence item's form, whole or in part: the fields it has, and the tags of the
    statements it lists in ``shown``: ticked (``tag-ID``) at the modality chosen (``how-ID``) or
    as a concern, else untagged. Tags of statements it does not list (filtered out, or not in
    the stage's requirement) are kept."""
    new = copy.deepcopy(review)
    item = next(i for i in new.get("evidence", []) if i.get("id") == item_id)
    for key in ("kind", "date", "recorded_by"):
        if form.get(key) is not None:
            item[key] = _text(form, key)
    for key in ("note", "impact"):
        if form.get(key) is not None:
            _optional(item, key, _text(form, key))
    shown = form.getlist("shown")
    ticked = [sid for sid in shown if form.get(f"tag-{sid}") == "yes"]
    item["tags"] = _tags(item.get("tags", []), set(shown), ticked, form)
    return new


def _tags(
    old: Sequence[dict[str, Any]], shown: set[str], ticked: Sequence[str], form: Form
) -> list[dict[str, Any]]:
    chosen = {sid: _tag(sid, _text(form, f"how-{sid}")) for sid in ticked}
    kept = [tag for tag in old if tag.get("statement") not in shown]
    updated = [chosen.pop(tag["statement"], None) for tag in old if tag.get("statement") in shown]
    return kept + [tag for tag in updated if tag] + list(chosen.values())


def _tag(statement: str, how: str) -> dict[str, Any]:
    if how == CONCERN:
        return {"statement": statement, "polarity": "concern"}
    return {"statement": statement, "modality": how}
