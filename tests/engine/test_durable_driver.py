"""The adapter drives durable's C engine itself: what it sends, what it hands back, how it fails."""

from __future__ import annotations

import enum
import json
import re
import threading
import types
from typing import Any

import durable_rules_engine
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.rules._durable_facts as checks
from engine.errors import EngineError
from engine.rules._durable import DurableRuleset
from tests.engine.test_durable_adapter import fact, rule

STRONG = rule("demo.strong", ("e", {"$and": [{"t": "ev"}, {"$gte": {"strength": 3}}]}))


def sent_batches(monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """Record every batch the adapter hands durable (and still hand it over)."""
    batches: list[list[dict[str, Any]]] = []
    real = durable_rules_engine.assert_facts

    def recording(handle: int, payload: str) -> object:
        batches.append(json.loads(payload))
        return real(handle, payload)

    monkeypatch.setattr(durable_rules_engine, "assert_facts", recording)
    return batches


# --- what durable is sent, and what comes back --------------------------------------------------


def test_durable_sees_only_what_its_rules_test_and_firings_get_the_whole_fact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [STRONG])
    batches = sent_batches(monkeypatch)
    ev = fact("ev", "ev1", strength=3, note="long text no rule reads", evidence=["x"])
    other = fact("standard", "s1", code="S1")

    (firing,) = engine.run("case", [ev, other])

    assert firing.matched == {"e": ev}
    (batch,) = batches
    assert [{k: v for k, v in f.items() if k != "sid"} for f in batch] == [
        {"t": "ev", "id": "ev1", "strength": 3}
    ]


def test_every_fact_is_sent_when_a_pattern_tests_no_type(monkeypatch: pytest.MonkeyPatch) -> None:
    any_strong = rule("demo.any-strong", ("x", {"$gte": {"strength": 3}}))
    engine = DurableRuleset("demo", [any_strong])
    batches = sent_batches(monkeypatch)
    facts = [fact("ev", "a", strength=3), fact("other", "b", strength=4), fact("z", "c")]

    firings = engine.run("case", facts)

    assert sorted(f.matched["x"]["id"] for f in firings) == ["a", "b"]
    assert [f["id"] for f in batches[0]] == ["a", "b", "c"]


def test_a_case_with_no_fact_of_a_tested_type_fires_nothing_and_opens_no_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [STRONG])
    batches = sent_batches(monkeypatch)
    assert engine.run("case", [fact("standard", "s1"), fact("review", "r")]) == []
    assert batches == []
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)


def test_facts_durable_sees_are_checked_and_facts_it_never_sees_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check guards durable; the derived facts' own contract is tested in test_facts."""
    engine = DurableRuleset("demo", [STRONG])
    with pytest.raises(EngineError, match=r"fact 1 \(id 'e'\): fact\.score = nan"):
        engine.run("case", [fact("ev", "ev1", strength=3), fact("ev", "e", score=float("nan"))])
    batches = sent_batches(monkeypatch)
    odd = fact("r", "r", score=float("nan"))
    firings = engine.run("case", [fact("ev", "ev1", strength=3), odd])
    assert [f["id"] for f in batches[0]] == ["ev1"] and len(firings) == 1


def test_each_firing_gets_its_own_copy_of_what_it_matched() -> None:
    twice = [
        rule("demo.a", ("e", {"$and": [{"t": "ev"}]})),
        rule("demo.b", ("e", {"$and": [{"t": "ev"}]})),
    ]
    engine = DurableRuleset("demo", twice)
    ev = fact("ev", "ev1", evidence=["x"], nested={"k": [1, 2]})

    first, second = engine.run("case", [ev])

    assert first.matched["e"] == second.matched["e"] == ev
    first.matched["e"]["evidence"].append("changed")
    first.matched["e"]["nested"]["k"].append(3)
    assert second.matched["e"] == ev == fact("ev", "ev1", evidence=["x"], nested={"k": [1, 2]})


def test_a_mapping_that_is_not_a_dict_is_matched_as_a_plain_dict() -> None:
    engine = DurableRuleset("demo", [STRONG])
    ev = types.MappingProxyType(fact("ev", "ev1", strength=3))
    (firing,) = engine.run("case", [ev])
    assert type(firing.matched["e"]) is dict
    assert firing.matched["e"] == dict(ev)


def test_no_thread_is_started_to_run_actions() -> None:
    before = threading.active_count()
    engine = DurableRuleset("demo", [STRONG])
    for i in range(20):
        engine.run(f"case-{i}", [fact("ev", "ev1", strength=3)])
    assert threading.active_count() == before


def test_conclusions_nobody_tests_are_not_sent_yet_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}), conclude="unused")])
    asserted: list[str] = []
    real = durable_rules_engine.assert_fact
    monkeypatch.setattr(
        durable_rules_engine,
        "assert_fact",
        lambda handle, payload: asserted.append(payload) or real(handle, payload),
    )
    assert [f.rule for f in engine.run("case", [fact("x", "x1")])] == ["demo.x"]
    assert asserted == []


# --- how the driver fails ---------------------------------------------------------------------


def test_a_fact_durable_already_holds_is_refused_and_the_session_deleted() -> None:
    # durable keeps the session's own state as a fact with id "sid-<session>".
    engine = DurableRuleset("demo", [STRONG])
    engine.run("first", [fact("ev", "ev1", strength=3)])
    assert engine._last_sid == "s1"
    with pytest.raises(EngineError, match=r"did not take case 'clash': a fact was already"):
        engine.run("clash", [fact("ev", "ev1", strength=3), fact("ev", "sid-s2", strength=1)])
    assert engine._last_sid == "s2"
    assert not engine._has_session("s2")
    assert len(engine.run("after", [fact("ev", "ev1", strength=3)])) == 1


@pytest.mark.parametrize(
    "message", ['{"demo.nope": {"e": {"id": "ev1"}}}', "not json", "[]", '{"a": 1, "b": 2}']
)
def test_an_unknown_action_from_durable_is_an_error_and_the_session_deleted(
    monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    engine = DurableRuleset("demo", [STRONG])
    real = durable_rules_engine.start_action_for_state

    def renamed(handle: int, offset: int) -> tuple[str, str]:
        state, _ = real(handle, offset)
        return state, message

    monkeypatch.setattr(durable_rules_engine, "start_action_for_state", renamed)
    with pytest.raises(EngineError, match="unknown action"):
        engine.run("case", [fact("ev", "ev1", strength=3)])
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)


def test_a_fact_durable_hands_back_that_was_never_sent_names_the_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [STRONG])
    real = durable_rules_engine.start_action_for_state

    def stranger(handle: int, offset: int) -> tuple[str, str]:
        state, _ = real(handle, offset)
        return state, '{"demo.strong": {"e": {"id": "who"}}}'

    monkeypatch.setattr(durable_rules_engine, "start_action_for_state", stranger)
    with pytest.raises(EngineError, match=r"rule 'demo\.strong' failed") as info:
        engine.run("case", [fact("ev", "ev1", strength=3)])
    assert info.value.rule == "demo.strong"
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)


def test_a_durable_error_between_actions_is_an_error_and_the_session_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [STRONG])

    def broken(*_: object) -> None:
        raise durable_rules_engine.error("Could not complete and start action, error code: 307")

    monkeypatch.setattr(durable_rules_engine, "complete_and_start_action", broken)
    with pytest.raises(EngineError, match=r"failed while evaluating case 'case'.*307"):
        engine.run("case", [fact("ev", "ev1", strength=3)])
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)
    monkeypatch.undo()
    assert len(engine.run("after", [fact("ev", "ev1", strength=3)])) == 1


@pytest.mark.parametrize("step", ["start_action_for_state", "complete_and_start_action"])
def test_running_out_of_memory_mid_run_keeps_the_session_and_retires_the_ruleset(
    monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    engine = DurableRuleset("demo", [STRONG])
    deleted: list[object] = []

    def out_of_memory(*_: object) -> None:
        raise MemoryError

    monkeypatch.setattr(durable_rules_engine, step, out_of_memory)
    monkeypatch.setattr(durable_rules_engine, "delete_state", lambda *a: deleted.append(a))
    with pytest.raises(EngineError, match="ran out of memory"):
        engine.run("case", [fact("ev", "ev1", strength=3)])
    assert deleted == []
    monkeypatch.undo()
    with pytest.raises(EngineError, match="unusable"):
        engine.run("again", [fact("ev", "ev1", strength=3)])


def test_a_session_in_which_no_action_started_is_never_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Deleting such a session is a SIGSEGV; the sink rule makes it impossible in practice.
    engine = DurableRuleset("demo", [STRONG])
    deleted: list[object] = []
    monkeypatch.setattr(durable_rules_engine, "start_action_for_state", lambda *_: None)
    monkeypatch.setattr(durable_rules_engine, "delete_state", lambda *a: deleted.append(a))
    with pytest.raises(EngineError, match="no action ran for case 'case'; session kept"):
        engine.run("case", [fact("ev", "ev1", strength=3)])
    assert deleted == []


# --- the fast path checks exactly what the full walk checks -------------------------------------


class Code(enum.StrEnum):
    S1 = "S1"


class Rank(enum.IntEnum):
    HIGH = 3


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e-05, 1e16, 1.5e16, -0.0, 0.0001, 9.99e-05, float("nan"), float("inf")]),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1]),
    st.text(max_size=12),
    st.sampled_from([Code.S1, Rank.HIGH]),
)
KEYS = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["a", "strength", "$x", "a.b", "", "\n", "a\n$", "x\n", "\nb", "sid"]),
    st.integers(0, 3),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.text(max_size=12), max_size=4),
        st.tuples(inner),
        st.dictionaries(KEYS, inner, max_size=3),
    ),
    max_leaves=12,
)
FLAT = st.one_of(
    SCALARS,
    st.lists(st.text(max_size=6), max_size=3),
    st.lists(SCALARS, max_size=2),
    st.tuples(st.text(max_size=2)),
    st.dictionaries(KEYS, SCALARS, max_size=2),
)
FACTS = st.one_of(
    st.builds(  # mostly well formed: the fast path's ground
        lambda t, fid, rest: {"t": t, "id": fid, **rest},
        st.sampled_from(["ev", "ev", "ev", "", 3]),
        st.sampled_from(["a", "a", "b", "", "conclusion:x", 7]),
        st.dictionaries(KEYS, FLAT, max_size=5),
    ),
    st.builds(
        lambda t, fid, rest: {"t": t, "id": fid, **rest},
        st.just("ev"),
        st.sampled_from(["a", "b"]),
        st.dictionaries(KEYS, VALUES, max_size=4),
    ),
    st.dictionaries(KEYS, VALUES, max_size=4),
    st.sampled_from([["not", "a", "fact"], "fact"]),
)
PROPERTIES = frozenset({"t", "id", "strength", "a", "0"})


def outcome(check: Any, facts: list[Any]) -> object:
    """What checking ``facts`` one by one gives: the error message, or ids, sends and floats."""
    batch = checks.Batch()
    results = []
    try:
        for index, item in enumerate(facts):
            fact_id, sent = check(item, index, PROPERTIES, batch)
            batch.by_id[fact_id] = item
            results.append((fact_id, repr(sent)))
    except checks.InvalidJson as error:
        return str(error)
    return results, batch.odd_floats


def same_outcome(facts: list[Any], limit: int = 8) -> object:
    """The fast path's outcome, checked to be the full walk's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "MAX_STRING_LENGTH", limit)  # long strings without megabytes
        patch.setattr(checks, "MAX_FACT_PROPERTIES", 5)
        fast = outcome(checks._check_fact, facts)
        assert fast == outcome(checks._check_slowly, facts)
    return fast


@settings(max_examples=2000, deadline=None)
@given(facts=st.lists(FACTS, max_size=3), limit=st.sampled_from([8, 1_000_000]))
def test_the_fast_path_accepts_and_refuses_exactly_what_the_full_walk_does(
    facts: list[Any], limit: int
) -> None:
    same_outcome(facts, limit)


EV = {"t": "ev", "id": "a"}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"n": 2**63 - 1, "m": -(2**63)}, None),
        ({"n": 2**63}, "outside the 64-bit range"),
        ({"n": -(2**63) - 1}, "outside the 64-bit range"),
        ({"s": "x" * 8, "l": ["x" * 5, "y" * 5]}, None),  # each string short enough
        ({"s": "x" * 9}, "longer than 8 characters"),
        ({"l": ["ok", "x" * 9]}, r"l\[1\] is longer than 8"),
        ({"f": float("nan")}, "not a finite number"),
        ({"f": float("-inf")}, "not a finite number"),
        ({"f": 1e-05, "g": 1e16, "h": 0.0001}, None),
        ({"$x": 1}, "key '\\$x'"),
        ({"a.b": 1}, "key 'a.b'"),
        ({"": 1}, "key ''"),
        ({"x\n": 1, "$y": 1}, "key '\\$y'"),
        ({"x": 1, "\n$y": 1}, None),  # a newline before the '$' is no leading '$'
        ({3: 1}, "key 3 that is not a string"),
        ({"sid": "s1"}, "'sid' is reserved"),
        ({f"p{i}": i for i in range(4)}, "more than 5 properties"),
        ({"tags": ("a",)}, "is a tuple"),
        ({"when": object()}, "is a object"),
        ({"code": Code.S1, "rank": Rank.HIGH, "b": None}, None),
        ({"d": {"k": [1, {"$ok": 2}]}}, None),  # keys inside lists are not fact keys
        ({"d": {"$k": 1}}, "key '\\$k'"),
    ],
)
def test_each_guard_holds_on_the_fast_path(extra: dict[Any, Any], expected: str | None) -> None:
    result = same_outcome([{**EV, **extra}])
    if expected is None:
        assert not isinstance(result, str), result
    else:
        assert isinstance(result, str)
        assert re.search(expected, result), result


def test_odd_floats_are_noticed_wherever_they_are() -> None:
    assert same_outcome([{**EV, "f": 1e-05}]) == ([("a", repr({"t": "ev", "id": "a"}))], True)
    assert same_outcome([{**EV, "l": [1e16]}]) == ([("a", repr({"t": "ev", "id": "a"}))], True)
    assert same_outcome([{**EV, "f": 1.5e16}])[1] is False  # type: ignore[index]


@settings(max_examples=1000, deadline=None)
@given(value=VALUES.filter(lambda v: _json_able(v)))
def test_copies_are_what_a_json_round_trip_gives(value: Any) -> None:
    copied = checks.copy_json(value)
    expected = json.loads(json.dumps(value))
    assert repr(copied) == repr(expected)
    if isinstance(value, (dict, list)):
        assert copied is not value


def _json_able(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return not _has_tuple(value)


def _has_tuple(value: Any) -> bool:
    if isinstance(value, tuple):
        return True
    if isinstance(value, list):
        return any(_has_tuple(v) for v in value)
    if isinstance(value, dict):
        return any(_has_tuple(v) for v in value.values())
    return False


@pytest.mark.parametrize(
    ("first", "expected"), [("$x", "key '\\$x'"), ("", "key ''"), ("\n", None), ("x.y", "x.y")]
)
def test_a_bad_first_key_is_caught_too(first: str, expected: str | None) -> None:
    result = same_outcome([{first: 1, **EV}])
    if expected is None:
        assert not isinstance(result, str), result
    else:
        assert isinstance(result, str)
        assert re.search(expected, result), result


def test_a_pattern_the_session_state_matches_fails_at_once_naming_the_rule() -> None:
    # Through durable's glue this looped forever: the state was re-asserted after each action.
    only_absence = rule("demo.nex", ("x", {"$nex": {"zzz": 1}}))
    engine = DurableRuleset("demo", [only_absence])
    with pytest.raises(EngineError, match=r"rule 'demo\.nex' failed.*no fact was matched"):
        engine.run("case", [fact("a", "a1")])
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)
