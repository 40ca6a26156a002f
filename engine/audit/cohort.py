"""Read a cohort: a JSONL file (one entry a line) or a folder of reviews with decision sidecars.

Reading is split in two so that the costly half runs in worker processes: ``cohort_sources``
only finds the entries (a line of text, or a pair of files), and ``parse_source`` turns one into
a checked ``CohortEntry``, every problem located (``cohort.jsonl:12:345: unknown-statement: …``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine._validate import did_you_mean, validate_document
from engine._yaml import Located, load_yaml_file, load_yaml_text
from engine.errors import InputError, NotFoundError
from engine.review.load import check_review, load_review, validate_review
from engine.rules.scales import OutcomeScale, framework_scale
from schemas.audit import CohortDecision, CohortEntry
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework

__all__ = [
    "SIDECAR_SUFFIX",
    "ScalesOf",
    "Source",
    "cohort_size",
    "cohort_sources",
    "parse_source",
]

ScalesOf = Callable[[Framework, str | None], Mapping[str | None, OutcomeScale]]
"""The scales a review's final rating may be on, by stage (``None``: every other stage), given
its framework and the rule set it names; a final rating must be on its stage's scale."""


def _framework_only(framework: Framework, ruleset: str | None) -> dict[str | None, OutcomeScale]:
    return {None: framework_scale(framework)}


SIDECAR_SUFFIX = ".decision.yaml"
"""A folder cohort pairs ``NAME.yaml`` (the review) with ``NAME.decision.yaml`` (the decision)."""


@dataclass(frozen=True)
class Source:
    """One entry before parsing: a JSONL line (its bytes, as read), a review file and its
    sidecar, or a built entry."""

    ref: str
    line: int = 0
    raw: bytes | None = None
    review: Path | None = None
    sidecar: Path | None = None
    entry: CohortEntry | None = None


def cohort_sources(path: Path) -> Iterator[Source]:
    """The entries of a cohort file or folder, lazily; ``NotFoundError`` when it is neither."""
    if path.is_dir():
        yield from _folder(path)
    elif path.is_file():
        # Bytes: decoding is left to the parser, in the worker (JSON is UTF-8).
        with path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield Source(ref=f"{path}:{number}", line=number, raw=line)
    else:
        raise NotFoundError(f"no cohort file or folder {str(path)!r}")


def cohort_size(path: Path) -> int:
    """How many entries ``cohort_sources`` will yield (for a progress bar)."""
    if path.is_dir():
        return sum(1 for _ in _reviews(path))
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def _reviews(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml", ".json") and not path.name.endswith(SIDECAR_SUFFIX):
            yield path


def _folder(folder: Path) -> Iterator[Source]:
    for review in _reviews(folder):
        sidecar = review.with_name(review.stem + SIDECAR_SUFFIX)
        yield Source(ref=str(review), review=review, sidecar=sidecar)


def parse_source(
    source: Source, catalogue: Mapping[str, Framework], scales: ScalesOf = _framework_only
) -> CohortEntry:
    """The checked entry of ``source``; ``InputError`` lists every problem, located. The final
    rating must be on the scale ``scales`` gives the review's stage (default: the framework's)."""
    if source.entry is not None:
        return _check_entry(source, source.entry, catalogue, scales)
    if source.raw is not None:
        return _parse_line(source, source.raw, catalogue, scales)
    assert source.review is not None and source.sidecar is not None
    return _parse_pair(source.review, source.sidecar, catalogue, scales)


def _check_entry(
    source: Source, entry: CohortEntry, catalogue: Mapping[str, Framework], scales: ScalesOf
) -> CohortEntry:
    """An entry built in code has no text to point into: its problems name the entry."""
    if not _entry_problems(entry, catalogue, scales):
        return entry
    data = entry.model_dump(mode="json")
    problems = [(d.code, d.message) for d in _review_problems(data, catalogue)]
    problems += [
        (code, message) for code, message, _ in _decision_problems(data, catalogue, scales)
    ]
    if problems:
        raise InputError(_problem(source.ref, 0, code, message) for code, message in problems)
    return entry


def _parse_line(
    source: Source, raw: bytes, catalogue: Mapping[str, Framework], scales: ScalesOf
) -> CohortEntry:
    """Fast path straight from JSON to the model; on any problem, parse again keeping positions
    to say where."""
    try:
        entry = CohortEntry.model_validate_json(raw)
    except ValidationError:
        raise _located_problems(source, raw, catalogue, scales) from None
    if _entry_problems(entry, catalogue, scales):
        raise _located_problems(source, raw, catalogue, scales)
    return entry


def _entry_problems(
    entry: CohortEntry, catalogue: Mapping[str, Framework], scales: ScalesOf
) -> bool:
    """Whether a well-formed entry has any cross-reference problem (the fast, unlocated check
    a draft makes of a review built in code; which problems, and where, is for the slow path)."""
    if entry.review.framework not in list(catalogue):
        return True
    framework = catalogue[entry.review.framework]
    if (
        entry.final_rating
        not in _scale_of(framework, entry.review.stage, entry.review.ruleset, scales).levels
    ):
        return True
    try:
        validate_review(framework, entry.review)
    except InputError:
        return True
    return False


def _located_problems(
    source: Source, raw: bytes, catalogue: Mapping[str, Framework], scales: ScalesOf
) -> InputError:
    file = source.ref.rsplit(":", 1)[0]
    located = load_yaml_text(raw.decode("utf-8", errors="replace"), file)
    _, diagnostics, _ = validate_document(CohortEntry, located)
    if isinstance(located.data, dict):
        diagnostics += _located_review_problems(located, catalogue)
        diagnostics += [
            located.diagnostic(loc, code, message)
            for code, message, loc in _decision_problems(located.data, catalogue, scales)
        ]
    shifted = [d.model_copy(update={"line": source.line}) for d in diagnostics]
    return InputError(shifted or [_problem(source.ref, 0, "invalid-value", "unreadable entry")])


def _review_problems(data: Any, catalogue: Mapping[str, Framework]) -> list[Diagnostic]:
    """The review's cross-reference problems, unlocated (the fast check)."""
    review = data.get("review") if isinstance(data, dict) else None
    if not isinstance(review, dict):
        return []
    message = _unknown_framework(review, catalogue)
    if message:
        return [_problem("<entry>", 0, "unknown-framework", message)]
    return check_review(catalogue[review["framework"]], review)


def _unknown_framework(review: Mapping[str, Any], catalogue: Mapping[str, Framework]) -> str:
    """Why the review's framework is not in the catalogue; "" when it is."""
    framework_id = review.get("framework")
    known = list(catalogue)
    if isinstance(framework_id, str) and framework_id in known:
        return ""
    hint = did_you_mean(str(framework_id), known)
    return f"review.framework: unknown framework {framework_id!r}{hint}"


def _located_review_problems(
    located: Located, catalogue: Mapping[str, Framework]
) -> list[Diagnostic]:
    """The review's cross-reference problems, positioned inside the entry's ``review`` key."""
    review = located.data.get("review")
    if not isinstance(review, dict):
        return []
    message = _unknown_framework(review, catalogue)
    if message:
        return [located.diagnostic(("review", "framework"), "unknown-framework", message)]
    inner = Located(
        file=located.file,
        data=review,
        values={loc[1:]: pos for loc, pos in located.values.items() if loc[:1] == ("review",)},
        keys={loc[1:]: pos for loc, pos in located.keys.items() if loc[:1] == ("review",)},
    )
    return check_review(catalogue[review["framework"]], review, inner)


def _decision_problems(
    data: Any, catalogue: Mapping[str, Framework], scales: ScalesOf, review: Any = None
) -> list[tuple[str, str, tuple[str, ...]]]:
    """The final rating must be a level of the scale of the review's stage: the framework's, or
    the rule set's own for that stage (an ECT's induction scale)."""
    if not isinstance(data, dict):
        return []
    review = review if review is not None else data.get("review")
    if not isinstance(review, dict):
        return []
    framework_id, final = review.get("framework"), data.get("final_rating")
    if not isinstance(framework_id, str) or framework_id not in list(catalogue):
        return []
    if not isinstance(final, str):
        return []
    stage, ruleset = review.get("stage"), review.get("ruleset")
    by_stage = scales(catalogue[framework_id], ruleset if isinstance(ruleset, str) else None)
    own = by_stage.get(stage if isinstance(stage, str) else None, by_stage[None])
    if final in own.levels:
        return []
    other = next((s for s in by_stage.values() if final in s.levels), None)
    if other is not None:
        message = (
            f"final_rating: {final!r} is on the {other.title} scale, but a review at stage "
            f"{stage} is decided on the {own.title} scale: give one of {', '.join(own.levels)}"
        )
    else:
        message = f"final_rating: unknown rating {final!r}{did_you_mean(final, own.levels)}"
    return [("unknown-rating", message, ("final_rating",))]


def _scale_of(
    framework: Framework, stage: str | None, ruleset: str | None, scales: ScalesOf
) -> OutcomeScale:
    by_stage = scales(framework, ruleset)
    return by_stage.get(stage, by_stage[None])


def _parse_pair(
    review_path: Path, sidecar: Path, catalogue: Mapping[str, Framework], scales: ScalesOf
) -> CohortEntry:
    if not sidecar.is_file():
        message = f"no decision file {sidecar.name} beside the review (final rating, reasons…)"
        raise InputError([_problem(str(review_path), 1, "missing-decision", message)])
    problems: list[Diagnostic] = []
    try:
        review = load_review(review_path, catalogue)
    except InputError as exc:
        problems += exc.diagnostics
        review = None
    located = load_yaml_file(sidecar)
    decision, found, _ = validate_document(CohortDecision, located)
    problems += found
    if review is not None:
        problems += [
            located.diagnostic(loc, code, message)
            for code, message, loc in _decision_problems(
                located.data, catalogue, scales, review.model_dump(mode="json")
            )
        ]
    if problems or review is None or decision is None:
        raise InputError(problems)
    return CohortEntry(review=review, **dict(decision))


def _problem(file: str, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(
        file=file, line=line, column=0 if line == 0 else 1, code=code, message=message
    )
