"""Each invariant catches a deliberately broken copy of a shipped rule set, with a minimal case.

Determinism and explanation completeness cannot be broken by a rule set (rules only see facts,
which are derived order-free and cite evidence themselves), so for those two the copy is shipped
unchanged and fact derivation is broken instead. Totality neither (the compiler rejects every
reason template it knows cannot render), so the engine's rendering of one reason is broken.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import engine.facts.derive
import engine.recommend.next_steps
from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.decide.rulesets import RuleSets
from engine.facts._plan import Plan
from engine.recommend.changes import apply_changes
from engine.rules.compiler import compile_ruleset, load_ruleset
from engine.testing.boundaries import aimed_probes
from engine.testing.golden import case_files, load_cases
from engine.testing.invariants import Checker, Violation, run_invariant
from schemas.recommendation import Change, LedgerRow
from schemas.review import PROTECTED_ABSENCE, EvidenceItem, Review

pytestmark = pytest.mark.slow  # each test searches for a counterexample to a broken rule set

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Catalogue()


def broken_copy(tmp_path: Path, framework: str, edits: Sequence[tuple[str, str]]) -> Path:
    """A copy of ``rules/<framework>/ruleset.yaml`` with each ``old`` text replaced by ``new``."""
    text = (ROOT / "rules" / framework / "ruleset.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"edit does not apply: {old!r}"
        text = text.replace(old, new)
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def checker_for(path: Path) -> Checker:
    ruleset, framework = load_ruleset(path, CATALOGUE)
    return Checker(Evaluator(compile_ruleset(ruleset, framework)))


def caught(path: Path, name: str, max_examples: int = 100) -> Violation:
    violation = run_invariant(checker_for(path), name, max_examples=max_examples, seed=0)
    assert violation is not None, f"{name} did not catch the broken copy"
    assert violation.invariant == name
    return violation


def on_scale_of(stage: str | None, *ratings: str) -> tuple[str, ...]:
    """Hampshire ratings as drafted at ``stage``: on the induction scale for an ECT."""
    scale = RuleSets(CATALOGUE).compiled("hampshire").scale_for(stage)
    return tuple(scale.level_of(r) for r in ratings)


def assert_plain_year(violation: Violation) -> None:
    """The shrunk review carries nothing the failure does not need."""
    review = violation.review
    assert not review.conduct.concern and not review.circumstances.in_capability
    assert review.circumstances.absences == ()


# --- totality --------------------------------------------------------------------------------


def test_totality_catches_a_reason_the_engine_cannot_render(
    unrenderable_achieved_reason: str,
) -> None:
    violation = caught(ROOT / "rules" / "hampshire" / "ruleset.yaml", "totality")
    assert "ValueError" in violation.message and unrenderable_achieved_reason in violation.message
    assert violation.review.objectives == ()  # achieved needs no objective when none is assessed
    assert_plain_year(violation)


# --- monotonicity ----------------------------------------------------------------------------

CONCERNS_INVERTED = (
    "where: [standards_with_concerns > param.max_standards_with_concerns]",
    "where: [standards_with_concerns < param.max_standards_with_concerns]",
)


def test_monotonicity_catches_a_comparison_the_wrong_way_round(tmp_path: Path) -> None:
    violation = caught(broken_copy(tmp_path, "hampshire", [CONCERNS_INVERTED]), "monotonicity")
    assert violation.results == on_scale_of(violation.review.stage, "not-met", "achieved")
    assert violation.message.startswith("added a concern")
    assert violation.variant is not None
    assert not any(t.polarity == "concern" for e in violation.review.evidence for t in e.tags)
    assert_plain_year(violation)


def test_the_inverted_concerns_threshold_is_caught_on_every_seed(tmp_path: Path) -> None:
    """The aimed probes (engine.testing.boundaries) cross the threshold whatever the seed."""
    checker = checker_for(broken_copy(tmp_path, "hampshire", [CONCERNS_INVERTED]))
    rules = ROOT / "rules" / "hampshire" / "ruleset.yaml"
    cases, _ = load_cases(case_files(rules, "hampshire"), CATALOGUE)
    seeds = [case.data.review for case in cases]
    caught_on = [
        seed
        for seed in range(10)
        if run_invariant(
            checker,
            "monotonicity",
            max_examples=100,
            seed=seed,
            aimed=aimed_probes("monotonicity", checker.framework, seeds),
        )
    ]
    assert caught_on == list(range(10))


# --- cumulative stages -----------------------------------------------------------------------

SENIOR_SHORTCUT = (
    "  - id: hampshire.objectives.none-assessed\n",
    """  - id: hampshire.rating.senior-achieved
    description: The upper pay range is drafted achieved on evidence at any modality (the slip).
    source: a deliberately broken copy
    when:
      - fact: review
        where: [stage_rank >= 3]
      - fact: coverage
        where: [unit_evidenced_ratio >= param.min_judgeable_ratio]
    then: {propose: achieved}
    reason: Senior teacher.
  - id: hampshire.objectives.none-assessed
""",
)
NOT_MET_ONLY_EARLY = (
    """        where: [name == below-expectations]
    then: {propose: not-met}""",
    """        where: [name == below-expectations]
      - fact: review
        where: [stage_rank < 3]
    then: {propose: not-met}""",
)


def test_cumulative_stages_catches_a_lighter_bar_for_later_stages(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, "hampshire", [SENIOR_SHORTCUT, NOT_MET_ONLY_EARLY])
    violation = caught(path, "cumulative-stages", max_examples=150)
    assert violation.results == (*on_scale_of(violation.review.stage, "not-met"), "achieved")
    assert violation.variant is not None
    assert violation.review.stage in ("ect1", "ect2", "mpr")
    assert violation.variant.stage in ("upr1", "upr2-3", "lp", "adh")
    assert violation.review.evidence == violation.variant.evidence
    assert_plain_year(violation)


# --- protected absence -----------------------------------------------------------------------

ABSENCE_AS_WEAKNESS = (
    """          - worked_fraction < param.min_worked_fraction
    then: {status: needs_human_review}""",
    """          - worked_fraction < param.min_worked_fraction
    then: {propose: weak}""",
)


def test_protected_absence_catches_absence_counted_against_the_teacher(tmp_path: Path) -> None:
    violation = caught(broken_copy(tmp_path, "hgios4", [ABSENCE_AS_WEAKNESS]), "protected-absence")
    assert violation.results[1] == "weak" and violation.results[0] != "weak"
    assert violation.variant is not None
    # The variant is the review plus one protected absence. The review may keep an absence of
    # its own when the failure needs both (the two together push the year under the bar): which
    # example the search shrinks to depends on what it draws, e.g. each framework's kinds.
    *kept, added = violation.variant.circumstances.absences
    assert tuple(kept) == violation.review.circumstances.absences
    assert added.type in PROTECTED_ABSENCE
    review = violation.review
    assert not review.conduct.concern and not review.circumstances.in_capability
    assert len(review.circumstances.absences) <= 1


# --- next-step soundness ---------------------------------------------------------------------

TWO_RECORDERS = (
    "  - id: hampshire.evidence.thin-coverage\n",
    """  - id: hampshire.evidence.one-recorder
    description: Evidence recorded by one person only is not enough to judge.
    source: a school's own moderation policy
    when:
      - fact: sufficiency
        where: [recorders < 2]
    then: {status: insufficient_evidence}
    reason: All the evidence was recorded by one person.
  - id: hampshire.evidence.thin-coverage
""",
)


def _recorded_by_next_step(review: Review, changes: Sequence[Change]) -> Review:
    """A reading of next steps that differs from a person's: a separate 'next-step' recorder."""
    changed = apply_changes(review, changes)
    evidence = tuple(
        e.model_copy(update={"recorded_by": "next-step"}) if e.id.startswith("next-step-") else e
        for e in changed.evidence
    )
    return changed.model_copy(update={"evidence": evidence})


def test_next_step_soundness_catches_steps_confirmed_differently_than_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Steps the engine confirms with evidence from a second recorder fall short, applied as
    written by the appraiser, under a rule that counts recorders."""
    monkeypatch.setattr(engine.recommend.next_steps, "apply_changes", _recorded_by_next_step)
    path = broken_copy(tmp_path, "hampshire", [TWO_RECORDERS])
    violation = caught(path, "next-step-soundness", max_examples=30)
    assert violation.results == ("insufficient_evidence", "insufficient_evidence")
    assert {e.recorded_by for e in violation.review.evidence} == {"a-01"}
    assert_plain_year(violation)


def test_next_steps_confirmed_as_a_person_applies_them_pass_under_that_rule(
    tmp_path: Path,
) -> None:
    """The engine's own reading is apply_changes: the same rule set gives no violation."""
    checker = checker_for(broken_copy(tmp_path, "hampshire", [TWO_RECORDERS]))
    assert run_invariant(checker, "next-step-soundness", max_examples=30, seed=0) is None


# --- determinism and explanation completeness: broken fact derivation ------------------------


class _LastTagWins(engine.facts.derive._Shown):
    """The original, except that a required statement's last strength tag in the review's own
    order, not its strongest, counts."""

    def __init__(self, plan: Plan, window: list[EvidenceItem]) -> None:
        super().__init__(plan, window)
        last = {
            tag.statement: tag.modality
            for item in window
            for tag in item.tags
            if tag.polarity == "strength" and tag.statement in plan.required
        }
        for statement, modality in last.items():
            met = plan.rank[modality] >= plan.needed[statement]
            self.statements[statement] = self.statements[statement]._replace(best=modality, met=met)
            if met:
                self.met.add(statement)
            else:
                self.met.discard(statement)


def test_determinism_catches_order_dependent_fact_derivation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.facts.derive, "_Shown", _LastTagWins)
    violation = caught(broken_copy(tmp_path, "hgios4", []), "determinism")
    assert violation.variant is not None
    assert sorted(e.id for e in violation.review.evidence) == sorted(
        e.id for e in violation.variant.evidence
    )
    assert_plain_year(violation)


ORIGINAL_ALL_FACTS = engine.facts.derive._all_facts


def _cites_excluded(
    shown: engine.facts.derive._Shown, review: Review, ledger: tuple[LedgerRow, ...], excluded: int
) -> tuple[engine.facts.derive.Fact, ...]:
    """The original, except that sufficiency cites every evidence item, excluded ones too."""
    cited = sorted(item.id for item in review.evidence)
    facts = ORIGINAL_ALL_FACTS(shown, review, ledger, excluded)
    return tuple({**f, "evidence": cited} if f["t"] == "sufficiency" else f for f in facts)


def test_explanation_completeness_catches_citing_excluded_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine.facts.derive, "_all_facts", _cites_excluded)
    violation = caught(broken_copy(tmp_path, "isp", []), "explanation-completeness", 200)
    assert "excluded as outside the cycle" in violation.message
    excluded = [e for e in violation.review.evidence if e.date < violation.review.cycle_start]
    assert len(excluded) == 1
    assert_plain_year(violation)
