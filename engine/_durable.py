"""The one adapter between appraise and durable-rules; nothing of durable's types leaks out.

A ``CompiledRuleset`` registers a rule set once on a private host and then evaluates one case
per ``run`` call: one fresh session, the case's facts asserted as one batch, the agenda run to
the end on the calling thread, every firing recorded, the session deleted. It guards against
the pitfalls measured in ``shared/notes/durable-rules.md`` and probed again for this module:

* The stock ``Host()`` starts two timer threads that run actions behind our back and segfault
  under load: each ruleset gets its own host subclass whose ``_run`` starts nothing.
* ``Ruleset()`` deletes ``run`` from the definition it is given: definitions are deep-copied.
* More than 4,096 rules per ruleset fail (error 106): the rule count is checked first.
* ``Host.assert_facts`` raises ``MessageNotHandledException`` for the whole batch when one fact
  matches no rule, and then skips the actions: we call ``durable_rules_engine.assert_facts``
  and ``do_actions`` ourselves, and a catch-all *sink* rule handles every fact (with
  ``cap``, so it fires about once per case rather than once per fact).
* ``delete_state`` on a session in which no action was ever started is a **SIGSEGV** (found
  here: a case where no rule fires). The sink rule fires for every batch, so one action always
  starts; we still never delete a session in which we saw no action run.
* More than 1,024 live sessions raise ``MemoryError``, and deleting the session whose assert
  raised it is a SIGSEGV: every session is deleted after its run, except that one; after a
  ``MemoryError`` the ruleset refuses further runs.
* An exception inside an action is swallowed into the session state: our actions catch their
  own exceptions, the state is checked for ``exception`` too, and both become an
  ``EngineError`` naming the rule.
* The batch assert silently drops the *whole batch* (result code 0, no session) for a fact
  with more than ~253 properties or a number written ``1e-05``/``1e+16`` (an exponent without a
  decimal point); a string near 16 MiB crashes. Facts are validated first (JSON types only, no
  NaN/inf, 64-bit ints, at most 250 properties, strings up to 1,000,000 characters, unique
  string ids) and such floats are written ``1.0e-05``. In a rule such a number is error 204,
  so definitions containing one are rejected.
* A negative ``pri`` runs after every positive one (it is read as unsigned): ``pri`` must be
  0-999999 (the sink rule's is 1,000,000).
* A fact's identity is its ``id`` (``1`` and ``"1"`` are the same fact): ids must be strings.
* Durable's actions call ``datetime.utcfromtimestamp``, deprecated in Python 3.12: that one
  warning is silenced around ``do_actions``.
* Durable's C core never releases the GIL and the action protocol spans several calls: ``run``
  holds a per-ruleset lock, so concurrent callers are serialised (threads add no speed).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import math
import re
import threading
import warnings
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import durable_rules_engine as _dre
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from engine.errors import AppraiseError

__all__ = [
    "ENGINE_VERSION",
    "CompiledRuleset",
    "EngineError",
    "RawFiring",
    "RuleSpec",
    "conclusion_fact",
]

ENGINE_VERSION = f"appraise-engine/0.1 durable-rules/{version('durable-rules')}"

MAX_RULES = 4094  # plus the sink rule: fewer than durable's 4,096 (MAX_ACTIONS)
MAX_FACT_PROPERTIES = 250  # durable drops a fact with more than 253 (keys at every depth)
MAX_STRING_LENGTH = 1_000_000  # durable crashes near 16 MiB
MAX_DEPTH = 32
MAX_FIRINGS_PER_RUN = 100_000
_INT64 = (-(2**63), 2**63 - 1)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,199}")
_ALIAS = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}(\$not)?")
_DEFINITION_KEYS = frozenset({"all", "pri"})
_SINK = "$appraise.sink"
# Matches every fact; runs last; "cap" hands it up to 1,000 pending facts in one action, so
# it fires about once per case instead of once per fact (measured: same firings, ~25% faster).
_SINK_DEFINITION: dict[str, Any] = {"all": [{"m": {"$ex": {"t": 1}}}], "pri": 10**6, "cap": 1000}
_CONCLUSION_PREFIX = "conclusion:"
_ruleset_numbers = itertools.count(1)


class EngineError(AppraiseError):
    """Raised when durable-rules cannot evaluate a case, or is given input it would mishandle.

    ``rule`` names the rule whose action failed, when one did.
    """

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class RuleSpec:
    """One rule: durable's JSON body without ``run``, its aliases and what it concludes."""

    name: str
    definition: dict[str, Any]
    aliases: tuple[str, ...]
    conclude: str | None = None


@dataclass(frozen=True)
class RawFiring:
    """One firing of a rule, in order, with the fact matched by each alias (no ``sid``)."""

    seq: int
    rule: str
    matched: dict[str, dict[str, Any]]


# --- checking JSON before durable sees it ------------------------------------------------------


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


@dataclass
class _Scan:
    """What a walk over one JSON value found; ``label`` says where, in error messages."""

    label: str
    fact: Mapping[str, Any] | None = None
    properties: int = 0
    odd_floats: bool = False

    @property
    def where(self) -> str:
        return self.label if self.fact is None else f"{self.label} (id {self.fact.get('id')!r})"


def _check_scalar(value: object, path: str, scan: _Scan) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise EngineError(f"{scan.where}: {path} = {value} is outside the 64-bit range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise EngineError(f"{scan.where}: {path} = {value} is not a finite number")
        scan.odd_floats = scan.odd_floats or _odd_float(value)
    elif isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            raise EngineError(f"{scan.where}: {path} is longer than {MAX_STRING_LENGTH} characters")
    else:
        kind = type(value).__name__
        raise EngineError(f"{scan.where}: {path} is a {kind}, not a JSON value")


def _check_key(key: object, path: str, scan: _Scan, fact_keys: bool) -> str:
    if not isinstance(key, str):
        raise EngineError(f"{scan.where}: {path} has a key {key!r} that is not a string")
    if fact_keys and (not key or key.startswith("$") or "." in key):
        raise EngineError(f"{scan.where}: {path} has a key {key!r} (empty, '$…' or with '.')")
    return key


def _walk(value: object, path: str, scan: _Scan, depth: int, fact_keys: bool) -> None:
    """Check that ``value`` is plain JSON durable handles; count properties outside arrays."""
    if depth > MAX_DEPTH:
        raise EngineError(f"{scan.where}: {path} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            name = _check_key(key, path, scan, fact_keys)
            scan.properties += fact_keys
            _walk(item, f"{path}.{name}", scan, depth + 1, fact_keys)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", scan, depth + 1, fact_keys=False)
    else:
        _check_scalar(value, path, scan)


def _simple(value: object) -> bool:
    """True for the values most facts hold, which need no closer look (the fast path)."""
    if isinstance(value, str):
        return len(value) <= MAX_STRING_LENGTH
    if isinstance(value, int):  # bool included
        return _INT64[0] <= value <= _INT64[1]
    if isinstance(value, float):  # finite, and written without an exponent
        return 1e-4 <= abs(value) < 1e16 or value == 0.0
    if isinstance(value, list):
        return all(isinstance(v, str) and len(v) <= MAX_STRING_LENGTH for v in value)
    return value is None


def _check_fact(fact: object, index: int) -> _Scan:
    if not isinstance(fact, Mapping):
        raise EngineError(f"fact {index} is a {type(fact).__name__}, not a mapping")
    scan = _Scan(f"fact {index}", fact)
    for key in ("t", "id"):
        if not isinstance(fact.get(key), str) or not fact[key]:
            raise EngineError(f"{scan.where}: {key!r} must be a non-empty string")
    if "sid" in fact:
        raise EngineError(f"{scan.where}: 'sid' is reserved for the engine")
    if fact["id"].startswith(_CONCLUSION_PREFIX):
        raise EngineError(f"{scan.where}: ids starting {_CONCLUSION_PREFIX!r} are reserved")
    for key, value in fact.items():
        scan.properties += 1
        if not (isinstance(key, str) and key and key[0] != "$" and "." not in key):
            _check_key(key, "fact", scan, fact_keys=True)  # raises
        if not _simple(value):
            _walk(value, f"fact.{key}", scan, 1, fact_keys=True)
    if scan.properties > MAX_FACT_PROPERTIES:
        raise EngineError(f"{scan.where}: more than {MAX_FACT_PROPERTIES} properties")
    return scan


def _check_facts(facts: Sequence[Mapping[str, Any]]) -> bool:
    """Validate a case's facts; True when one needs the slow float-safe encoder."""
    seen: set[str] = set()
    odd = False
    for index, fact in enumerate(facts):
        scan = _check_fact(fact, index)
        if fact["id"] in seen:
            raise EngineError(f"{scan.where}: duplicate id (ids must be unique in a case)")
        seen.add(fact["id"])
        odd = odd or scan.odd_floats
    return odd


def _dump(value: object) -> str:
    """JSON like ``json.dumps``, but floats as durable can parse them (``1.0e-05``)."""
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value)


def _encode_batch(facts: Sequence[Mapping[str, Any]], sid: str, odd_floats: bool) -> str:
    batch = [{**fact, "sid": sid} for fact in facts]
    return _dump(batch) if odd_floats else json.dumps(batch, allow_nan=False)


# --- checking rule specs -------------------------------------------------------------------------


def _check_name(kind: str, name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise EngineError(
            f"{kind} name {name!r} must be 1-200 characters of letters, digits and '._:-', "
            "starting with a letter or digit"
        )
    return name


def _check_pattern(rule: str, pattern: object, alias: str) -> None:
    if not isinstance(pattern, dict) or list(pattern) != [alias]:
        raise EngineError(f"rule {rule!r}: 'all' must list one {{alias: test}} per alias, in order")
    if not _ALIAS.fullmatch(alias):
        raise EngineError(f"rule {rule!r}: alias {alias!r} is not an identifier (or 'name$not')")


def _check_definition(spec: RuleSpec) -> None:
    definition, rule = spec.definition, spec.name
    if not isinstance(definition, dict) or not set(definition) <= _DEFINITION_KEYS:
        raise EngineError(f"rule {rule!r}: the definition may hold only {sorted(_DEFINITION_KEYS)}")
    patterns = definition.get("all")
    if not isinstance(patterns, list) or len(patterns) != len(spec.aliases) or not patterns:
        raise EngineError(f"rule {rule!r}: 'all' must be a non-empty list matching the aliases")
    for pattern, alias in zip(patterns, spec.aliases, strict=True):
        _check_pattern(rule, pattern, alias)
    if all(alias.endswith("$not") for alias in spec.aliases):
        raise EngineError(f"rule {rule!r}: needs at least one positive alias (not only '$not')")
    pri = definition.get("pri", 0)
    if not isinstance(pri, int) or isinstance(pri, bool) or not 0 <= pri < 1_000_000:
        raise EngineError(  # durable runs a negative pri after every positive one
            f"rule {rule!r}: 'pri' must be an int from 0 to 999999, not {pri!r}"
        )
    scan = _Scan(f"rule {rule!r}")
    _walk(definition, "definition", scan, 0, fact_keys=False)
    if scan.odd_floats:
        raise EngineError(f"rule {rule!r}: a number like 1e-05 cannot be parsed by durable-rules")


def _check_specs(rules: Sequence[RuleSpec]) -> None:
    if len(rules) > MAX_RULES:
        raise EngineError(f"{len(rules)} rules: durable-rules takes at most {MAX_RULES} per set")
    seen: set[str] = set()
    for spec in rules:
        if not isinstance(spec, RuleSpec):
            raise EngineError(f"expected a RuleSpec, got {type(spec).__name__}")
        if _check_name("rule", spec.name) in seen:
            raise EngineError(f"rule {spec.name!r} is defined twice")
        seen.add(spec.name)
        if spec.conclude is not None:
            _check_name("conclusion", spec.conclude)
        _check_definition(spec)


# --- what one firing does ----------------------------------------------------------------------


def _plain(fact: object, rule: str, alias: str) -> dict[str, Any]:
    if not isinstance(fact, dict):
        raise EngineError(f"rule {rule!r}: no fact was matched for alias {alias!r}", rule=rule)
    return {k: v for k, v in fact.items() if k != "sid"}


def _matched(spec: RuleSpec, closure: Any) -> dict[str, dict[str, Any]]:
    """The fact each positive alias matched, read from ``c._m`` (``c.s`` is the state!)."""
    raw = closure.__dict__.get("_m")
    if not isinstance(raw, dict):
        raise EngineError(
            f"rule {spec.name!r}: durable gave no alias → fact mapping", rule=spec.name
        )
    return {
        alias: _plain(raw.get(alias), spec.name, alias)
        for alias in spec.aliases
        if not alias.endswith("$not")
    }


def _evidence(matched: Mapping[str, Mapping[str, Any]], rule: str) -> list[str]:
    found: set[str] = set()
    for alias, fact in matched.items():
        items = fact.get("evidence", [])
        if not isinstance(items, list) or not all(isinstance(e, str) for e in items):
            raise EngineError(
                f"rule {rule!r}: fact {fact.get('id')!r} ({alias}) has 'evidence' that is not "
                "a list of strings",
                rule=rule,
            )
        found.update(items)
    return sorted(found)


def conclusion_fact(spec: RuleSpec, matched: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    ids = "+".join(sorted(str(fact.get("id")) for fact in matched.values()))
    return {
        "t": "conclusion",
        "name": spec.conclude,
        "id": f"{_CONCLUSION_PREFIX}{spec.conclude}:{spec.name}:{ids}",
        "evidence": _evidence(matched, spec.name),
    }


@dataclass
class _Run:
    """The mutable record of one ``run`` call: its session, firings and first failure."""

    case_id: str
    sid: str
    firings: list[RawFiring] = field(default_factory=list)
    actions: int = 0  # actions started, the sink's included
    stopped: bool = False  # set on failure: later actions do nothing but drain the agenda
    failure: tuple[str, BaseException] | None = None
    driver_error: object = None

    def fail(self, rule: str, error: BaseException) -> None:
        if self.failure is None:
            self.failure = (rule, error)
        self.stopped = True


class _NoTimerHost(Host):  # type: ignore[misc]  # durable has no type stubs
    """A durable host that starts no background dispatch or timer threads."""

    def _run(self) -> None:
        pass


# --- the compiled rule set -----------------------------------------------------------------------


class CompiledRuleset:
    """A rule set registered once on a private durable host; ``run`` evaluates one case.

    Each instance has its own host (no timer threads) and internal name, so two rule sets with
    the same name coexist, and dropping an instance frees its C ruleset. ``run`` is serialised
    by a lock; it is safe to call from several threads, but they gain nothing.
    """

    def __init__(self, name: str, rules: Sequence[RuleSpec]) -> None:
        self.name = _check_name("ruleset", name)
        rules = list(rules)
        _check_specs(rules)
        self.rules: tuple[RuleSpec, ...] = tuple(rules)
        self._internal = f"{name}~{next(_ruleset_numbers)}"
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._current: _Run | None = None
        self._broken: str | None = None
        self._last_sid: str | None = None
        self._host = _NoTimerHost()
        self._register()

    def _register(self) -> None:
        definitions: dict[str, Any] = {}
        for spec in self.rules:
            definitions[spec.name] = copy.deepcopy(spec.definition)
            definitions[spec.name]["run"] = self._action(spec)
        definitions[_SINK] = copy.deepcopy(_SINK_DEFINITION)
        definitions[_SINK]["run"] = self._sink
        try:
            self._host.set_rulesets({self._internal: definitions})
        except Exception as error:  # durable raises bare Exception and its own error type
            raise EngineError(f"durable-rules rejected rule set {self.name!r}: {error}") from error
        self._ruleset = self._host.get_ruleset(self._internal)
        self._handle: int = self._ruleset._handle
        finalizer = weakref.finalize(self, _delete_ruleset, self._handle)
        finalizer.atexit = False

    # --- actions (run by durable, on this thread, inside ``do_actions``) ---

    def _action(self, spec: RuleSpec) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            run = self._current
            if run is None:
                return
            run.actions += 1
            if run.stopped:
                return
            try:
                self._fire(run, spec, c)
            except BaseException as error:  # durable would swallow it: keep it for the caller
                run.fail(spec.name, error)

        return action

    def _sink(self, c: Any) -> None:
        """Matches every fact, so no batch is 'not handled', and makes sure an action starts."""
        if self._current is not None:
            self._current.actions += 1

    def _fire(self, run: _Run, spec: RuleSpec, c: Any) -> None:
        if len(run.firings) >= MAX_FIRINGS_PER_RUN:
            raise EngineError(
                f"more than {MAX_FIRINGS_PER_RUN} firings in one case", rule=spec.name
            )
        matched = _matched(spec, c)
        run.firings.append(RawFiring(seq=len(run.firings), rule=spec.name, matched=matched))
        if spec.conclude is not None:
            # Nobody consumes it, or the same conclusion was reached before: both are fine.
            with contextlib.suppress(MessageNotHandledException, MessageObservedException):
                c.assert_fact(conclusion_fact(spec, matched))

    # --- one case ---

    def run(self, case_id: str, facts: Sequence[Mapping[str, Any]]) -> list[RawFiring]:
        """Evaluate one case: every firing in order, with the facts each alias matched."""
        odd_floats = _check_facts(facts)
        if not facts:
            return []  # no session: durable would have nothing to do (and no action to run)
        with self._lock:
            if self._broken:
                raise EngineError(f"rule set {self.name!r} is unusable: {self._broken}")
            sid = f"s{next(self._sids)}"
            self._last_sid = sid
            return self._evaluate(_Run(case_id, sid), _encode_batch(facts, sid, odd_floats))

    def _evaluate(self, run: _Run, payload: str) -> list[RawFiring]:
        code, offset = self._assert(run, payload)  # no session exists if this raises
        self._current = run
        try:
            self._drive(run, code, offset)
            self._check(run, code)
        except BaseException:
            self._release(run, failed=True)
            raise
        finally:
            self._current = None
        self._release(run, failed=False)
        return run.firings

    def _assert(self, run: _Run, payload: str) -> tuple[int, int]:
        try:
            code, offset = _dre.assert_facts(self._handle, payload)
        except MemoryError as error:  # never delete_state this session: that is a SIGSEGV
            self._broken = f"durable-rules ran out of sessions or memory (case {run.case_id!r})"
            raise EngineError(self._broken) from error
        except _dre.error as error:
            raise EngineError(f"durable-rules refused case {run.case_id!r}: {error}") from error
        return int(code), int(offset)

    def _drive(self, run: _Run, code: int, offset: int) -> None:
        """Run the agenda to the end; after a bad assert, actions only drain it."""
        run.stopped = code != 0

        def complete(error: object, _state: object) -> None:
            run.driver_error = run.driver_error or error

        with warnings.catch_warnings():  # durable calls datetime.utcfromtimestamp (3.12+)
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"durable\.")
            self._ruleset.do_actions(offset, complete)

    def _check(self, run: _Run, code: int) -> None:
        """Raise what went wrong in the run, the first cause first."""
        where = f"case {run.case_id!r}"
        if code != 0:
            what = "a fact was already asserted" if code == 2 else f"result code {code}"
            raise EngineError(f"durable-rules did not take {where}: {what}")
        if run.failure is not None:
            rule, error = run.failure
            _reraise_interrupt(error)
            message = f"rule {rule!r} failed while evaluating {where}: {error}"
            raise EngineError(message, rule=rule) from error
        if run.driver_error:
            _reraise_interrupt(run.driver_error)
            raise EngineError(f"durable-rules failed while evaluating {where}: {run.driver_error}")
        state = self._ruleset.get_state(run.sid)
        if "exception" in state:
            raise EngineError(f"an action failed while evaluating {where}: {state['exception']}")

    def _release(self, run: _Run, *, failed: bool) -> None:
        """Delete the session, unless no action ever started in it (that is a SIGSEGV)."""
        if run.failure is not None and isinstance(run.failure[1], MemoryError):
            self._broken = f"durable-rules ran out of memory (case {run.case_id!r})"
            return  # as after a failed assert: deleting might crash
        if run.actions == 0:
            if not failed:
                raise EngineError(f"no action ran for case {run.case_id!r}; session kept")
            return
        try:
            self._ruleset.delete_state(run.sid)
        except _dre.error as error:
            if not failed:
                raise EngineError(f"could not delete the session of {run.case_id!r}") from error

    def _has_session(self, sid: str) -> bool:
        """Whether durable still holds the session ``sid`` (for tests)."""
        try:
            self._ruleset.get_state(sid)
        except _dre.error:
            return False
        return True


def _reraise_interrupt(error: object) -> None:
    """KeyboardInterrupt, SystemExit and the like pass through unchanged."""
    if isinstance(error, BaseException) and not isinstance(error, Exception):
        raise error


def _delete_ruleset(handle: int) -> None:
    """Free the C ruleset when its ``CompiledRuleset`` is collected."""
    with contextlib.suppress(_dre.error):
        _dre.delete_ruleset(handle)
