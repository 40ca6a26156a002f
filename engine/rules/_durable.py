"""The one adapter between appraise and durable-rules; nothing of durable's types leaks out.

A ``DurableRuleset`` registers a rule set once with durable's C engine and then evaluates one
case per ``run`` call: one fresh session, the case's facts asserted as one batch, the agenda run
to the end on the calling thread, every firing recorded, the session deleted. It drives the C
module (``durable_rules_engine``) itself: durable's Python glue (``Host``, ``Ruleset``,
``Closure``, a JSON round trip of the session state and a few objects per action) cost several
times the C engine's own work (``docs/durable-rules.md`` §4). It guards against the
pitfalls measured in that note and probed again for this module:

* The stock ``Host()`` starts two timer threads that run actions behind our back and segfault
  under load: no ``Host`` is created at all, so no thread ever runs an action.
* durable's ``Ruleset()`` deletes ``run`` from the definition it is given: definitions are not
  handed to it; they are written to JSON once, when the rule set is registered.
* More than 4,096 rules per ruleset fail (error 106): the rule count is checked first.
* A batch in which one fact matches no rule is "not handled" as a whole: a catch-all *sink*
  rule handles every fact (with ``cap``, so it fires about once per case rather than once per
  fact); the driver skips its actions without reading them.
* ``delete_state`` on a session in which no action was ever started is a **SIGSEGV** (its
  action context holds stale pointers; found here with a case where no rule fires). The sink
  rule fires for every batch, so one action always starts; a session in which no action
  started is never deleted.
* More than 1,024 live sessions raise ``MemoryError``, and deleting the session whose assert
  raised it is a SIGSEGV: every session is deleted after its run, except after a
  ``MemoryError`` anywhere in the run; then the ruleset refuses further runs.
* durable would swallow an exception raised inside an action into the session state; here
  actions are plain calls of this module, so an error in one stops the run (the session is
  still deleted) and becomes an ``EngineError`` naming the rule; an interrupt passes unchanged.
* The batch assert silently drops the whole batch for a fact with more than ~253 properties or
  a float written ``1e-05``; a string near 16 MiB crashes it; ``1`` and ``"1"`` are the same id:
  the facts durable is sent are checked in full first, and such floats written ``1.0e-05``
  (``_durable_facts``).
  In a rule such a number is error 204, so definitions containing one are rejected.
* A negative ``pri`` runs after every positive one (it is read as unsigned): ``pri`` must be
  0-999999 (the sink rule's is 1,000,000).
* durable is sent only what its rules can test (the properties they name; with a ``t`` test in
  every pattern, only facts of a tested type); the partial facts it hands back are mapped by id
  to the full ones, and each firing gets its own copy of what it matched.
* durable's C core never releases the GIL and the action protocol spans several calls: ``run``
  holds a per-ruleset lock, so concurrent callers are serialised (threads add no speed).

The session state durable's glue wrote back after every action is left alone: nothing here
changes it, so writing it back would only delete and re-add the same fact. That re-adding is
what made a pattern the state itself matches (``$nex`` alone) fire again after every action,
forever; here such a rule fires once, on no fact of the case, and the run fails naming it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine as _dre

from engine.errors import EngineError
from engine.rules._durable_facts import (
    RESERVED_ID_PREFIX,
    Batch,
    InvalidJson,
    JsonScan,
    check_batch,
    copy_json,
    walk,
)

__all__ = [
    "DurableRuleset",
    "RawFiring",
    "RuleSpec",
    "conclusion_fact",
    "conclusion_id",
]

MAX_RULES = 4094  # plus the sink rule: fewer than durable's 4,096 (MAX_ACTIONS)
MAX_FIRINGS_PER_RUN = 100_000

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,199}")
_ALIAS = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}(\$not)?")
_DEFINITION_KEYS = frozenset({"all", "pri"})
_SINK = "$appraise.sink"
# Matches every fact; runs last; "cap" hands it up to 1,000 pending facts in one action, so
# it fires about once per case instead of once per fact (measured: same firings, ~25% faster).
_SINK_DEFINITION: dict[str, Any] = {"all": [{"m": {"$ex": {"t": 1}}}], "pri": 10**6, "cap": 1000}
_SINK_ACTION = '{"' + _SINK + '":'  # how durable's action messages for the sink begin
_CONCLUSION = "conclusion"
_DECODER = json.JSONDecoder()
_ENCODER = json.JSONEncoder(separators=(",", ":"))  # built once: json.dumps with options is not
_ruleset_numbers = itertools.count(1)


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
    scan = JsonScan(f"rule {rule!r}")
    try:
        walk(definition, "definition", scan, 0, fact_keys=False)
    except InvalidJson as error:
        raise EngineError(str(error)) from None
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


# --- what the rules can see ----------------------------------------------------------------------


def _names(value: object, found: set[str]) -> set[str]:
    """Every string in a definition (keys and values), and what precedes a '.' in each."""
    if isinstance(value, dict):
        for key, item in value.items():
            _names(key, found)
            _names(item, found)
    elif isinstance(value, list):
        for item in value:
            _names(item, found)
    elif isinstance(value, str):
        found.add(value)
        found.add(value.split(".", 1)[0])
    return found


def _tested_type(test: object) -> str | None:
    """The fact type a pattern requires by equality (``{"t": x}``, alone or in ``$and``)."""
    if not isinstance(test, dict) or len(test) != 1:
        return None
    ((key, body),) = test.items()
    if key == "t":
        return body if isinstance(body, str) else None
    if key == "$and" and isinstance(body, list):
        return next((t for t in map(_tested_type, body) if t is not None), None)
    return None


def _sent_properties(rules: Sequence[RuleSpec]) -> frozenset[str]:
    """Fact properties a rule could test: every name its definitions hold, plus 't' and 'id'.

    An over-estimate (every string counts) is harmless; a property left out is one no rule
    tests, so sending it changes no match.
    """
    found: set[str] = {"t", "id"}
    for spec in rules:
        _names(spec.definition, found)
    return frozenset(found)


def _sent_types(rules: Sequence[RuleSpec]) -> frozenset[str] | None:
    """The fact types some pattern tests, when every pattern tests one; else None (send all)."""
    types: set[str] = set()
    for spec in rules:
        for pattern in spec.definition["all"]:
            ((test,),) = [pattern.values()]
            tested = _tested_type(test)
            if tested is None:
                return None
            types.add(tested)
    return frozenset(types)


# --- what one firing does ----------------------------------------------------------------------


def _evidence(matched: Mapping[str, Mapping[str, Any]], rule: str) -> list[str]:
    found: set[str] = set()
    for alias, fact in matched.items():
        items = fact.get("evidence", [])
        if not isinstance(items, list) or not _strings(items):
            raise EngineError(
                f"rule {rule!r}: fact {fact.get('id')!r} ({alias}) has 'evidence' that is not "
                "a list of strings",
                rule=rule,
            )
        found.update(items)
    return sorted(found)


def _strings(items: list[Any]) -> bool:
    """Whether every item is a string (one join in C, not a loop in Python)."""
    try:
        "".join(items)
    except TypeError:
        return False
    return True


def conclusion_id(conclude: str, rule: str, matched: Mapping[str, Mapping[str, Any]]) -> str:
    """The id of the conclusion ``rule`` asserts from the facts it ``matched``: it names the rule
    and the premises, so an explanation can find the firing behind a matched conclusion."""
    ids = "+".join(sorted(str(fact.get("id")) for fact in matched.values()))
    return f"{RESERVED_ID_PREFIX}{conclude}:{rule}:{ids}"


def conclusion_fact(spec: RuleSpec, matched: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "t": _CONCLUSION,
        "name": spec.conclude,
        "id": conclusion_id(str(spec.conclude), spec.name, matched),
        "evidence": _evidence(matched, spec.name),
    }


@dataclass(frozen=True)
class _Rule:
    """A registered rule and the aliases its firings report (the positive ones)."""

    spec: RuleSpec
    positive: tuple[str, ...]


@dataclass
class _Run:
    """The mutable record of one ``run`` call: its session, facts and firings."""

    case_id: str
    sid: str
    facts: dict[str, Mapping[str, Any]]  # by id: the case's, then what rules concluded
    firings: list[RawFiring] = field(default_factory=list)
    started: bool = False  # an action started in the session: only then may it be deleted

    def copy_of(self, sent: object, rule: str, alias: str) -> dict[str, Any]:
        """A fresh copy of the full fact behind the (partial) fact durable matched."""
        fact_id = sent.get("id") if isinstance(sent, dict) else None
        fact = self.facts.get(fact_id) if isinstance(fact_id, str) else None
        if fact is None:
            raise EngineError(f"rule {rule!r}: no fact was matched for alias {alias!r}", rule=rule)
        copy: dict[str, Any] = copy_json(fact if type(fact) is dict else dict(fact))
        return copy


# --- the compiled rule set -----------------------------------------------------------------------


class DurableRuleset:
    """A rule set registered once with durable's C engine; ``run`` evaluates one case.

    Each instance registers its own C ruleset under its own internal name, so two rule sets
    with the same name coexist, and dropping an instance frees its C ruleset. ``run`` is
    serialised by a lock; it is safe to call from several threads, but they gain nothing.
    """

    def __init__(self, name: str, rules: Sequence[RuleSpec]) -> None:
        self.name = _check_name("ruleset", name)
        rules = list(rules)
        _check_specs(rules)
        self.rules: tuple[RuleSpec, ...] = tuple(rules)
        self._rules = {
            spec.name: _Rule(spec, tuple(a for a in spec.aliases if not a.endswith("$not")))
            for spec in rules
        }
        self._properties = _sent_properties(rules)
        self._types = _sent_types(rules)
        self._send_conclusions = self._types is None or _CONCLUSION in self._types
        self._internal = f"{name}~{next(_ruleset_numbers)}"
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._broken: str | None = None
        self._last_sid: str | None = None
        self._handle = self._register()
        finalizer = weakref.finalize(self, _delete_ruleset, self._handle)
        finalizer.atexit = False

    def _register(self) -> int:
        definitions = {spec.name: spec.definition for spec in self.rules}
        definitions[_SINK] = _SINK_DEFINITION
        text = json.dumps(definitions, ensure_ascii=False)  # as durable's Ruleset() writes it
        try:
            return int(_dre.create_ruleset(self._internal, text))
        except Exception as error:  # durable raises its own error type, or MemoryError
            raise EngineError(f"durable-rules rejected rule set {self.name!r}: {error}") from error

    # --- one case ---

    def run(self, case_id: str, facts: Sequence[Mapping[str, Any]]) -> list[RawFiring]:
        """Evaluate one case: every firing in order, with the facts each alias matched."""
        try:
            batch = check_batch(facts, self._properties, self._types)
        except InvalidJson as error:
            raise EngineError(str(error)) from None
        if not facts:
            return []  # no session: durable would have nothing to do (and no action to run)
        with self._lock:
            if self._broken:
                raise EngineError(f"rule set {self.name!r} is unusable: {self._broken}")
            sid = f"s{next(self._sids)}"
            self._last_sid = sid
            if not batch.sent:
                return []  # no fact of a type any rule tests: nothing can fire
            return self._evaluate(_Run(case_id, sid, batch.by_id), batch)

    def _evaluate(self, run: _Run, batch: Batch) -> list[RawFiring]:
        code, offset = self._assert(run, batch.payload(run.sid))  # raises: no session to free
        try:
            self._drive(run, code, offset)
        except BaseException as error:
            self._release(run, error)
            raise
        self._release(run, None)
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
        """Run the agenda to the end: start an action, do it, complete it and start the next."""
        where = f"case {run.case_id!r}"
        try:
            started = _dre.start_action_for_state(self._handle, offset)
            run.started = started is not None
            if code != 0:  # 2: a fact was already asserted (1, not handled, the sink prevents)
                what = "a fact was already asserted" if code == 2 else f"result code {code}"
                raise EngineError(f"durable-rules did not take {where}: {what}")
            if started is None:
                raise EngineError(f"no action ran for {where}; session kept")
            messages: str | None = started[1]
            while messages is not None:
                if not messages.startswith(_SINK_ACTION):
                    self._act(run, messages)
                messages = _dre.complete_and_start_action(self._handle, offset)
        except MemoryError as error:  # from durable's C side: the session is not to be trusted
            raise EngineError(f"durable-rules ran out of memory evaluating {where}") from error
        except _dre.error as error:
            raise EngineError(f"durable-rules failed while evaluating {where}: {error}") from error

    def _act(self, run: _Run, messages: str) -> None:
        """One action: the rule durable names fired on the facts its message holds."""
        try:
            action, _ = _DECODER.raw_decode(messages)  # durable writes no whitespace around it
        except ValueError:
            action = None
        name = next(iter(action), None) if isinstance(action, dict) and len(action) == 1 else None
        rule = self._rules.get(name)  # type: ignore[arg-type]
        if rule is None:
            raise EngineError(f"durable-rules started an unknown action: {messages[:200]}")
        frame = action[name]
        try:
            self._fire(run, rule, frame)
        except Exception as error:  # our own code failed: name the rule (interrupts pass)
            message = f"rule {name!r} failed while evaluating case {run.case_id!r}: {error}"
            raise EngineError(message, rule=name) from error

    def _fire(self, run: _Run, rule: _Rule, frame: object) -> None:
        spec = rule.spec
        if len(run.firings) >= MAX_FIRINGS_PER_RUN:
            raise EngineError(
                f"more than {MAX_FIRINGS_PER_RUN} firings in one case", rule=spec.name
            )
        if not isinstance(frame, dict):
            raise EngineError(
                f"rule {spec.name!r}: durable gave no alias → fact mapping", rule=spec.name
            )
        matched = {
            alias: run.copy_of(frame.get(alias), spec.name, alias) for alias in rule.positive
        }
        run.firings.append(RawFiring(seq=len(run.firings), rule=spec.name, matched=matched))
        if spec.conclude is not None:
            self._conclude(run, conclusion_fact(spec, matched))

    def _conclude(self, run: _Run, fact: dict[str, Any]) -> None:
        """Assert a conclusion in the session, once: the same one again changes nothing."""
        if fact["id"] in run.facts:
            return
        run.facts[fact["id"]] = fact
        if self._send_conclusions:
            sent = {key: value for key, value in fact.items() if key in self._properties}
            sent["sid"] = run.sid
            _dre.assert_fact(self._handle, _ENCODER.encode(sent))

    def _release(self, run: _Run, error: BaseException | None) -> None:
        """Delete the session, unless no action started in it or memory ran out."""
        if _out_of_memory(error):
            self._broken = f"durable-rules ran out of memory (case {run.case_id!r})"
            return  # as after a failed assert: deleting might crash
        if not run.started:
            return  # deleting it would be a SIGSEGV; only the sink's absence could get here
        try:  # frees an action still in progress (after an error) along with the session
            _dre.delete_state(self._handle, run.sid)
        except _dre.error as failure:
            if error is None:
                raise EngineError(f"could not delete the session of {run.case_id!r}") from failure

    def _has_session(self, sid: str) -> bool:
        """Whether durable still holds the session ``sid`` (for tests)."""
        try:
            _dre.get_state(self._handle, sid)
        except _dre.error:
            return False
        return True


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether ``error`` is, or was caused by, a ``MemoryError``."""
    return isinstance(error, MemoryError) or (
        error is not None and isinstance(error.__cause__, MemoryError)
    )


def _delete_ruleset(handle: int) -> None:
    """Free the C ruleset when its ``DurableRuleset`` is collected."""
    with contextlib.suppress(_dre.error):
        _dre.delete_ruleset(handle)
