"""Property: every rule whose firing led to the outcome, directly or through a conclusion, is in
the rationale with its reason and the parameters it was held to, no rationale line repeats, and
every statement cited has its words in the draft.

The contributing rules are worked out here from the trace alone: the firings that proposed the
winning outcome, then, for each conclusion fact a contributing firing matched, the firing that
asserted it, and so on back.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import event, given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.recommend.recommendation import recommend
from engine.rules._durable import conclusion_id
from engine.rules.compiler import CompiledRules, render_reason
from engine.rules.conditions import parse_condition
from engine.testing.strategies import reviews
from schemas.recommendation import Firing, Recommendation

RULESETS = RuleSets(Catalogue())


def contributing(compiled: CompiledRules, rec: Recommendation) -> list[Firing]:
    """The firings behind ``rec``'s outcome, read from its trace."""
    winner = rec.rating or rec.outcome
    by_id = {}
    for firing in rec.trace.firings:
        name = compiled.rule(firing.rule).then.conclude
        if name:
            by_id[conclusion_id(name, firing.rule, firing.matched)] = firing
    # A proposal is on the stage's scale (an ECT's not-met is unsatisfactory progress).
    winning = {p.rule for p in rec.proposals if p.outcome == winner}
    todo = [f for f in rec.trace.firings if f.rule in winning]
    found: dict[int, Firing] = {}
    while todo:
        firing = todo.pop()
        if firing.seq in found:
            continue
        found[firing.seq] = firing
        todo += [by_id[fact["id"]] for fact in firing.matched.values() if fact["id"] in by_id]
    return list(found.values())


def parameters_of(compiled: CompiledRules, rule_id: str) -> set[str]:
    conditions = (parse_condition(w) for p in compiled.rule(rule_id).when for w in p.where)
    return {c.operand.name for c in conditions if c.operand.kind == "param"}


@settings(max_examples=60)
@given(data=st.data())
def test_every_contributing_rule_is_in_the_rationale_once(data: st.DataObject) -> None:
    ruleset_id = data.draw(st.sampled_from(sorted(RULESETS.paths)))
    compiled = RULESETS.compiled(ruleset_id)
    review = data.draw(reviews(compiled.framework))
    rec = recommend(RULESETS.evaluator(review, ruleset_id), review, next_steps=False)
    event(f"chain depth {max((c.depth for c in rec.causes), default=-1)}")
    texts = [line.text for line in rec.rationale]
    assert not [t for t, n in Counter(texts).items() if n > 1], texts
    assert [c.text for c in rec.causes] == [t for t in texts if t in {c.text for c in rec.causes}]
    for firing in contributing(compiled, rec):
        rule = compiled.rule(firing.rule)
        reason = render_reason(rule.reason, firing.matched, compiled.parameters)
        lines = [t for t in texts if t.startswith(reason)]
        assert lines, (rule.id, reason, texts)
        for parameter in parameters_of(compiled, rule.id):
            assert any(f"(`{parameter}`)" in line for line in lines), (rule.id, parameter, lines)
    if rec.outcome == "rated" or rec.proposals:
        assert rec.causes, rec.summary
    # every statement cited anywhere can be shown with its words
    cited = {s for line in rec.rationale for s in line.statements}
    cited.update(s for cause in rec.causes for s in cause.statements)
    cited.update(s for row in rec.ledger for s in row.missing)
    assert cited <= set(rec.statements), sorted(cited - set(rec.statements))
