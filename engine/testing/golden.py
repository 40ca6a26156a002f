"""Golden cases: found beside their rule set, loaded with located diagnostics, run and compared.

``appraise test``, ``appraise check`` and the golden tests share this one comparison. A case is
``cases/*.yaml`` in the folder of its rule set. A case that names its rule set (``ruleset:``)
belongs to that one; a case that names none, or names one no file of its folder has (the folder
was copied and its rule set renamed), follows its folder: it belongs to every rule set there.
So a copy of a rule set under a new id, beside the original or in a folder of its own, is held
to the same cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from engine._validate import validate_document
from engine._yaml import Located, load_yaml_file
from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.errors import InputError, RuleSetError
from engine.recommend.recommendation import recommend
from engine.review.load import check_review
from engine.rules.compiler import CompiledRules, compile_ruleset, load_ruleset
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.golden import Expectation, GoldenCase
from schemas.recommendation import Recommendation

__all__ = [
    "Actual",
    "Case",
    "CaseResult",
    "Mismatch",
    "SuiteResult",
    "case_files",
    "compare",
    "load_case",
    "load_cases",
    "run_cases",
    "run_suite",
]


@dataclass(frozen=True)
class Case:
    """A golden case read from its file: ``file`` as diagnostics name it, ``line`` and
    ``column`` of its ``expect:`` key (where a failing case is reported)."""

    path: Path
    file: str
    line: int
    column: int
    data: GoldenCase

    @property
    def name(self) -> str:
        return self.data.name

    @property
    def ruleset(self) -> str | None:
        """The rule set the case names (its own key, else its review's), if any."""
        return self.data.ruleset or self.data.review.ruleset


@dataclass(frozen=True)
class Mismatch:
    """One expectation the draft broke: what was expected, what the draft said instead."""

    what: str  # outcome, rating, purpose, scale, fired, not_fired or causes
    expected: tuple[str, ...]
    actual: tuple[str, ...]


@dataclass(frozen=True)
class Actual:
    """What the draft of a case's review was, as far as a case can expect anything of it."""

    outcome: str
    rating: str | None
    purpose: str | None
    scale: str | None
    fired: tuple[str, ...]
    causes: tuple[str, ...]


@dataclass(frozen=True)
class CaseResult:
    """A case run on one rule set: passed, failed (``mismatches``) or broken (``error``: the
    engine raised, or the review is not valid for the rule set's framework)."""

    case: Case
    ruleset: str
    mismatches: tuple[Mismatch, ...] = ()
    actual: Actual | None = None
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.mismatches and self.error is None

    @property
    def summary(self) -> str:
        """The first broken expectation, or the error, in a sentence ("" when it passed)."""
        if self.error is not None:
            return self.error
        return _said(self.mismatches[0]) if self.mismatches else ""

    def diagnostic(self) -> Diagnostic | None:
        """The failure as a diagnostic at the case's ``expect:`` (``case-failed``, or
        ``case-error`` when the case could not run); None when it passed."""
        if self.passed:
            return None
        head = f"case {self.case.name!r} on rule set {self.ruleset!r}: "
        code = "case-error" if self.error is not None else "case-failed"
        said = self.error or "; ".join(_said(m) for m in self.mismatches)
        case = self.case
        return Diagnostic(
            file=case.file, line=case.line, column=case.column, code=code, message=head + said
        )


@dataclass(frozen=True)
class SuiteResult:
    """The cases of one rule-set file: their results, and the problems of the rule set or of
    case files that could not be read (each a located diagnostic)."""

    path: Path
    ruleset: str | None
    results: tuple[CaseResult, ...]
    diagnostics: tuple[Diagnostic, ...]
    deselected: int = 0

    @property
    def ok(self) -> bool:
        return not self.diagnostics and all(r.passed for r in self.results)


# --- finding and loading ----------------------------------------------------------------------


def case_files(ruleset_path: Path, ruleset_id: str) -> list[Path]:
    """The case files in ``cases/`` beside ``ruleset_path`` that belong to ``ruleset_id``.

    Files that cannot be read as a case are included: running them reports their problems.
    """
    folder = ruleset_path.parent
    ids = _ruleset_ids(folder) | {ruleset_id}
    found = sorted([*folder.glob("cases/*.yaml"), *folder.glob("cases/*.yml")])
    return [path for path in found if _named(path) in (None, ruleset_id) or _named(path) not in ids]


def _ruleset_ids(folder: Path) -> set[str]:
    ids = set()
    for path in folder.glob("ruleset*.y*ml"):
        data = _data(path)
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            ids.add(data["id"])
    return ids


def _named(path: Path) -> str | None:
    """The rule set a case file names (``ruleset:``, else its review's), None when none."""
    data = _data(path)
    if not isinstance(data, dict):
        return None
    review = data.get("review")
    named = data.get("ruleset") or (review.get("ruleset") if isinstance(review, dict) else None)
    return named if isinstance(named, str) else None


def _data(path: Path) -> object:
    try:
        return load_yaml_file(path).data
    except InputError:
        return None


def load_case(path: Path, frameworks: Mapping[str, Framework]) -> Case:
    """Read a case file and check its review against its framework; ``InputError`` lists every
    problem, located in the case file."""
    located = load_yaml_file(path)
    case, diagnostics, _ = validate_document(GoldenCase, located)
    review = located.data.get("review") if isinstance(located.data, dict) else None
    named = review.get("framework") if isinstance(review, dict) else None
    if isinstance(review, dict) and isinstance(named, str) and named in frameworks:
        diagnostics += check_review(frameworks[named], review, _under(located, "review"))
    if diagnostics or case is None:
        raise InputError(diagnostics)
    line, column = located.where(("expect",), key=True)
    return Case(path=path, file=located.file, line=line, column=column, data=case)


def load_cases(
    paths: Iterable[Path], frameworks: Mapping[str, Framework]
) -> tuple[list[Case], list[Diagnostic]]:
    """The cases that could be read, and every problem of those that could not."""
    cases: list[Case] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        try:
            cases.append(load_case(path, frameworks))
        except InputError as exc:
            diagnostics += exc.diagnostics
    return cases, diagnostics


def _under(located: Located, key: str) -> Located:
    """The part of ``located`` under ``key``, positions kept, paths relative to it."""

    def strip(
        table: Mapping[tuple[str | int, ...], tuple[int, int]],
    ) -> dict[tuple[str | int, ...], tuple[int, int]]:
        return {loc[1:]: where for loc, where in table.items() if loc[:1] == (key,)}

    return Located(
        file=located.file,
        data=located.data[key],
        values=strip(located.values),
        keys=strip(located.keys),
        quoted={loc[1:] for loc in located.quoted if loc[:1] == (key,)},
    )


# --- running and comparing --------------------------------------------------------------------


def run_cases(compiled: CompiledRules, cases: Iterable[Case]) -> list[CaseResult]:
    """Draft each case's review with ``compiled`` (no next steps) and compare it with the case."""
    evaluator = Evaluator(compiled)
    return [_run(evaluator, case) for case in cases]


def _run(evaluator: Evaluator, case: Case) -> CaseResult:
    ruleset = evaluator.compiled.ruleset.id
    review = case.data.review
    if review.framework != evaluator.framework.id:
        theirs = evaluator.framework.id
        error = f"the review is for framework {review.framework!r}, the rule set for {theirs!r}"
        return CaseResult(case, ruleset, error=error)
    try:
        rec = recommend(evaluator, review, next_steps=False)
    except Exception as exc:  # a test runner reports a case that breaks the engine, and goes on
        return CaseResult(case, ruleset, error=f"{type(exc).__name__}: {exc}")
    actual = _actual(rec)
    return CaseResult(case, ruleset, compare(case.data.expect, actual), actual)


def _actual(rec: Recommendation) -> Actual:
    fired = tuple(dict.fromkeys(f.rule for f in rec.trace.firings))
    said = tuple(line for cause in rec.causes for line in (cause.text, *cause.details))
    return Actual(rec.outcome, rec.rating, rec.purpose, rec.scale, fired, said)


def compare(expect: Expectation, actual: Actual) -> tuple[Mismatch, ...]:
    """Every expectation the draft broke, in the order a case file writes them."""
    found: list[Mismatch] = []

    def differ(what: str, wanted: str | None, got: str | None) -> None:
        if wanted != got:
            found.append(Mismatch(what, _shown(wanted), _shown(got)))

    differ("outcome", expect.outcome, actual.outcome)
    differ("rating", expect.rating, actual.rating)
    if expect.purpose is not None:
        differ("purpose", expect.purpose, actual.purpose)
    differ("scale", expect.scale, actual.scale)  # none expected: the framework's own scale
    fired = set(actual.fired)
    if missing := tuple(rule for rule in expect.fired if rule not in fired):
        found.append(Mismatch("fired", missing, actual.fired))
    if unwanted := tuple(rule for rule in expect.not_fired if rule in fired):
        found.append(Mismatch("not_fired", unwanted, actual.fired))
    if unsaid := tuple(p for p in expect.causes if not any(p in line for line in actual.causes)):
        found.append(Mismatch("causes", unsaid, actual.causes))
    return tuple(found)


def _said(mismatch: Mismatch) -> str:
    """One broken expectation in a sentence."""
    listed = ", ".join(mismatch.expected)
    if mismatch.what == "fired":
        return f"expected to fire but did not: {listed}"
    if mismatch.what == "not_fired":
        return f"expected not to fire but fired: {listed}"
    if mismatch.what == "causes":
        return "no cause line says " + ", nor ".join(repr(part) for part in mismatch.expected)
    return f"{mismatch.what} expected {listed}, got {', '.join(mismatch.actual)}"


def _shown(value: str | None) -> tuple[str, ...]:
    return (value if value is not None else "(none)",)


def run_suite(
    path: Path, catalogue: Catalogue, *, select: Callable[[str], bool] | None = None
) -> SuiteResult:
    """Load the rule set at ``path``, find its cases and run those ``select`` picks (given a
    case's name and file name; ``engine.testing.selection.matcher`` reads ``-k``). Problems of the
    rule set or of unreadable case files come back as diagnostics, never raised."""
    try:
        ruleset, framework = load_ruleset(path, catalogue)
    except RuleSetError as exc:
        return SuiteResult(path, None, (), tuple(exc.diagnostics))
    cases, diagnostics = load_cases(case_files(path, ruleset.id), catalogue)
    chosen = [case for case in cases if select is None or select(f"{case.name} {case.path.name}")]
    results = run_cases(compile_ruleset(ruleset, framework), chosen)
    deselected = len(cases) - len(chosen)
    return SuiteResult(path, ruleset.id, tuple(results), tuple(diagnostics), deselected)
