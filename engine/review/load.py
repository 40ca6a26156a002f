"""Load a review (YAML or JSON) and check it against its framework, every problem at once.

Model errors come from pydantic via ``engine._validate``; cross-references (unknown statement,
stage, modality, rating, node, evidence, evidence kind; duplicate ids) are checked here on the
raw located data, so a type error in one place does not hide a dangling reference elsewhere.
Evidence dated outside the cycle is not an error: fact derivation reports it as excluded.

A review built in code is checked on every draft, so ``validate_review`` first compares its typed
ids with sets made once per framework, and walks the data for located diagnostics only when that
finds something amiss: the diagnostics are the full walk's either way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from engine._memo import PerObject
from engine._raw import items as _items
from engine._raw import path_text as _path
from engine._raw import repeated_ids
from engine._validate import did_you_mean, validate_document
from engine._yaml import NO_LIMITS, Limits, Loc, Located, load_yaml_text, read_text
from engine.catalogue.tree import walk
from engine.errors import MAX_LISTED, InputError
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.review import Review, Tag

__all__ = ["check_review", "load_review", "parse_review", "resolves", "validate_review"]

UNLOCATED = "<review>"
"""The file name of diagnostics about a review built in code, which has no source text."""

Report = Callable[[Loc, str, str], Diagnostic]


def load_review(path: Path, catalogue: Mapping[str, Framework]) -> Review:
    """Read and check a review file; ``InputError`` lists every problem, located."""
    return parse_review(read_text(path), str(path), catalogue)


def parse_review(
    text: str, file: str, catalogue: Mapping[str, Framework], *, limits: Limits = NO_LIMITS
) -> Review:
    """Parse review text (YAML, or JSON, which is YAML) and check it against its framework;
    a text past ``limits`` is refused before anything is built."""
    located = load_yaml_text(_untab_json(text), file, json_numbers=_is_json(text), limits=limits)
    review, diagnostics, omitted = validate_document(Review, located, limit=MAX_LISTED)
    if located.data is not None:
        references, unlisted = _cross_references(located, catalogue)
        diagnostics = _unrepeated(diagnostics, references) + references
        omitted += unlisted
    if diagnostics or review is None:
        raise InputError(diagnostics, omitted=omitted)
    return review


def _unrepeated(model: list[Diagnostic], references: list[Diagnostic]) -> list[Diagnostic]:
    """The model's diagnostics but those about the form of an id the references report unknown:
    ``unknown stage 'MPR' (did you mean 'mpr'?)`` says more than the pattern a slug must match.
    """
    unknown = {d.path for d in references if d.code.startswith("unknown-")}
    return [d for d in model if not (d.code == "invalid-value" and d.path in unknown)]


def _is_json(text: str) -> bool:
    """A review written as JSON (a flow mapping or sequence): read with JSON's numbers."""
    return text.lstrip().startswith(("{", "["))


def _untab_json(text: str) -> str:
    """JSON indented with tabs is not YAML; a tab becomes one space, so columns stay the same.

    JSON strings cannot hold a raw tab, so only whitespace between tokens changes.
    """
    return text.replace("\t", " ") if _is_json(text) else text


def _cross_references(
    located: Located, catalogue: Mapping[str, Framework]
) -> tuple[list[Diagnostic], int]:
    """The framework's own checks when the review names a known framework: the first
    ``MAX_LISTED`` problems found, and the count of the others."""
    data = located.data
    framework_id = data.get("framework") if isinstance(data, dict) else None
    if not isinstance(framework_id, str):
        return [], 0
    known = list(catalogue)
    if framework_id not in known:
        message = (
            f"framework: unknown framework {framework_id!r}{did_you_mean(framework_id, known)}"
        )
        return [located.diagnostic(("framework",), "unknown-framework", message)], 0
    checker = _Checker(catalogue[framework_id], located.diagnostic, limit=MAX_LISTED)
    checker.run(data)
    return checker.found, checker.omitted


def resolves(framework: Framework, review: Review) -> bool:
    """True when the typed review is of ``framework`` and names only its ids, each id once: a
    quick check that passes only reviews ``check_review`` finds nothing wrong with."""
    return review.framework == framework.id and _resolves(_known(framework), review)


def validate_review(framework: Framework, review: Review) -> None:
    """Check a review built in code; ``InputError`` with unlocated diagnostics (line 0)."""
    if resolves(framework, review):
        return
    diagnostics = check_review(framework, review)
    if review.framework != framework.id:
        message = f"framework: review is for {review.framework!r}, checked against {framework.id!r}"
        diagnostics.insert(0, _unlocated(("framework",), "unknown-framework", message))
    if diagnostics:
        raise InputError(diagnostics)


@dataclass(frozen=True)
class _Known:
    """The ids a review of one framework may name, as sets."""

    stages: frozenset[str]
    ratings: frozenset[str]
    nodes: frozenset[str]
    statements: frozenset[str]  # the statements a tag may name: those that are not nodes
    modalities: frozenset[str]
    kinds: frozenset[str]


def _build_known(framework: Framework) -> _Known:
    nodes = frozenset(node.id for node, _ in walk(framework.standards))
    statements = {s.id for s in framework.statements} - nodes
    modalities = [m.id for m in framework.modalities.levels]
    return _Known(
        stages=frozenset(s.id for s in framework.stages),
        ratings=frozenset(level.id for level in framework.scale.levels),
        nodes=nodes,
        statements=frozenset(statements),
        modalities=frozenset(modalities),
        kinds=frozenset(kind.id for kind in framework.evidence_kinds),
    )


_known = PerObject(_build_known)
_tags_of = attrgetter("tags")
_statement_of = attrgetter("statement")
_modality_of = attrgetter("modality")
_id_of = attrgetter("id")
_kind_of = attrgetter("kind")


def _resolves(known: _Known, review: Review) -> bool:
    """True when every reference in the typed review names a known id, each id used once.

    Stricter than ``check_review`` (anything odd sends the review down the full, located
    check), so a review it passes is one that ``check_review`` finds nothing wrong with.
    """
    try:
        return _stage_and_rating_known(known, review) and _ids_resolve(known, review)
    except (AttributeError, TypeError):  # a value of the wrong type: the full check says what
        return False


def _stage_and_rating_known(known: _Known, review: Review) -> bool:
    stage_ok = review.stage in known.stages if known.stages else review.stage is None
    rating = review.appraiser_rating
    return stage_ok and (rating is None or rating in known.ratings)


def _ids_resolve(known: _Known, review: Review) -> bool:
    tags = list(itertools.chain.from_iterable(map(_tags_of, review.evidence)))
    evidence = set(map(_id_of, review.evidence))
    objectives = set(map(_id_of, review.objectives))
    return (
        known.statements.issuperset(map(_statement_of, tags))
        and _modalities_known(known, tags)
        and known.kinds.issuperset(map(_kind_of, review.evidence))
        and len(evidence) == len(review.evidence)
        and len(objectives) == len(review.objectives)
        and all(
            evidence.issuperset(o.evidence) and known.nodes.issuperset(o.standards)
            for o in review.objectives
        )
    )


def _modalities_known(known: _Known, tags: list[Tag]) -> bool:
    """Every tag names a known modality, but a concern, which may name none."""
    return known.modalities.issuperset(map(_modality_of, tags)) or all(
        tag.modality in known.modalities or (tag.modality is None and tag.polarity == "concern")
        for tag in tags
    )


def check_review(
    framework: Framework, review: Review | Mapping[str, Any], located: Located | None = None
) -> list[Diagnostic]:
    """Every cross-reference problem of a review (a model, or raw loaded data) in ``framework``.

    With ``located`` each diagnostic points at the offending value; without, it is unlocated.
    """
    data = review.model_dump(mode="json") if isinstance(review, Review) else review
    report: Report = located.diagnostic if located else _unlocated
    checker = _Checker(framework, report)
    if isinstance(data, Mapping):
        checker.run(data)
    return checker.found


def _unlocated(loc: Loc, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=UNLOCATED, line=0, column=0, code=code, message=message, path=_path(loc))


def _strings(item: Mapping[str, Any], key: str, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """The strings in the list at ``item[key]``, with their paths."""
    value = item.get(key)
    if isinstance(value, (list, tuple)):
        for i, entry in enumerate(value):
            if isinstance(entry, str):
                yield (*loc, key, i), entry


MAX_SUGGESTIONS = 100
"""Unknown ids given a did-you-mean per review (a 422 lists the first 100 problems anyway)."""


class _Checker:
    """Collects the cross-reference problems of one review against one framework."""

    def __init__(self, framework: Framework, report: Report, *, limit: int | None = None) -> None:
        self.framework = framework
        self.report = report
        self.found: list[Diagnostic] = []
        self.limit = limit
        self.omitted = 0
        """Problems found past ``limit``: counted, not described."""
        self.statements = [s.id for s in framework.statements]
        self.statement_set = set(self.statements)
        self.nodes = [node.id for node, _ in walk(framework.standards)]
        self.node_set = set(self.nodes)
        self.modalities = [m.id for m in framework.modalities.levels]
        self.kinds = [kind.id for kind in framework.evidence_kinds]
        self.suggestions_left = MAX_SUGGESTIONS

    def _hint(self, word: str, known: Collection[str]) -> str:
        """``did_you_mean`` for the first ``MAX_SUGGESTIONS`` unknown ids, then nothing: each
        looks through every known id, so a body of thousands of unknown ones took minutes."""
        if self.suggestions_left <= 0:
            return ""
        self.suggestions_left -= 1
        return did_you_mean(word, known)

    def run(self, data: Mapping[str, Any]) -> None:
        self._stage(data)
        ratings = [level.id for level in self.framework.scale.levels]
        self._reference(data, (), "appraiser_rating", ratings, "unknown-rating", "rating")
        evidence = self._unique("evidence", list(_items(data, "evidence")))
        for loc, item in _items(data, "evidence"):
            self._reference(item, loc, "kind", self.kinds, "unknown-evidence-kind", "evidence kind")
            self._tags(item, loc)
        self._unique("objective", list(_items(data, "objectives")))
        for loc, objective in _items(data, "objectives"):
            self._objective(objective, loc, evidence)

    def _stage(self, data: Mapping[str, Any]) -> None:
        stages = [s.id for s in self.framework.stages]
        stage = data.get("stage")
        name = self.framework.id
        if stages and stage is None:
            message = (
                f"stage: framework {name!r} has career stages; give one of {', '.join(stages)}"
            )
            self._add(("stage",), "missing-stage", message)
        elif not stages and stage is not None:
            message = f"stage: framework {name!r} has no career stages; leave 'stage' out"
            self._add(("stage",), "unexpected-stage", message)
        else:
            self._reference(data, (), "stage", stages, "unknown-stage", "stage")

    def _tags(self, item: Mapping[str, Any], loc: Loc) -> None:
        for tag_loc, tag in _items(item, "tags"):
            full = (*loc, *tag_loc)
            self._statement(tag, full)
            self._modality(tag, full)

    def _modality(self, tag: Mapping[str, Any], loc: Loc) -> None:
        """A known modality; a strength must say one (how well it is shown), a concern need not."""
        if tag.get("modality") is None and tag.get("polarity", "strength") == "strength":
            shown = "a strength says how well the statement is shown"
            message = f"{_path(loc)} needs field 'modality': {shown}"
            self._add(loc, "missing-field", message)
        else:
            self._reference(tag, loc, "modality", self.modalities, "unknown-modality", "modality")

    def _statement(self, tag: Mapping[str, Any], loc: Loc) -> None:
        value = tag.get("statement")
        if isinstance(value, str) and value in self.node_set:
            message = f"{value!r} is a standards node, not a statement; tag one of its statements"
            self._add(
                (*loc, "statement"), "unknown-statement", f"{_path(loc)}.statement: {message}"
            )
        else:
            self._reference(
                tag, loc, "statement", self.statement_set, "unknown-statement", "statement"
            )

    def _objective(self, objective: Mapping[str, Any], loc: Loc, evidence: list[str]) -> None:
        for ref_loc, ref in _strings(objective, "evidence", loc):
            if ref not in evidence:
                message = f"{_path(ref_loc)}: no evidence item {ref!r}{self._hint(ref, evidence)}"
                self._add(ref_loc, "unknown-evidence", message)
        for ref_loc, ref in _strings(objective, "standards", loc):
            if ref not in self.node_set:
                what = "a statement, not a standards node" if ref in self.statement_set else ""
                hint = f" ({what})" if what else self._hint(ref, self.nodes)
                self._add(ref_loc, "unknown-node", f"{_path(ref_loc)}: unknown node {ref!r}{hint}")

    def _unique(self, what: str, entries: list[tuple[Loc, Mapping[str, Any]]]) -> list[str]:
        """The ids in order of first appearance; a repeated id is reported where it repeats."""
        first, repeats = repeated_ids(entries)
        for loc, ident, first_loc in repeats:
            message = f"{_path((*loc, 'id'))}: {what} id {ident!r} already used by "
            self._add((*loc, "id"), "duplicate-id", message + _path(first_loc))
        return list(first)

    def _reference(
        self,
        item: Mapping[str, Any],
        loc: Loc,
        field: str,
        known: Collection[str],
        code: str,
        what: str,
    ) -> None:
        """Report ``item[field]`` when it is a string that names no known id (absent is fine)."""
        value = item.get(field)
        if not isinstance(value, str) or value in known:
            return
        where = (*loc, field)
        hint = self._hint(value, known)
        self._add(where, code, f"{_path(where)}: unknown {what} {value!r}{hint}")

    def _add(self, loc: Loc, code: str, message: str) -> None:
        if self.limit is not None and len(self.found) >= self.limit:
            self.omitted += 1
        else:
            self.found.append(self.report(loc, code, message))
