"""Run an audit: draft every entry (on every core), run every check, assemble the report."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from engine.audit.cases import (
    like_case_flags,
    like_cases,
    protected_absence_flags,
    rationale_flags,
    stored_draft_flags,
    what_if,
)
from engine.audit.cohort import Source, cohort_sources
from engine.audit.drafts import Drafter, draft_label
from engine.audit.groups import group_flags, group_tables
from engine.audit.methods import methods
from engine.audit.overrides import appraiser_findings, appraiser_flags, override_flags, overrides
from engine.audit.pool import Progress, draft_all
from engine.audit.scale import Scales
from engine.audit.summary import headline
from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import InputError
from engine.version import ENGINE_VERSION
from schemas.audit import AuditCase, AuditReport, AuditSettings, CohortEntry, CohortSummary
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework

__all__ = ["MAX_PROBLEMS", "audit_cases", "audit_entries", "audit_path", "draft_cases"]

MAX_PROBLEMS = 200
"""A broken cohort reports at most this many problems (a whole bad file would be thousands)."""


def audit_path(
    path: Path,
    settings: AuditSettings,
    *,
    rules_dir: Path | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> AuditReport:
    """Audit a cohort JSONL file or folder; ``InputError`` lists the entries that are wrong."""
    sources = cohort_sources(path)
    return _audit(sources, settings, rules_dir, workers, progress)


def audit_entries(
    entries: Iterable[CohortEntry],
    settings: AuditSettings,
    *,
    rules_dir: Path | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> AuditReport:
    """Audit entries built in code, e.g. the service's stored decision records."""
    sources = (Source(ref=f"entry {i + 1}", entry=entry) for i, entry in enumerate(entries))
    return _audit(sources, settings, rules_dir, workers, progress)


def _audit(
    sources: Iterable[Source],
    settings: AuditSettings,
    rules_dir: Path | None,
    workers: int,
    progress: Progress | None,
) -> AuditReport:
    drafter = _drafter(rules_dir, settings)
    cases = _draft(sources, drafter, workers, progress)
    hashes = _hashes(drafter.rulesets, cases, settings)
    return audit_cases(cases, drafter.rulesets.catalogue, settings, rulesets=hashes)


def draft_cases(
    sources: Iterable[Source],
    settings: AuditSettings,
    *,
    rules_dir: Path | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[AuditCase]:
    """Every source drafted; ``InputError`` with every problem (up to ``MAX_PROBLEMS``)."""
    return _draft(sources, _drafter(rules_dir, settings), workers, progress)


def _drafter(rules_dir: Path | None, settings: AuditSettings) -> Drafter:
    """One catalogue and set of compiled rule sets for the whole audit (workers get a copy).

    The chosen rule sets are compiled here first: an unknown one is a plain error, not a
    broken worker pool."""
    return Drafter(Catalogue(rules_dir), settings.ruleset, settings.compare_ruleset)


def _draft(
    sources: Iterable[Source], drafter: Drafter, workers: int, progress: Progress | None
) -> list[AuditCase]:
    cases: list[AuditCase] = []
    problems: list[Diagnostic] = []
    with _cases_kept_out_of_full_collections() as freeze:
        for result in draft_all(sources, drafter, workers=workers, progress=progress):
            if isinstance(result, AuditCase):
                cases.append(result)
                if len(cases) % FREEZE_EVERY == 0:
                    freeze()
            elif len(problems) < MAX_PROBLEMS:
                problems += result[: MAX_PROBLEMS - len(problems)]
    if problems:
        raise InputError(problems)
    return cases


FREEZE_EVERY = 5_000
"""Cases drafted between two freezes of what the audit holds (see below)."""


@contextlib.contextmanager
def _cases_kept_out_of_full_collections() -> Iterator[Callable[[], None]]:
    """While drafting, the cases already drafted are frozen out of the garbage collector's full
    passes, which otherwise walk every one of them again and again as the list grows (9 of 143 s
    for 100,000 reviews in one process). Frozen objects are still freed by reference counting;
    unfreezing at the end hands them, and anything else frozen meanwhile, back to the collector.
    In a process that froze objects of its own before (the service freezes what it built at
    start), nothing is frozen: unfreezing would hand its objects back too."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def _hashes(
    rulesets: RuleSets, cases: Sequence[AuditCase], settings: AuditSettings
) -> dict[str, str]:
    ids = {c.ruleset for c in cases} | {settings.compare_ruleset or c.ruleset for c in cases}
    return {i: rulesets.compiled(i).content_hash for i in sorted(ids)}


def audit_cases(
    cases: Sequence[AuditCase],
    frameworks: Mapping[str, Framework],
    settings: AuditSettings,
    *,
    rulesets: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> AuditReport:
    """Every check over drafted cases: the pure statistical and case-level layer."""
    scales = Scales.of(frameworks, cases)
    findings = appraiser_findings(cases, scales, settings)
    groups = group_tables(cases, scales, settings)
    similar = like_cases(cases)
    by_id = {c.id: c for c in cases}
    flags = [
        *override_flags(cases),
        *stored_draft_flags(cases),
        *appraiser_flags(findings),
        *like_case_flags(similar, by_id),
        *group_flags(groups, settings),
        *protected_absence_flags(cases, scales),
        *rationale_flags(cases),
    ]
    compare = settings.compare_ruleset
    counted = overrides(cases, scales)
    return AuditReport(
        generated_at=now or dt.datetime.now(dt.UTC),
        engine_version=ENGINE_VERSION,
        settings=settings,
        cohort=_summary(cases, scales, rulesets or {}),
        methods=methods(settings, what_if=compare is not None),
        summary=headline(counted, findings, flags),
        overrides=counted,
        appraisers=findings,
        like_cases=similar,
        groups=groups,
        whatif=what_if(cases, scales, _main_ruleset(cases, settings), compare) if compare else None,
        flags=tuple(flags),
    )


def _main_ruleset(cases: Sequence[AuditCase], settings: AuditSettings) -> str:
    if settings.ruleset:
        return settings.ruleset
    used = Counter(c.ruleset for c in cases).most_common(1)
    return used[0][0] if used else "-"


def _summary(
    cases: Sequence[AuditCase], scales: Scales, rulesets: Mapping[str, str]
) -> CohortSummary:
    ratings = scales.union()
    finals = Counter(c.final_rating for c in cases)
    drafts = Counter(draft_label(c.draft_outcome, c.draft_rating) for c in cases)
    return CohortSummary(
        cases=len(cases),
        appraisers=len({c.appraiser for c in cases}),
        frameworks=tuple(sorted({c.framework for c in cases})),
        scale=ratings,
        favourable=tuple(r for levels in scales.levels.values() for r in levels[1:]),
        finals={r: finals[r] for r in ratings},
        drafts=dict(drafts.most_common()),
        rulesets=dict(rulesets),
    )
