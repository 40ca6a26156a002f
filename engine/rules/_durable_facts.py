"""Checking a case's facts before durable-rules sees them, and writing the JSON it is sent.

durable-rules mishandles input it should refuse (``docs/durable-rules.md`` §5, and
probes for ``engine/rules/_durable.py``): the batch assert silently drops the *whole batch*
for a fact with more than ~253 properties or a number written ``1e-05``/``1e+16``; a string near 16
MiB crashes it; ``1`` and ``"1"`` are the same id. So every fact it is sent is checked first, in
full (JSON types only, no NaN/inf, 64-bit ints, at most 250 properties, strings up to 1,000,000
characters, nesting up to 32 levels, unique non-empty string ids), and floats durable cannot
parse are written ``1.0e-05``.

Only what the rules can see is sent: the properties a rule set's definitions name (plus ``t``
and ``id``), and, when every pattern tests ``t``, only facts of a type some pattern tests. The
rest can match nothing, and sending it costs durable parsing and storage (and checking it, an
eighth of an audit's time per review: it guards nothing); the caller maps the facts durable
hands back to the full ones by id.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_FACT_PROPERTIES",
    "MAX_STRING_LENGTH",
    "RESERVED_ID_PREFIX",
    "Batch",
    "InvalidJson",
    "JsonScan",
    "check_batch",
    "copy_json",
    "dump",
    "walk",
]

MAX_FACT_PROPERTIES = 250  # durable drops a fact with more than 253 (keys at every depth)
MAX_STRING_LENGTH = 1_000_000  # durable crashes near 16 MiB
MAX_DEPTH = 32
RESERVED_ID_PREFIX = "conclusion:"  # ids of the facts rules conclude
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_ATOMS = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)  # built once, not per call


class InvalidJson(ValueError):
    """A value durable-rules would mishandle; the message says where."""


# --- floats durable cannot parse ------------------------------------------------------------


def _odd_float(value: float) -> bool:
    """True when Python writes ``value`` as ``1e-05``: durable cannot parse that form."""
    text = repr(value)
    return "e" in text and "." not in text


def _float_text(value: float) -> str:
    text = repr(value)
    if _odd_float(value):
        mantissa, exponent = text.split("e")
        return f"{mantissa}.0e{exponent}"
    return text


def dump(value: object) -> str:
    """JSON like ``json.dumps``, but floats as durable can parse them (``1.0e-05``)."""
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value)


def copy_json(value: Any) -> Any:
    """A deep copy of a checked JSON value, as ``json.loads(json.dumps(value))`` gives it back.

    Plain dicts, lists and scalars are copied directly; anything else (a subclass of a JSON
    type, a dict with keys of a str subclass) takes the JSON round trip.
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list:
        if set(map(type, value)) <= _ATOMS:
            return value[:]
        return [copy_json(item) for item in value]
    if kind is dict and set(map(type, value)) <= _STR:
        return {k: v if type(v) in _ATOMS else copy_json(v) for k, v in value.items()}
    return json.loads(json.dumps(value))


# --- the full walk, for anything off the fast path ------------------------------------------


class JsonScan:
    """What a walk over one JSON value found; ``label`` says where, in error messages."""

    __slots__ = ("fact", "label", "odd_floats", "properties")

    def __init__(self, label: str, fact: Mapping[str, Any] | None = None) -> None:
        self.label = label
        self.fact = fact
        self.properties = 0
        self.odd_floats = False

    @property
    def where(self) -> str:
        return self.label if self.fact is None else f"{self.label} (id {self.fact.get('id')!r})"


def _check_scalar(value: object, path: str, scan: JsonScan) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise InvalidJson(f"{scan.where}: {path} = {value} is outside the 64-bit range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidJson(f"{scan.where}: {path} = {value} is not a finite number")
        scan.odd_floats = scan.odd_floats or _odd_float(value)
    elif isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise InvalidJson(f"{scan.where}: {path} is longer than {MAX_STRING_LENGTH} characters")
    else:
        kind = type(value).__name__
        raise InvalidJson(f"{scan.where}: {path} is a {kind}, not a JSON value")


def _check_key(key: object, path: str, scan: JsonScan, fact_keys: bool) -> str:
    if not isinstance(key, str):
        raise InvalidJson(f"{scan.where}: {path} has a key {key!r} that is not a string")
    if fact_keys and (not key or key.startswith("$") or "." in key):
        raise InvalidJson(f"{scan.where}: {path} has a key {key!r} (empty, '$…' or with '.')")
    return key


def walk(value: object, path: str, scan: JsonScan, depth: int, fact_keys: bool) -> None:
    """Check that ``value`` is plain JSON durable handles; count properties outside arrays."""
    if depth > MAX_DEPTH:
        raise InvalidJson(f"{scan.where}: {path} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            name = _check_key(key, path, scan, fact_keys)
            scan.properties += fact_keys
            walk(item, f"{path}.{name}", scan, depth + 1, fact_keys)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            walk(item, f"{path}[{i}]", scan, depth + 1, fact_keys=False)
    else:
        _check_scalar(value, path, scan)


# --- one case's facts --------------------------------------------------------------------------


@dataclass
class Batch:
    """A checked case: every fact by id, and the part of each that durable is to see."""

    by_id: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)
    odd_floats: bool = False  # some fact holds a float durable cannot parse as Python writes it

    def payload(self, sid: str) -> str:
        """The JSON array durable's batch assert takes, every fact in session ``sid``."""
        for fact in self.sent:
            fact["sid"] = sid
        if self.odd_floats:
            return dump(self.sent)
        return _ENCODER.encode(self.sent)


def _plain_keys(fact: Mapping[str, Any]) -> bool:
    """True when every key is a non-empty string without '.' or a leading '$' (the fast path).

    One join instead of a loop; a key holding a newline may be flagged wrongly, which only
    sends the fact to the exact check.
    """
    try:
        text = "\n".join(fact)
    except TypeError:  # a key that is not a string
        return False
    return bool(text) and not (
        "." in text or text[0] in "$\n" or text[-1] == "\n" or "\n$" in text or "\n\n" in text
    )


def _plain_strings(items: list[Any]) -> bool:
    """True for a list of strings with fewer characters in all than a string may have."""
    try:
        return len("".join(items)) <= MAX_STRING_LENGTH
    except TypeError:  # an item that is not a string
        return False


def _check_fact(
    fact: object, index: int, properties: Set[str], batch: Batch
) -> tuple[str, dict[str, Any]]:
    """Check one fact in full; its id and the properties of it durable is to see.

    Most facts pass the fast path; any other fact, valid or not, takes the full walk, which
    names the first problem it meets.
    """
    if type(fact) is dict:
        t, fact_id = fact.get("t"), fact.get("id")
        if (
            type(t) is str
            and t
            and type(fact_id) is str
            and fact_id
            and not fact_id.startswith(RESERVED_ID_PREFIX)
            and fact_id not in batch.by_id
            and "sid" not in fact
            and len(fact) <= MAX_FACT_PROPERTIES
            and _plain_keys(fact)
        ):
            sent = _plain_values(fact, properties)
            if sent is not None:
                return fact_id, sent
    return _check_slowly(fact, index, properties, batch)


def _plain_values(fact: dict[str, Any], properties: Set[str]) -> dict[str, Any] | None:
    """The properties to send, or None when some value needs the full walk.

    Plain values are those of exactly a JSON type (no subclasses, ``bool`` is no ``int``),
    in range, and no dicts: this is the check most facts need, without the walk's overhead.
    """
    sent: dict[str, Any] = {}
    for key, value in fact.items():
        kind = type(value)
        if kind is str:
            if len(value) > MAX_STRING_LENGTH:
                return None
        elif kind is list:
            if value and not _plain_strings(value):
                return None
        elif kind is float:  # finite, and written without an exponent
            if not (1e-4 <= abs(value) < 1e16 or value == 0.0):
                return None
        elif kind is int:
            if not _INT64_MIN <= value <= _INT64_MAX:
                return None
        elif not (value is None or kind is bool):
            return None
        if key in properties:
            sent[key] = value
    return sent


def _check_slowly(
    fact: object, index: int, properties: Set[str], batch: Batch
) -> tuple[str, dict[str, Any]]:
    """Every check, every key and value walked in full, in order; raises the first problem."""
    if not isinstance(fact, Mapping):
        raise InvalidJson(f"fact {index} is a {type(fact).__name__}, not a mapping")
    scan = JsonScan(f"fact {index}", fact)
    for key in ("t", "id"):
        if not isinstance(fact.get(key), str) or not fact[key]:
            raise InvalidJson(f"{scan.where}: {key!r} must be a non-empty string")
    if "sid" in fact:
        raise InvalidJson(f"{scan.where}: 'sid' is reserved for the engine")
    fact_id: str = fact["id"]
    if fact_id.startswith(RESERVED_ID_PREFIX):
        raise InvalidJson(f"{scan.where}: ids starting {RESERVED_ID_PREFIX!r} are reserved")
    sent: dict[str, Any] = {}
    for key, value in fact.items():
        scan.properties += 1
        _check_key(key, "fact", scan, fact_keys=True)
        walk(value, f"fact.{key}", scan, 1, fact_keys=True)
        if key in properties:
            sent[key] = value
    if scan.properties > MAX_FACT_PROPERTIES:
        raise InvalidJson(f"{scan.where}: more than {MAX_FACT_PROPERTIES} properties")
    if fact_id in batch.by_id:
        raise InvalidJson(f"{scan.where}: duplicate id (ids must be unique in a case)")
    batch.odd_floats = batch.odd_floats or scan.odd_floats
    return fact_id, sent


def check_batch(
    facts: Sequence[Mapping[str, Any]], properties: Set[str], types: Set[str] | None
) -> Batch:
    """Check every fact durable is to see; keep of each the ``properties`` the rules name.

    With ``types``, only facts of those types are sent: a fact of another type is neither sent
    nor checked (no rule can match it, and durable never reads it); ``None`` sends every fact.
    """
    batch = Batch()
    for index, fact in enumerate(facts):
        if _unseen(fact, types):
            continue
        fact_id, sent = _check_fact(fact, index, properties, batch)
        batch.by_id[fact_id] = fact
        batch.sent.append(sent)
    return batch


def _unseen(fact: object, types: Set[str] | None) -> bool:
    """True for a fact whose own ``t`` names a type no rule tests: durable is not sent it."""
    if types is None or type(fact) is not dict:
        return False
    kind = fact.get("t")
    return type(kind) is str and bool(kind) and kind not in types
