"""Request bodies built to be expensive to read, each at most a size limit, with the answer each
must get: the hostile-body benchmark (``benchmarks/hostile.py``) and the service's tests post
the same list."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from schemas.review import Review

__all__ = ["HostileBody", "hostile_bodies"]

JSON = "application/json"
YAML = "application/yaml"

Data = dict[str, Any]
Dump = Callable[[Any], str]


@dataclass(frozen=True)
class HostileBody:
    """A request body, the status it must be answered with, and a problem code it must list."""

    name: str
    content_type: str
    body: bytes
    status: int
    code: str | None = None
    """A code among the problems a 422 lists (None for any other answer)."""


def _json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _json_escaped(data: Any) -> str:
    """JSON with every non-ASCII character escaped (``\\u00e9``), as many clients send it."""
    return json.dumps(data, separators=(",", ":"))


class _NoAliasDumper(yaml.CSafeDumper):
    """Writes a value each time it appears: the review bodies repeat one item many times."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _yaml(data: Any) -> str:
    text: str = yaml.dump(data, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True)
    return text


def _text(text: Any) -> str:
    return str(text)


def _fit(make: Callable[[int], Any], dump: Dump, max_bytes: int) -> bytes:
    """``dump(make(n))`` for about the largest ``n`` whose body is at most ``max_bytes``."""
    empty = len(dump(make(0)).encode())
    per_unit = (len(dump(make(100)).encode()) - empty) / 100
    n = int((max_bytes - empty) / max(per_unit, 0.01))
    while True:
        body = dump(make(n)).encode()
        if len(body) <= max_bytes:
            return body
        n = int(n * max_bytes / len(body) * 0.995)


@dataclass(frozen=True)
class _Format:
    name: str
    content_type: str
    dump: Dump
    nan_code: str
    """JSON has no NaN (a syntax problem); YAML's ``.nan`` is a float where a mapping is due."""


_FORMATS = (
    _Format("JSON", JSON, _json, "json-syntax"),
    _Format("YAML", YAML, _yaml, "wrong-type"),
)


def _review_bodies(review: Review, max_bytes: int, fmt: _Format) -> list[HostileBody]:
    """The valid review repeated to the limit, the same with problems everywhere, and data of
    the review's shape that is mostly keys or list items."""
    data = review.model_dump(mode="json", exclude_defaults=True)
    head = {k: v for k, v in data.items() if k not in ("evidence", "objectives")}
    items = data["evidence"]
    bad_tag = {**items[0]["tags"][0], "statement": "x.unknown"}

    def filled(n: int, change: Callable[[Data], Data] = lambda item: item) -> Data:
        evidence = [change(items[i % len(items)]) for i in range(n)]
        # the first copy keeps its ids, which the objectives cite
        copies = [{**e, "id": f"{e['id']}-{i}"} for i, e in enumerate(evidence[len(items) :])]
        return {**head, "evidence": evidence[: len(items)] + copies}

    def unknown_statements(item: Data) -> Data:
        return {**item, "tags": [{**tag, "statement": "x.unknown"} for tag in item["tags"]]}

    def one_unknown(n: int) -> Data:
        data = filled(n)
        data["evidence"].append({**items[0], "id": "bad", "tags": [bad_tag]})
        return data

    def small_items(n: int) -> Data:
        small = {k: v for k, v in items[0].items() if k not in ("note", "impact", "tags")}
        evidence = [{**small, "id": f"e{i}", "tags": []} for i in range(n)]
        return {**head, "evidence": [*evidence, {**small, "id": "bad", "tags": [bad_tag]}]}

    def made(name: str, make: Callable[[int], Any], status: int, code: str | None) -> HostileBody:
        body = _fit(make, fmt.dump, max_bytes)
        return HostileBody(f"{name}, {fmt.name}", fmt.content_type, body, status, code)

    return [
        made("valid review", filled, 201, None),
        made("one unknown statement", one_unknown, 422, "unknown-statement"),
        made(
            "every statement unknown",
            lambda n: filled(n, unknown_statements),
            422,
            "unknown-statement",
        ),
        made(
            "an unknown field in every item",
            lambda n: filled(n, lambda item: {**item, "colour": "red"}),
            422,
            "unknown-field",
        ),
        made("small items, the last with a bad tag", small_items, 422, "unknown-statement"),
        made(
            "many unknown keys",
            lambda n: {**head, **{f"k{i}": 0 for i in range(n)}},
            422,
            "invalid-value",  # more keys than a mapping may have
        ),
        made(
            "every item a number",
            lambda n: {**head, "evidence": [0] * n},
            422,
            "invalid-value",  # more values than a body may have
        ),
        made(
            "every item NaN",
            lambda n: {**head, "evidence": [float("nan")] * n},
            422,
            fmt.nan_code,
        ),
        made(
            "a subject of the whole body",
            lambda n: {**head, "evidence": items[:1], "subject": "x" * n},
            201,
            None,
        ),
    ]


def _text_bodies(max_bytes: int) -> list[HostileBody]:
    """Bodies no dumper writes: deep nesting, huge numbers, aliases, repeated keys."""

    def made(name: str, content_type: str, make: Callable[[int], str], code: str) -> HostileBody:
        body = _fit(make, _text, max_bytes)
        return HostileBody(name, content_type, body, 422, code)

    review = '{"framework":"hampshire","subject":'
    return [
        made("nested [ then ], JSON", JSON, lambda n: "[" * n + "]" * n, "invalid-value"),
        made("nested [ then ], YAML", YAML, lambda n: "[" * n + "]" * n, "invalid-value"),
        made('nested {"a": , JSON', JSON, lambda n: '{"a":' * n + "0" + "}" * n, "invalid-value"),
        made("nested - (block), YAML", YAML, lambda n: "- " * n + "x", "invalid-value"),
        made(
            "a number of the whole body, JSON",
            JSON,
            lambda n: review + "9" * n + "}",
            "invalid-value",
        ),
        made(
            "a number of the whole body, YAML",
            YAML,
            lambda n: "subject: " + "9" * n,
            "invalid-value",
        ),
        made(
            "NaN, JSON",
            JSON,
            lambda n: review + '"t",' + "".join(f'"k{i}":NaN,' for i in range(n)) + '"z":0}',
            "json-syntax",
        ),
        made(
            "a repeated key, JSON",
            JSON,
            lambda n: review + '"t"' + ',"subject":"t"' * n + "}",
            "invalid-value",  # more keys than a mapping may have
        ),
        made("a repeated key, YAML", YAML, lambda n: "subject: t\n" * n, "invalid-value"),
        made("billion laughs, YAML", YAML, _laughs, "yaml-alias"),
    ]


def _laughs(n: int) -> str:
    """YAML aliases, each list ten of the one before: ``n`` levels expand to 10**n items."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, n + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def hostile_bodies(review: Review, max_bytes: int) -> list[HostileBody]:
    """Every hostile body of at most ``max_bytes``, the valid ``review`` repeated to the limit
    first (in JSON, then YAML): a baseline to compare the others with."""
    built = [body for fmt in _FORMATS for body in _review_bodies(review, max_bytes, fmt)]
    return built + _text_bodies(max_bytes)
