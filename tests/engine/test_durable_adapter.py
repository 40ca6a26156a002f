"""The durable-rules adapter, as the evaluator relies on it: firings, chaining, errors, cleanup."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import tomllib
from pathlib import Path
from typing import Any

import durable_rules_engine
import pytest

import engine.rules._durable as adapter
from engine.errors import EngineError
from engine.rules._durable import DurableRuleset, RawFiring, RuleSpec
from engine.version import ENGINE_VERSION


def rule(
    name: str, *patterns: tuple[str, Any], pri: int = 0, conclude: str | None = None
) -> RuleSpec:
    return RuleSpec(
        name=name,
        definition={"all": [{alias: test} for alias, test in patterns], "pri": pri},
        aliases=tuple(alias for alias, _ in patterns),
        conclude=conclude,
    )


def fact(t: str, fid: str, **fields: Any) -> dict[str, Any]:
    return {"t": t, "id": fid, **fields}


def names(firings: list[RawFiring]) -> list[str]:
    return [f.rule for f in firings]


EVIDENCE = ("e", {"$and": [{"t": "ev"}, {"$gte": {"strength": 3}}]})
ITS_STANDARD = ("s", {"$and": [{"t": "std"}, {"code": {"e": "std"}}]})
JOIN = rule("demo.strong-evidence", EVIDENCE, ITS_STANDARD)


def test_a_join_fires_once_with_both_matched_facts() -> None:
    engine = DurableRuleset("demo", [JOIN])
    ev = fact("ev", "ev1", strength=3, std="S1", evidence=["x1"])
    std = fact("std", "std1", code="S1", evidence=[])
    other = fact("std", "std2", code="S2", evidence=[])

    firings = engine.run("case-1", [ev, std, other])

    assert firings == [RawFiring(seq=0, rule="demo.strong-evidence", matched={"e": ev, "s": std})]


def test_lower_pri_fires_first() -> None:
    any_x = ("x", {"t": "x"})
    engine = DurableRuleset(
        "demo",
        [
            rule("demo.third", any_x, pri=3),
            rule("demo.first", any_x, pri=1),
            rule("demo.second", any_x, pri=2),
        ],
    )

    firings = engine.run("case", [fact("x", "x1")])

    assert names(firings) == ["demo.first", "demo.second", "demo.third"]
    assert [f.seq for f in firings] == [0, 1, 2]


def test_a_conclusion_triggers_a_later_rule_with_its_evidence() -> None:
    stage_ok = rule(
        "demo.stage-ok",
        ("st", {"t": "stage"}),
        ("o", {"$and": [{"t": "outcome"}, {"$gte": {"value": 0.5}}]}),
        pri=1,
        conclude="stage-ok",
    )
    propose = rule("demo.propose", ("c", {"$and": [{"t": "conclusion"}, {"name": "stage-ok"}]}))
    engine = DurableRuleset("demo", [propose, stage_ok])
    facts = [
        fact("stage", "stage", evidence=["b", "a"]),
        fact("outcome", "outcome", value=0.75, evidence=["a", "c"]),
    ]

    firings = engine.run("case", facts)

    assert names(firings) == ["demo.stage-ok", "demo.propose"]
    assert firings[1].matched["c"] == {
        "t": "conclusion",
        "name": "stage-ok",
        "id": "conclusion:stage-ok:demo.stage-ok:outcome+stage",
        "evidence": ["a", "b", "c"],
    }


def test_a_conclusion_nobody_uses_is_no_error() -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}), conclude="unused")])
    assert names(engine.run("case", [fact("x", "x1")])) == ["demo.x"]


def test_facts_that_match_no_rule_do_not_stop_the_others() -> None:
    engine = DurableRuleset("demo", [JOIN, rule("demo.never", ("n", {"t": "never"}))])
    facts = [
        fact("unrelated", "u1"),
        fact("ev", "ev1", strength=3, std="S1"),
        fact("ev", "ev2", strength=1, std="S1"),
        fact("std", "std1", code="S1"),
        fact("unrelated", "u2", note="nothing matches me"),
    ]
    assert names(engine.run("case", facts)) == ["demo.strong-evidence"]


def test_a_case_where_nothing_fires_is_fine_and_leaves_no_session() -> None:
    # A partial join and an unmatched fact: durable segfaults deleting such a session unless
    # an action ran in it; the sink rule makes sure one does.
    engine = DurableRuleset("demo", [JOIN])
    for i in range(3):
        assert engine.run(f"case-{i}", [fact("ev", "ev1", strength=3, std="S9")]) == []
        assert engine._last_sid is not None
        assert not engine._has_session(engine._last_sid)
    assert engine.run("empty", []) == []


def test_an_action_error_names_the_rule_and_the_engine_keeps_working() -> None:
    engine = DurableRuleset("demo", [rule("demo.concludes", ("x", {"t": "x"}), conclude="c")])

    with pytest.raises(EngineError, match=r"rule 'demo\.concludes' failed.*case 'bad'") as info:
        engine.run("bad", [fact("x", "x1", evidence="not-a-list")])

    assert info.value.rule == "demo.concludes"
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)
    assert names(engine.run("good", [fact("x", "x1", evidence=["e1"])])) == ["demo.concludes"]


def test_a_crash_in_our_own_recording_code_surfaces_with_its_cause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}))])

    def broken(*_: object) -> None:
        raise RuntimeError("recording broke")

    monkeypatch.setattr(adapter._Run, "copy_of", broken)
    with pytest.raises(EngineError, match=r"rule 'demo\.x' failed") as info:
        engine.run("case", [fact("x", "x1")])
    assert isinstance(info.value.__cause__, RuntimeError)

    monkeypatch.undo()
    assert names(engine.run("case", [fact("x", "x1")])) == ["demo.x"]


def test_an_interrupt_inside_an_action_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}))])

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(adapter._Run, "copy_of", interrupted)
    with pytest.raises(KeyboardInterrupt):
        engine.run("case", [fact("x", "x1")])
    assert engine._last_sid is not None
    assert not engine._has_session(engine._last_sid)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (fact("x", "x2", score=float("nan")), r"fact 1 .*score = nan is not a finite number"),
        (fact("x", "x2", when=dt.date(2024, 9, 1)), r"fact 1 .*when is a date, not a JSON value"),
        (fact("x", "x1"), r"fact 1 \(id 'x1'\): duplicate id"),
        ({"id": "x2", "score": 1}, r"fact 1 .*'t' must be a non-empty string"),
        ({"t": "x", "score": 1}, r"fact 1 .*'id' must be a non-empty string"),
        (fact("x", 2), r"fact 1 .*'id' must be a non-empty string"),  # type: ignore[arg-type]
        (fact("x", "x2", sid="s1"), r"'sid' is reserved"),
        (fact("x", "x2", big=2**70), r"outside the 64-bit range"),
        (fact("x", "x2", tags=("a",)), r"tags is a tuple"),
        (fact("x", "x2", **{f"p{i}": i for i in range(260)}), r"more than 250 properties"),
        (fact("x", "conclusion:y"), r"reserved"),
    ],
)
def test_invalid_facts_are_rejected_before_durable_sees_them(
    monkeypatch: pytest.MonkeyPatch, bad: dict[str, Any], message: str
) -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}))])

    def never(*_: object) -> None:
        raise AssertionError("durable was called")

    monkeypatch.setattr(durable_rules_engine, "assert_facts", never)
    with pytest.raises(EngineError, match=message):
        engine.run("case", [fact("x", "x1"), bad])


def test_numbers_python_writes_with_a_bare_exponent_still_reach_the_rules() -> None:
    # durable silently drops a whole batch holding 1e-05 or 1e+16 as json.dumps writes them.
    tiny = rule("demo.tiny", ("x", {"$and": [{"t": "x"}, {"$lt": {"v": 0.001}}]}))
    huge = rule("demo.huge", ("x", {"$and": [{"t": "x"}, {"$gt": {"v": 1000000000000000.0}}]}))
    engine = DurableRuleset("demo", [tiny, huge])

    firings = engine.run("case", [fact("x", "a", v=1e-05), fact("x", "b", v=1e16)])

    assert sorted((f.rule, f.matched["x"]["v"]) for f in firings) == [
        ("demo.huge", 1e16),
        ("demo.tiny", 1e-05),
    ]


def test_a_rule_with_such_a_number_is_refused_with_a_reason() -> None:
    bad = rule("demo.tiny", ("x", {"$lt": {"v": 1e-05}}))
    with pytest.raises(EngineError, match=r"rule 'demo\.tiny': a number like 1e-05"):
        DurableRuleset("demo", [bad])


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([rule("bad name", ("x", {"t": "x"}))], r"rule name 'bad name'"),
        ([rule("demo.x", ("x", {"t": "x"}))] * 2, r"rule 'demo\.x' is defined twice"),
        (
            [RuleSpec("demo.x", {"all": [{"x": {"t": "x"}}]}, ("y",))],
            r"one \{alias: test\} per alias",
        ),
        ([RuleSpec("demo.x", {"all": [{"x": {"t": "x"}}], "count": 2}, ("x",))], r"only"),
        ([rule("demo.x", ("x", {"t": "x"}), pri=-1)], r"'pri' must be an int"),
        ([rule("demo.x", ("x$not", {"t": "x"}))], r"positive alias"),
        ([rule(f"r{i}", ("x", {"t": "x"})) for i in range(4095)], r"4095 rules: .* at most 4094"),
    ],
)
def test_bad_rule_specs_are_refused_before_registration(
    rules: list[RuleSpec], message: str
) -> None:
    with pytest.raises(EngineError, match=message):
        DurableRuleset("demo", rules)


def test_the_definition_given_is_not_mutated() -> None:
    spec = rule("demo.x", ("x", {"t": "x"}))
    before = repr(spec.definition)
    DurableRuleset("demo", [spec])
    DurableRuleset("demo", [spec])  # the same spec registered twice
    assert repr(spec.definition) == before


def test_two_thousand_runs_leave_no_live_sessions() -> None:
    # Without deletion the 1,025th live session raises MemoryError.
    engine = DurableRuleset("demo", [JOIN])
    facts = [fact("ev", "ev1", strength=3, std="S1"), fact("std", "std1", code="S1")]
    sids = []
    for i in range(2000):
        assert len(engine.run(f"case-{i}", facts)) == 1
        sids.append(engine._last_sid)
    assert len(set(sids)) == 2000
    assert not any(engine._has_session(sid) for sid in sids if sid)
    assert len(engine.run("after", facts)) == 1


def test_two_rulesets_with_the_same_name_coexist() -> None:
    first = DurableRuleset("same", [rule("same.a", ("x", {"t": "x"}))])
    second = DurableRuleset("same", [rule("same.b", ("x", {"t": "x"}))])
    facts = [fact("x", "x1")]
    assert names(first.run("c", facts)) == ["same.a"]
    assert names(second.run("c", facts)) == ["same.b"]
    assert names(first.run("c", facts)) == ["same.a"]


def test_concurrent_callers_get_their_own_firings() -> None:
    engine = DurableRuleset("demo", [JOIN])
    errors: list[BaseException] = []

    def work(code: str) -> None:
        facts = [fact("ev", f"ev-{code}", strength=3, std=code), fact("std", "s", code=code)]
        try:
            for i in range(200):
                (firing,) = engine.run(f"{code}-{i}", facts)
                assert firing.matched["e"]["std"] == code
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"S{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_memory_error_is_an_error_and_the_session_is_never_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}))])
    deleted: list[object] = []

    def out_of_sessions(*_: object) -> None:
        raise MemoryError

    monkeypatch.setattr(durable_rules_engine, "assert_facts", out_of_sessions)
    monkeypatch.setattr(durable_rules_engine, "delete_state", lambda *a: deleted.append(a))
    with pytest.raises(EngineError, match="ran out of sessions or memory"):
        engine.run("case", [fact("x", "x1")])
    assert deleted == []

    monkeypatch.undo()
    with pytest.raises(EngineError, match="unusable"):
        engine.run("case", [fact("x", "x1")])


def test_a_dropped_ruleset_frees_its_durable_ruleset() -> None:
    engine = DurableRuleset("demo", [rule("demo.x", ("x", {"t": "x"}))])
    handle = engine._handle
    engine.run("case", [fact("x", "x1")])
    del engine
    gc.collect()
    with pytest.raises(durable_rules_engine.error, match="error code: 111"):
        durable_rules_engine.get_state(handle, "s1")


def test_the_engine_version_is_the_packages_and_names_durable_rules() -> None:
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    assert f"appraise-engine/{project['version']} durable-rules/2.0.28" == ENGINE_VERSION
