"""Reading a review from a request body (JSON or YAML bytes) with located diagnostics.

A valid JSON body takes a fast plain-JSON path; anything else is read again with locations, so
the answer lists every problem with its place either way. Aliases in YAML are refused (one can
expand a small body into a huge document: a review needs none), as is a body past its limits.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from engine._yaml import Limits, check_limits
from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from engine.review.load import parse_review, resolves
from schemas.diagnostics import Diagnostic
from schemas.review import Review

__all__ = ["BODY", "BYTES_PER_VALUE", "MAX_KEYS", "body_limits", "read_review"]

BODY = "<request body>"
"""The file name diagnostics about a request body carry."""


def _body_problem(code: str, message: str, line: int = 1, column: int = 1) -> InputError:
    return InputError(
        [Diagnostic(file=BODY, line=line, column=column, code=code, message=message, path="")]
    )


MAX_KEYS = 1000
"""Keys a mapping of a body may have; a review's have at most a dozen (8,000 unknown keys made
8,000 problems)."""
BYTES_PER_VALUE = 6
"""A body may hold one value (key, item or scalar) per this many of the bytes it is allowed:
166,666 for a million. A review of the smallest legal evidence items has one per 8 bytes
(120,000 in a million); a body of ``[0,0,…]`` one per 2, and every one a problem."""


def body_limits(max_body_bytes: int) -> Limits:
    """What a body may hold when bodies may be ``max_body_bytes`` long."""
    return Limits(values=max_body_bytes // BYTES_PER_VALUE, keys=MAX_KEYS, aliases=False)


def read_review(
    body: bytes, content_type: str, catalogue: Catalogue, *, max_body_bytes: int = 1_000_000
) -> Review:
    """The review in a JSON (or YAML) body, checked against its framework; else ``InputError``.

    A body past ``body_limits(max_body_bytes)`` is refused, at the place it passes them."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _body_problem("wrong-type", f"the body is not UTF-8 (byte {exc.start})") from None
    limits = body_limits(max_body_bytes)
    try:
        data = _check_json(text) if "yaml" not in content_type and text.strip() else None
        _refuse_past(limits, text)
        valid = _valid_json_review(data, catalogue) if data is not None else None
        return valid or parse_review(text, BODY, catalogue, limits=limits)
    except RecursionError:
        raise _body_problem("invalid-value", "the body is nested too deeply") from None


def _refuse_past(limits: Limits, text: str) -> None:
    """A body that may hold more values than ``limits`` allow is counted on libyaml's events
    first: building half a million values before refusing them took seconds, and the quick
    JSON way would validate them all."""
    if limits.values is not None and len(text) > 2 * limits.values:  # a value takes 2 bytes
        over = check_limits(text, BODY, limits)
        if over is not None:
            raise InputError([over])


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
        json.loads(text, parse_constant=_not_json)  # the whole text's syntax
        return None
    except json.JSONDecodeError as exc:
        raise _body_problem("json-syntax", exc.msg, exc.lineno, exc.colno) from None
    except _NotJson as exc:
        raise _problem_at(text, _CONSTANT, "json-syntax", f"{exc} is not JSON") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        message = "a number of more than 4,300 digits"
        raise _problem_at(text, _LONG_NUMBER, "invalid-value", message) from None


class _NotJson(Exception):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON (RFC 8259) has no such value."""


def _not_json(constant: str) -> Any:
    raise _NotJson(constant)


_CONSTANT = re.compile(r"-?Infinity|NaN")
_LONG_NUMBER = re.compile(r"-?[0-9]{4301,}")


def _problem_at(text: str, token: re.Pattern[str], code: str, message: str) -> InputError:
    """A body problem at the first match of ``token`` (at the body's start if none)."""
    found = token.search(text)
    start = found.start() if found else 0
    line = text.count("\n", 0, start) + 1
    return _body_problem(code, message, line, start - (text.rfind("\n", 0, start) + 1) + 1)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _NotPlain("a repeated key")  # YAML reports it, with its line
    return data


def _valid_json_review(data: Any, catalogue: Catalogue) -> Review | None:
    """The review when the parsed JSON is valid as it stands, else None.

    Only a body without a single problem is taken this way: any problem, and the body is read
    again with locations (``parse_review``) so the answer lists every problem with its place.
    Both ways validate the same data with the same model; ``resolves`` passes only a review the
    located way's cross-reference checks find nothing wrong with (one it doubts takes the located
    way, which describes its problems), so a valid body gives the same review; this way skips
    locating every value of it.
    """
    if not isinstance(data, dict) or not isinstance(data.get("framework"), str):
        return None
    if data["framework"] not in set(catalogue):  # the catalogue's [] raises NotFound
        return None
    try:
        review = Review.model_validate(data)
    except ValidationError:
        return None
    return review if resolves(catalogue[data["framework"]], review) else None
