"""Write the Hampshire golden cases (rules/hampshire/cases/*.yaml) from compact descriptions.

The cases are data; this script only saves typing hundreds of statement tags by hand. Each
description says, per stage of the ledger, what share of its sub-standards get evidence and at
which modality; the script picks the first statement of each chosen sub-standard for that stage
and spreads the tags over evidence items of the given kinds. Edit a case here or in its YAML.

Usage: python scripts/make_hampshire_cases.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from engine.catalogue.frameworks import Catalogue
from engine.catalogue.stages import stage_requirement

ROOT = Path(__file__).resolve().parents[1]
START, END = dt.date(2025, 9, 1), dt.date(2026, 7, 31)
KINDS = ("lesson-observation", "pupil-progress-data", "pupil-views", "work-scrutiny")
FRAMEWORK = Catalogue()["hampshire"]


def units(stage: str) -> dict[str, list[str]]:
    """Sub-standard → that stage's own statement ids, in framework order."""
    found: dict[str, list[str]] = {}
    for s in FRAMEWORK.statements:
        if s.stage == stage:
            found.setdefault(s.under, []).append(s.id)
    return found


def tags_for(
    stage: str, share: float, modality: str, polarity: str = "strength"
) -> list[dict[str, str]]:
    chosen = list(units(stage).values())
    count = round(len(chosen) * share)
    return [
        {"statement": ids[0], "modality": modality, "polarity": polarity} for ids in chosen[:count]
    ]


def evidence(
    tags: list[dict[str, str]],
    kinds: tuple[str, ...] = KINDS,
    items: int = 6,
    date: dt.date = dt.date(2026, 3, 2),
) -> list[dict[str, Any]]:
    """Spread tags over ``items`` evidence items, cycling through ``kinds``."""
    result = []
    for i in range(items):
        result.append(
            {
                "id": f"e{i + 1}",
                "kind": kinds[i % len(kinds)],
                "date": date + dt.timedelta(days=14 * i),
                "recorded_by": "a-01",
                "tags": tags[i::items],
            }
        )
    return result


def objectives(*outcomes: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"o{i + 1}",
            "text": f"Objective {i + 1} agreed at the start of the cycle",
            "standards": [f"ts.{i % 8 + 1}"],
            "outcome": outcome,
        }
        for i, outcome in enumerate(outcomes)
    ]


def meets(stage: str, share: float = 0.9) -> list[dict[str, str]]:
    """Tags meeting a stage's whole cumulative requirement at the modalities it requires."""
    requirement = stage_requirement(FRAMEWORK, stage)
    modality_of = {}
    for item in requirement.items:
        modality_of.setdefault(item.from_stage, item.modality)
    tags: list[dict[str, str]] = []
    for earlier in requirement.stages:
        tags += tags_for(earlier, share, modality_of[earlier])
    return tags


def review(stage: str, tags: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    items = extra.pop("items", 6)
    kinds = extra.pop("kinds", KINDS)
    date = extra.pop("date", dt.date(2026, 3, 2))
    base = {
        "framework": "hampshire",
        "subject": f"t-{stage}",
        "appraiser": "a-01",
        "cycle_start": START,
        "cycle_end": END,
        "stage": stage,
        "evidence": evidence(tags, kinds, items, date),
        "objectives": objectives("met", "met", "partially-met"),
    }
    base.update(extra)
    return base


def exceptional_tags(stage: str, next_stage: str) -> list[dict[str, str]]:
    return meets(stage) + tags_for(next_stage, 0.3, "independently")


CASES: dict[str, dict[str, Any]] = {
    "01-ect1-achieved": {
        "name": "ECT 1 meeting the ECT 1 statements with support",
        "description": "An early-career result is induction progress, not a pay recommendation.",
        "review": review("ect1", meets("ect1")),
        "expect": {
            "outcome": "rated",
            "rating": "achieved",
            "purpose": "induction-progress",
            "fired": ["hampshire.stage.meets", "hampshire.rating.achieved"],
        },
    },
    "02-ect2-achieved": {
        "name": "ECT 2 showing ECT 1 statements independently",
        "description": "ECT 2 requires the ECT 1 statements independently.",
        "review": review("ect2", meets("ect2")),
        "expect": {
            "outcome": "rated",
            "rating": "achieved",
            "purpose": "induction-progress",
            "fired": ["hampshire.rating.achieved"],
        },
    },
    "03-mpr-achieved": {
        "name": "MPR teacher meeting the cumulative requirement",
        "description": "ECT 1 and 2 statements shown confidently, MPR statements independently.",
        "review": review("mpr", meets("mpr")),
        "expect": {
            "outcome": "rated",
            "rating": "achieved",
            "purpose": "pay-recommendation",
            "fired": [
                "hampshire.stage.meets",
                "hampshire.objectives.acceptable",
                "hampshire.rating.achieved",
            ],
            "not_fired": ["hampshire.rating.exceptional"],
        },
    },
    "04-mpr-ect1-only-with-support": {
        "name": "MPR teacher whose ECT 1 evidence is only 'with support'",
        "description": "Stages are cumulative: MPR needs ECT 1 statements confidently.",
        "review": review(
            "mpr",
            tags_for("ect1", 0.9, "with-support")
            + tags_for("ect2", 0.9, "confidently")
            + tags_for("mpr", 0.9, "independently"),
        ),
        "expect": {
            "outcome": "rated",
            "rating": "not-met",
            "fired": ["hampshire.stage.earlier-stage-below", "hampshire.rating.not-met"],
            "not_fired": ["hampshire.rating.achieved"],
        },
    },
    "05-upr1-achieved": {
        "name": "UPR 1 teacher meeting the cumulative requirement",
        "description": "UPR 1 builds on MPR confidently.",
        "review": review("upr1", meets("upr1")),
        "expect": {
            "outcome": "rated",
            "rating": "achieved",
            "fired": ["hampshire.rating.achieved"],
        },
    },
    "06-upr2-3-exceptional": {
        "name": "UPR 2/3 teacher with Leading Practitioner practice and objectives exceeded",
        "description": "Exceptional needs beyond-stage evidence across standards and sources.",
        "review": review(
            "upr2-3",
            exceptional_tags("upr2-3", "lp"),
            objectives=objectives("exceeded", "exceeded", "met"),
        ),
        "expect": {
            "outcome": "rated",
            "rating": "exceptional",
            "fired": ["hampshire.rating.exceptional", "hampshire.rating.achieved"],
        },
    },
    "07-lp-achieved": {
        "name": "Leading Practitioner meeting UPR statements confidently and proficiently",
        "description": "LP raises every UPR statement to confidently and proficiently.",
        "review": review("lp", meets("lp")),
        "expect": {
            "outcome": "rated",
            "rating": "achieved",
            "fired": ["hampshire.rating.achieved"],
        },
    },
    "08-adh-achieved-no-beyond": {
        "name": "Assistant/Deputy Head with objectives exceeded but no next stage",
        "description": "No stage lies beyond Assistant/Deputy Head: no beyond-stage evidence.",
        "review": review("adh", meets("adh"), objectives=objectives("exceeded", "exceeded")),
        "expect": {
            "outcome": "rated",
            "rating": "achieved",
            "not_fired": ["hampshire.rating.exceptional"],
        },
    },
    "09-mpr-too-few-items": {
        "name": "MPR teacher with three evidence items",
        "description": "Thin evidence gives insufficient evidence, never Not met.",
        "review": review("mpr", meets("mpr"), items=3),
        "expect": {
            "outcome": "insufficient_evidence",
            "fired": ["hampshire.evidence.too-few-items"],
        },
    },
    "10-upr1-one-source-kind": {
        "name": "UPR 1 teacher judged from lesson observations alone",
        "description": "Evidence must be triangulated across source kinds.",
        "review": review("upr1", meets("upr1"), kinds=("lesson-observation", "learning-walk")),
        "expect": {
            "outcome": "insufficient_evidence",
            "fired": ["hampshire.evidence.too-few-sources"],
        },
    },
    "11-mpr-conduct-concern": {
        "name": "Strong MPR teacher with a Part Two conduct concern",
        "description": "A conduct concern goes to a person; never Exceptional with one.",
        "review": review(
            "mpr",
            exceptional_tags("mpr", "upr1"),
            objectives=objectives("exceeded", "exceeded", "met"),
            conduct={"concern": True, "note": "Under investigation"},
        ),
        "expect": {
            "outcome": "needs_human_review",
            "fired": ["hampshire.conduct.route"],
            "not_fired": ["hampshire.rating.exceptional"],
        },
    },
    "12-mpr-capability": {
        "name": "MPR teacher in a capability procedure",
        "description": "Capability is left to a person.",
        "review": review("mpr", meets("mpr"), circumstances={"in_capability": True}),
        "expect": {"outcome": "needs_human_review", "fired": ["hampshire.capability.route"]},
    },
    "13-upr1-maternity-below": {
        "name": "UPR 1 teacher back from maternity leave, evidence short of expectations",
        "description": "Protected absence never counts towards Not met: a person judges.",
        "review": review(
            "upr1",
            tags_for("ect1", 0.6, "confidently")
            + tags_for("ect2", 0.6, "confidently")
            + tags_for("mpr", 0.6, "confidently")
            + tags_for("upr1", 0.5, "independently"),
            circumstances={
                "absences": [
                    {
                        "type": "maternity-parental",
                        "start": dt.date(2025, 9, 1),
                        "end": dt.date(2026, 1, 31),
                    }
                ]
            },
        ),
        "expect": {
            "outcome": "needs_human_review",
            "fired": ["hampshire.absence.would-be-not-met"],
            "not_fired": ["hampshire.rating.not-met"],
        },
    },
    "14-mpr-disability-absence-most-of-year": {
        "name": "MPR teacher with disability-related absence for most of the cycle",
        "description": "Too little of the cycle worked to judge: a person decides.",
        "review": review(
            "mpr",
            meets("mpr"),
            circumstances={
                "absences": [
                    {
                        "type": "disability-related",
                        "start": dt.date(2025, 9, 1),
                        "end": dt.date(2026, 4, 30),
                    }
                ]
            },
        ),
        "expect": {
            "outcome": "needs_human_review",
            "fired": ["hampshire.absence.too-little-worked"],
        },
    },
    "15-mpr-objectives-not-met": {
        "name": "MPR teacher meeting the standards but not the objectives",
        "description": "Objective outcomes are weighed: most objectives not met gives Not met.",
        "review": review("mpr", meets("mpr"), objectives=objectives("not-met", "not-met", "met")),
        "expect": {
            "outcome": "rated",
            "rating": "not-met",
            "fired": ["hampshire.objectives.not-met", "hampshire.rating.not-met"],
        },
    },
    "16-ect1-concerns-in-several-standards": {
        "name": "ECT 1 with concerns recorded across three standards",
        "description": "Concerns across several standards are a performance concern.",
        "review": review(
            "ect1",
            [
                *meets("ect1"),
                *tags_for("ect1", 0.1, "with-support", "concern"),
                {"statement": "ts.4.1.ect1.1", "modality": "with-support", "polarity": "concern"},
            ],
        ),
        "expect": {
            "outcome": "rated",
            "rating": "not-met",
            "purpose": "induction-progress",
            "fired": ["hampshire.concerns.several-standards"],
        },
    },
    "17-mpr-evidence-outside-cycle": {
        "name": "MPR teacher whose evidence all predates the cycle",
        "description": "Evidence outside the cycle is excluded and reported, not counted.",
        "review": review("mpr", meets("mpr"), date=dt.date(2025, 3, 3)),
        "expect": {
            "outcome": "insufficient_evidence",
            "fired": ["hampshire.evidence.too-few-items"],
        },
    },
}


def main() -> None:
    target = ROOT / "rules" / "hampshire" / "cases"
    target.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        text = yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=100)
        (target / f"{name}.yaml").write_text(text, encoding="utf-8")
    print(f"{len(CASES)} cases written to {target}")


if __name__ == "__main__":
    main()
