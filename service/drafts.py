"""Between the handlers and the engine: read a review body, draft it, replay a sealed record.

No rule logic lives here: every judgement is the engine's (``RuleSets``, ``recommend``); this
module only chooses which compiled rule set to hand it and compares two results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from engine.compiler import CompiledRules, compile_ruleset
from engine.errors import InputError, NotFoundError
from engine.evaluate import Evaluator
from engine.explain import recommend
from engine.reviews import parse_review, validate_review
from engine.rulesets import RuleSets
from schemas.diagnostics import Diagnostic
from schemas.recommendation import Recommendation
from schemas.review import Review
from schemas.service import Difference, Replay
from service import store

__all__ = ["BODY", "differences", "draft", "read_review", "replay", "sealed"]

BODY = "<request body>"
"""The file name diagnostics about a request body carry."""


def _body_problem(code: str, message: str, line: int = 1, column: int = 1) -> InputError:
    return InputError(
        [Diagnostic(file=BODY, line=line, column=column, code=code, message=message, path="")]
    )


def read_review(body: bytes, content_type: str, rulesets: RuleSets) -> Review:
    """The review in a JSON (or YAML) body, checked against its framework; else ``InputError``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _body_problem("wrong-type", f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        if "yaml" in content_type:
            _refuse_aliases(text)
        elif text.strip():
            valid = _valid_json_review(_check_json(text), rulesets)
            if valid is not None:
                return valid
        return parse_review(text, BODY, rulesets.catalogue)
    except RecursionError:
        raise _body_problem("invalid-value", "the body is nested too deeply") from None


class _NotPlain(Exception):
    """A JSON value YAML might read differently (so the body takes the located path)."""


def _not_plain(text: str) -> Any:
    raise _NotPlain(text)


def _plain_float(text: str) -> float:
    """A float written as YAML also reads it; ``1e5`` is a float in JSON but a string in YAML."""
    if _YAML_READS_AS_JSON_FLOAT.fullmatch(text) is None:
        raise _NotPlain(text)
    return float(text)


_YAML_READS_AS_JSON_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")
_PLAIN_TEXT = re.compile(
    r"[\t\n\r\x20-\x5b\x5d-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*"
)
"""Characters that JSON and YAML read alike: printable, no backslash escape (JSON and YAML
escapes differ), no U+0085/U+2028/U+2029 (YAML line breaks), nothing YAML refuses."""


def _check_json(text: str) -> Any:
    """JSON's own error, with its place, rather than YAML's reading of a broken JSON text.

    Returns the parsed value when YAML would read the text as the same value (plain characters,
    no repeated key, no number YAML reads otherwise), else None: then only YAML can tell."""
    try:
        if _PLAIN_TEXT.fullmatch(text) is not None:
            try:
                return json.loads(
                    text,
                    object_pairs_hook=_unique_keys,
                    parse_float=_plain_float,
                    parse_constant=_not_plain,
                )
            except _NotPlain:
                pass
        json.loads(text)  # the whole text's syntax
        return None
    except json.JSONDecodeError as exc:
        raise _body_problem("json-syntax", exc.msg, exc.lineno, exc.colno) from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _NotPlain("a repeated key")  # YAML reports it, with its line
    return data


def _valid_json_review(data: Any, rulesets: RuleSets) -> Review | None:
    """The review when the parsed JSON is valid as it stands, else None.

    Only a body without a single problem is taken this way: any problem, and the body is read
    again with locations (``parse_review``) so the answer lists every problem with its place.
    Both ways validate the same data with the same model and the same cross-reference checks
    (``validate_review`` is ``check_review`` with a fast path for a review with no problem), so a
    valid body gives the same review; this way skips locating every value of it.
    """
    if not isinstance(data, dict) or not isinstance(data.get("framework"), str):
        return None
    if data["framework"] not in set(rulesets.catalogue):  # the catalogue's [] raises NotFound
        return None
    framework = rulesets.catalogue[data["framework"]]
    try:
        review = Review.model_validate(data)
    except ValidationError:
        return None
    try:
        validate_review(framework, review)  # the typed check first; the full walk if in doubt
    except InputError:
        return None
    return review


def _refuse_aliases(text: str) -> None:
    """YAML aliases can expand a small body into a huge document: a review needs none."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                raise _body_problem("yaml-alias", "YAML aliases are not accepted", line, column)
    except yaml.YAMLError:
        return  # parse_review reports the syntax error with its place


def draft(
    review: Review, rulesets: RuleSets, *, next_steps: bool = True
) -> tuple[Recommendation, CompiledRules]:
    """The engine's recommendation for ``review``, by the rule set it names or its framework's.

    A rule set the review names that does not exist (or is for another framework) is a problem
    of the body, so it is a 422 at ``ruleset``, not a 404."""
    try:
        evaluator = rulesets.evaluator(review)
    except NotFoundError as exc:
        diagnostic = Diagnostic(
            file=BODY, line=0, column=0, code="unknown-ruleset", message=str(exc), path="ruleset"
        )
        raise InputError([diagnostic]) from None
    return recommend(evaluator, review, next_steps=next_steps), evaluator.compiled


def sealed(session: Session, content_hash: str) -> CompiledRules:
    """The rule-set version stored under ``content_hash``, compiled again."""
    ruleset, framework = store.sealed_ruleset(session, content_hash)
    return compile_ruleset(ruleset, framework)


def replay(
    session: Session, rulesets: RuleSets, row: store.DecisionRecordRow, ruleset: str | None
) -> Replay:
    """Evaluate the stored input again: with its sealed rule set, or with ``ruleset`` (an id
    under rules/ or a stored content hash), and list every difference from the sealed result."""
    review = store.review_of(row)
    if ruleset is None or ruleset.startswith("sha256:"):
        compiled = sealed(session, ruleset or row.ruleset_hash)
        evaluator = Evaluator(compiled)
    else:
        evaluator = rulesets.evaluator(review, ruleset)
    sealed_result = json.loads(row.result_json)
    # A draft posted with next_steps=false sealed the engine's "not requested" next steps:
    # replay it the same way, and with next steps only when they were requested.
    again = recommend(evaluator, review, now=row.evaluated_at, next_steps=False)
    if again.next_steps.model_dump(mode="json") != sealed_result.get("next_steps"):
        again = recommend(evaluator, review, now=row.evaluated_at)
    found = differences(sealed_result, again.model_dump(mode="json"), skip=frozenset({"record"}))
    return Replay(
        record=row.id,
        sealed_ruleset_hash=row.ruleset_hash,
        replayed_ruleset=evaluator.compiled.ruleset.id,
        replayed_ruleset_hash=evaluator.compiled.content_hash,
        same=not found,
        differences=tuple(found),
        recommendation=again,
    )


def differences(
    sealed: Any, replayed: Any, *, skip: frozenset[str] = frozenset()
) -> list[Difference]:
    """Every leaf where two JSON values differ, as dotted paths; ``skip`` top-level keys."""
    return list(_walk(sealed, replayed, "", skip))


def _walk(a: Any, b: Any, path: str, skip: frozenset[str]) -> Iterator[Difference]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if not path and key in skip:
                continue
            yield from _walk(a.get(key), b.get(key), f"{path}.{key}" if path else key, skip)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _walk(x, y, f"{path}[{i}]", skip)
    elif a != b:
        yield Difference(path=path, sealed=a, replayed=b)
