"""Static checks on a rule set: every problem of one file, found without evaluating a review.

``check_ruleset`` reports what the loader and the compiler find (``engine.rules.compiler``)
and, when the file compiles, what reasoning over the conditions finds, with every parameter at its
default and every field within its domain in the fact contract (``engine.facts.contract.DOMAINS``):

- ``never-fires``: a rule whose conditions cannot all hold: two conditions that contradict each
  other, a value the field never takes, a fact the framework never has, or a conclusion that only
  rules which can never fire (or which need that conclusion first) would draw;
- ``unknown-value``: a condition naming a value the field never takes, where the rule can still
  fire (``stage not-in [ect1, etc2]``);
- ``priority-conflict``: under ``resolution.strategy: priority``, two rules of the same priority
  that propose different outcomes and can fire on the same review.

The reasoning knows each comparison, joins between two numeric fields, the field domains, that a
case has one fact of some types (so conditions on them from different patterns and rules meet),
and which rules conclude what. It does not know relations between fields (a minimum is at most
each value; ``met <= required``) and weighs a join only against joins of the same two fields.
So a rule reported as never firing truly cannot fire, a rule dead only through such a relation
is not found, and two rules kept apart only by one are reported as overlapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine._validate import did_you_mean
from engine._yaml import Loc, Located, load_yaml_file
from engine.catalogue.frameworks import Catalogue
from engine.errors import CatalogueError, InputError
from engine.facts.contract import (
    DOMAINS,
    FACT_TYPES,
    KEYS,
    ONE_PER_CASE,
    Domain,
    Vocabulary,
    vocabulary,
)
from engine.rules.compiler import load_ruleset
from engine.rules.conditions import Condition, parse_condition
from engine.testing._satisfiability import (
    Atom,
    DiffVar,
    FieldVar,
    Range,
    Var,
    satisfiable,
    store_holds,
)
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.ruleset import Pattern, Rule, RuleSet

__all__ = ["RuleSetFacts", "check_ruleset"]

_CAP = 256  # combinations of conclusions enumerated per rule before assuming they combine
_NOUNS: dict[Vocabulary, str] = {
    "stage": "stage",
    "review-stage": "stage",
    "stage-or-blank": "stage",
    "modality": "modality",
    "level": "practice level",
    "rating-or-blank": "rating",
    "standard": "standard",
    "standard-number": "standard number",
    "conclusion": "conclusion",
}
Store = frozenset[Atom]
_Alias = tuple[str, str | None]  # a pattern's fact type, and the key value its conditions pin


def check_ruleset(path: Path, catalogue: Catalogue) -> list[Diagnostic]:
    """Every problem with the rule-set file at ``path``, sorted by place; ``[]`` when none.

    Problems with the file are returned, never raised; a file that cannot be read raises
    ``NotFoundError``, and problems in the frameworks themselves raise ``CatalogueError``.
    """
    try:
        ruleset, framework = load_ruleset(path, catalogue)
    except CatalogueError:
        raise
    except InputError as exc:  # the rule set's own problems, or a file that is not UTF-8
        return list(exc.diagnostics)
    found = _Analysis(ruleset, framework, load_yaml_file(path)).run()
    return sorted(found, key=Diagnostic.sort_key)


class RuleSetFacts:
    """What the reasoning proves of a rule set in memory, with its parameters at their defaults:
    which rules can fire, which outcomes can be proposed on one review, and whether a rule's own
    conditions admit the same facts as another version of it (``engine.testing.mutants`` uses
    these to recognise an equivalent mutant). Every answer errs towards "can" and "differ"."""

    def __init__(self, ruleset: RuleSet, framework: Framework) -> None:
        self.ruleset = ruleset
        self._analysis = _Analysis(ruleset, framework, Located(file=f"<{ruleset.id}>", data=None))
        self._rules = [self._analysis._rule(i, rule) for i, rule in enumerate(ruleset.rules)]
        by_name = self._analysis._conclusions(self._rules)
        self._alive = self._analysis._alive(self._rules, by_name)

    def can_fire(self, index: int) -> bool:
        """False when rule ``index`` provably never fires."""
        return index in self._alive

    def may_propose_together(self, first: str, second: str) -> bool:
        """False when no rule proposing ``first`` can fire on a review with one proposing
        ``second`` (so their order in the resolution never matters)."""
        ways = {
            outcome: [
                store
                for r in self._rules
                if _outcome(r.rule) == outcome
                for store in self._alive.get(r.index, ())
            ]
            for outcome in (first, second)
        }
        return any(self._analysis._store_holds(a | b) for a in ways[first] for b in ways[second])

    def same_conditions(self, index: int, other: RuleSetFacts) -> bool:
        """True when rule ``index`` here and in ``other`` admit exactly the same facts."""
        mine, theirs = self._rules[index], other._rules[index]
        return mine.opaque == theirs.opaque and (
            self._implies(mine.own, theirs.own) and self._implies(theirs.own, mine.own)
        )

    def _implies(self, given: Store, wanted: Store) -> bool:
        """Every value allowed by ``given`` satisfies each atom of ``wanted``."""
        space = self._analysis._space
        return all(
            not satisfiable(space(a.var), [*(g for g in given if g.var == a.var), _negated(a)])
            for a in wanted
        )


_NEGATED = {
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
    "==": "!=",
    "!=": "==",
    "in": "not-in",
    "not-in": "in",
}


def _negated(atom: Atom) -> Atom:
    return Atom(atom.var, _NEGATED[atom.op], atom.value)


@dataclass(frozen=True)
class _Condition:
    """A condition of a rule, where it is, and the atom it means (``None``: not reasoned on)."""

    loc: Loc
    text: str
    parsed: Condition
    atom: Atom | None
    note: str  # the parameter's value, when the condition names one


@dataclass(frozen=True)
class _Need:
    """A pattern matching a conclusion: the names it can match, and where to point at it."""

    loc: Loc
    offset: int
    text: str
    names: frozenset[str]


@dataclass(frozen=True)
class _Analysed:
    """A rule as the reasoning sees it."""

    index: int
    rule: Rule
    own: Store  # what its own conditions say
    opaque: tuple[str, ...]  # its conditions not reasoned on (joins of non-numeric fields)
    needs: tuple[_Need, ...]
    dead: bool  # its own conditions cannot hold (already reported)


class _Analysis:
    """Finds rules that never fire, unknown values and same-priority conflicts in a rule set."""

    def __init__(self, ruleset: RuleSet, framework: Framework, located: Located) -> None:
        self.ruleset = ruleset
        self.framework = framework
        self.located = located
        self.parameters = {name: p.default for name, p in ruleset.parameters.items()}
        self.concluded = frozenset(r.then.conclude for r in ruleset.rules if r.then.conclude)
        self.found: list[Diagnostic] = []
        self._holds: dict[Store, bool] = {}

    def run(self) -> list[Diagnostic]:
        rules = [self._rule(i, rule) for i, rule in enumerate(self.ruleset.rules)]
        by_name = self._conclusions(rules)
        alive = self._alive(rules, by_name)
        if self.ruleset.resolution.strategy == "priority":
            self._priority_conflicts(rules, alive)
        return self.found

    def _report(self, loc: Loc, code: str, message: str, offset: int = 0) -> None:
        self.found.append(self.located.diagnostic(loc, code, message, offset=offset))

    # --- one rule's own conditions ---------------------------------------------------------

    def _rule(self, index: int, rule: Rule) -> _Analysed:
        aliases: dict[str, _Alias] = {}
        conditions: list[_Condition] = []
        needs: list[_Need] = []
        dead = False
        for j, pattern in enumerate(rule.when):
            alias = pattern.as_ or pattern.fact
            aliases[alias] = (pattern.fact, _pinned_key(pattern))
            ploc: Loc = ("rules", index, "when", j)
            dead = dead or self._no_such_fact(rule, ploc, pattern.fact)
            mine = []
            for k, text in enumerate(pattern.where):
                condition = self._condition(rule, (*ploc, "where", k), text, alias, aliases)
                self._unknown_values(condition)
                dead = dead or self._contradiction(rule, condition, conditions)
                conditions.append(condition)
                mine.append(condition)
            if pattern.fact == "conclusion":
                needs.append(self._need(ploc, mine))
        own = frozenset(c.atom for c in conditions if c.atom is not None)
        opaque = tuple(sorted(c.text for c in conditions if c.atom is None))
        return _Analysed(index, rule, own, opaque, tuple(needs), dead)

    def _var(self, rule: Rule, aliases: dict[str, _Alias], alias: str, field: str) -> FieldVar:
        fact, key = aliases[alias]
        if fact in ONE_PER_CASE:
            return FieldVar("", fact, "", field, fact)
        if key is not None:
            return FieldVar("", fact, key, field, alias)
        return FieldVar(f"{rule.id} {alias}", fact, "", field, alias)

    def _condition(
        self, rule: Rule, loc: Loc, text: str, alias: str, aliases: dict[str, _Alias]
    ) -> _Condition:
        parsed = parse_condition(text)  # the compiler has parsed and checked it already
        var = self._var(rule, aliases, alias, parsed.field)
        operand = parsed.operand
        if operand.kind == "ref":
            other = self._var(rule, aliases, operand.name, operand.field)
            kinds = {self._space(var).kind, self._space(other).kind}
            atom = Atom.join(var, parsed.op, other) if kinds <= {"int", "float"} else None
            return _Condition(loc, text, parsed, atom, "")
        if operand.kind == "param":
            value = self.parameters[operand.name]
            note = f" (param.{operand.name} = {_show(value)})"
            return _Condition(loc, text, parsed, Atom(var, parsed.op, value), note)
        return _Condition(loc, text, parsed, Atom(var, parsed.op, operand.value), "")

    def _no_such_fact(self, rule: Rule, loc: Loc, fact: str) -> bool:
        """Report a pattern on a fact type the framework never yields (ledger without stages)."""
        if fact not in KEYS:
            return False
        space = self._space(FieldVar("", fact, "", KEYS[fact]))
        if space.values:
            return False
        if fact == "conclusion":
            why = "no rule concludes anything"
        else:
            why = f"{self.framework.id} has no {self._noun(fact, KEYS[fact])}s"
        message = f"{why}, so there is no {fact} fact and rule {rule.id!r} can never fire"
        self._report((*loc, "fact"), "never-fires", message)
        return True

    def _unknown_values(self, condition: _Condition) -> None:
        """Report values a field never takes, in a condition that can still hold."""
        atom = condition.atom
        if atom is None or not isinstance(atom.var, FieldVar):
            return
        space = self._space(atom.var)
        if space.kind != "str" or space.values is None or not satisfiable(space, [atom]):
            return
        unknown = [v for v in _values(atom) if v not in space.values]
        if unknown:
            why = self._not_in_vocabulary(atom.var, unknown, space)
            message = f"{condition.text!r}: {why}"
            offset = condition.parsed.operand.offset
            self._report(condition.loc, "unknown-value", message, offset)

    def _contradiction(self, rule: Rule, condition: _Condition, earlier: list[_Condition]) -> bool:
        """Report the first condition that cannot hold with the rule's earlier ones."""
        atom = condition.atom
        if atom is None:
            return False
        same = [c for c in earlier if c.atom is not None and c.atom.var == atom.var]
        space = self._space(atom.var)
        if satisfiable(space, [*(c.atom for c in same if c.atom), atom]):
            return False
        ending = f"so rule {rule.id!r} can never fire"
        if not satisfiable(space, [atom]):
            why = self._outside(atom, space)
            message = f"{condition.text!r}{condition.note} never holds: {why}, {ending}"
            offset = condition.parsed.operand.offset
        else:
            culprits = [c for c in same if c.atom and not satisfiable(space, [c.atom, atom])]
            named = " and ".join(f"{c.text!r}{c.note}" for c in culprits or same)
            both = "both" if len(culprits or same) == 1 else "them all"
            message = (
                f"{condition.text!r}{condition.note} contradicts {named}: "
                f"no {atom.var} satisfies {both}, {ending}"
            )
            offset = condition.parsed.op_offset
        self._report(condition.loc, "never-fires", message, offset)
        return True

    def _need(self, loc: Loc, mine: list[_Condition]) -> _Need:
        """The conclusion names a pattern on ``conclusion`` can match."""
        atoms = [c.atom for c in mine if c.atom is not None]  # all on its one field, name
        names = frozenset(
            name
            for name in self.concluded
            if satisfiable(Range("str", values=frozenset({name})), atoms)
        )
        first = next((c for c in mine if c.parsed.field == "name"), None)
        if first is None:
            return _Need((*loc, "fact"), 0, "fact: conclusion", names)
        return _Need(first.loc, first.parsed.operand.offset, first.text, names)

    # --- conclusions: which can be drawn, and under which conditions ------------------------

    def _conclusions(self, rules: list[_Analysed]) -> dict[str, frozenset[Store]]:
        """Each conclusion's alternatives: the conditions, on facts a case has one of, of
        every way to draw it (the least fixpoint, so a conclusion needing itself is not drawn).
        """
        by_name: dict[str, frozenset[Store]] = {name: frozenset() for name in self.concluded}
        for _ in range(2 * len(rules) + 2):
            found: dict[str, set[Store]] = {name: set() for name in self.concluded}
            for r in rules:
                if r.rule.then.conclude and not r.dead:
                    found[r.rule.then.conclude] |= self._alternatives(r, by_name)[0]
            grown = {name: frozenset(stores) for name, stores in found.items()}
            if grown == by_name:
                break
            by_name = grown
        return by_name

    def _alternatives(
        self, r: _Analysed, by_name: dict[str, frozenset[Store]]
    ) -> tuple[set[Store], _Need | None]:
        """The ways ``r`` can fire; when none, the conclusion pattern that has no way at all."""
        combos = {r.own}
        for need in r.needs:
            options = {store for name in need.names for store in by_name.get(name, ())}
            if not options:
                return set(), need
            if len(combos) * len(options) > _CAP:
                continue  # too many to enumerate: assume they combine
            combos = {c | o for c in combos for o in options if self._store_holds(c | o)}
            if not combos:
                return set(), None
        return {_shared(c) for c in combos}, None

    def _alive(
        self, rules: list[_Analysed], by_name: dict[str, frozenset[Store]]
    ) -> dict[int, set[Store]]:
        """The ways each rule can fire; report those that cannot because of conclusions."""
        alive: dict[int, set[Store]] = {}
        for r in rules:
            if r.dead:
                continue
            stores, need = self._alternatives(r, by_name)
            ending = f"so rule {r.rule.id!r} can never fire"
            if stores:
                alive[r.index] = stores
            elif need is not None:
                message = f"{need.text!r} never holds: {self._undrawn(need, rules, by_name)}"
                self._report(need.loc, "never-fires", f"{message}, {ending}", need.offset)
            else:
                names = sorted({name for n in r.needs for name in n.names})
                message = (
                    f"rule {r.rule.id!r} can never fire: its conditions and those of the rules "
                    f"concluding {', '.join(repr(n) for n in names)} cannot all hold at once"
                )
                self._report(("rules", r.index, "id"), "never-fires", message)
        return alive

    def _undrawn(
        self, need: _Need, rules: list[_Analysed], by_name: dict[str, frozenset[Store]]
    ) -> str:
        """Why none of the conclusions a pattern can match is ever drawn."""
        reasons = []
        for name in sorted(need.names):
            ids = ", ".join(r.rule.id for r in rules if r.rule.then.conclude == name)
            reason = f"no rule that concludes {name!r} can fire ({ids})"
            cycle = _cycle(name, rules, by_name)
            if cycle:
                reason += f": {name!r} depends on itself ({' -> '.join(cycle)})"
            reasons.append(reason)
        return "; ".join(reasons)

    # --- same-priority conflicts -------------------------------------------------------------

    def _priority_conflicts(self, rules: list[_Analysed], alive: dict[int, set[Store]]) -> None:
        """Under ``strategy: priority``, report two rules that tie and can disagree."""
        proposers = [
            r for r in rules if r.index in alive and (r.rule.then.propose or r.rule.then.status)
        ]
        for j, later in enumerate(proposers):
            for earlier in proposers[:j]:
                if earlier.rule.priority != later.rule.priority:
                    continue
                first, second = _outcome(earlier.rule), _outcome(later.rule)
                if first == second or not self._overlap(alive[earlier.index], alive[later.index]):
                    continue
                line = self.located.where(("rules", earlier.index, "id"))[0]
                message = (
                    f"rules {earlier.rule.id!r} (line {line}) and {later.rule.id!r} both have "
                    f"priority {later.rule.priority} and can fire on the same review, proposing "
                    f"{first!r} and {second!r}; under strategy 'priority' neither outranks the "
                    "other: give one a lower priority number"
                )
                self._report(self._priority_loc(later.index), "priority-conflict", message)

    def _overlap(self, these: set[Store], those: set[Store]) -> bool:
        """True when some way one rule fires can hold together with some way the other does."""
        return any(self._store_holds(a | b) for a in these for b in those)

    def _priority_loc(self, index: int) -> Loc:
        loc: Loc = ("rules", index, "priority")
        return loc if loc in self.located.values else ("rules", index, "id")

    # --- domains ------------------------------------------------------------------------------

    def _space(self, var: Var) -> Range:
        """What ``var`` can be before any condition, from the fact contract and the framework."""
        if isinstance(var, DiffVar):
            return self._space(var.left) - self._space(var.right)
        kind = FACT_TYPES[var.fact][var.field]
        if kind == "bool":
            return Range("bool", values=frozenset({True, False}))
        domain = DOMAINS.get(var.fact, {}).get(var.field, Domain())
        if domain.vocabulary is None:
            return Range(kind, domain.low, domain.high)
        values = vocabulary(self.framework, domain.vocabulary, self.concluded)
        return Range(kind, domain.low, domain.high, values)

    def _store_holds(self, store: Store) -> bool:
        if store not in self._holds:
            self._holds[store] = store_holds(store, self._space)
        return self._holds[store]

    def _noun(self, fact: str, field: str) -> str:
        domain = DOMAINS.get(fact, {}).get(field, Domain())
        return _NOUNS[domain.vocabulary] if domain.vocabulary else field

    def _outside(self, atom: Atom, space: Range) -> str:
        """Why ``atom`` alone never holds within ``space``."""
        if space.values is not None:
            unknown = [v for v in _values(atom) if v not in space.values]
            if atom.op in ("==", "in") and isinstance(atom.var, FieldVar) and unknown:
                return self._not_in_vocabulary(atom.var, unknown, space)
            shown = ", ".join(_show(v) for v in sorted(space.values, key=str))
            return f"it excludes every value {atom.var} takes ({shown})"
        whole = "a whole number " if space.kind == "int" else ""
        if space.low is not None and space.high is not None:
            return f"{atom.var} is {whole}between {_show(space.low)} and {_show(space.high)}"
        if space.low is not None:
            return f"{atom.var} is {whole}at least {_show(space.low)}"
        if space.high is not None:
            return f"{atom.var} is {whole}at most {_show(space.high)}"
        return f"{atom.var} is a whole number"

    def _not_in_vocabulary(self, var: FieldVar, unknown: list[object], space: Range) -> str:
        noun = self._noun(var.fact, var.field)
        names = " and ".join(_show(v) for v in unknown)
        verb = "is" if len(unknown) == 1 else "are"
        if var.fact == "conclusion":
            return f"no rule concludes {names}"
        known = [str(v) for v in space.values or () if v != ""]
        if not known:
            return f"{self.framework.id} has no {noun}s, so {var} is always ''"
        hint = did_you_mean(str(unknown[0]), known)
        return f"{names} {verb} not a {noun} of {self.framework.id}{hint}"


def _pinned_key(pattern: Pattern) -> str | None:
    """The one value a pattern's conditions give its fact's key field (``level == effective``),
    naming the one fact of a case it can match; ``None`` when they give none."""
    if pattern.fact not in KEYS:
        return None
    for text in pattern.where:
        condition = parse_condition(text)
        operand = condition.operand
        if (
            condition.field == KEYS[pattern.fact]
            and condition.op == "=="
            and operand.kind == "literal"
        ):
            return str(operand.value)
    return None


def _values(atom: Atom) -> tuple[object, ...]:
    return atom.value if isinstance(atom.value, tuple) else (atom.value,)


def _shared(store: Store) -> Store:
    """The atoms of ``store`` on facts a case has one of: what other rules' conditions meet."""
    return frozenset(a for a in store if _is_shared(a.var))


def _is_shared(var: Var) -> bool:
    if isinstance(var, DiffVar):
        return _is_shared(var.left) and _is_shared(var.right)
    return var.scope == ""


def _outcome(rule: Rule) -> str:
    return rule.then.propose or rule.then.status or ""


def _cycle(
    name: str, rules: list[_Analysed], by_name: dict[str, frozenset[Store]]
) -> list[str] | None:
    """A path from an undrawn conclusion back to itself through undrawn conclusions, if any."""
    needs = {
        n: {m for r in rules if r.rule.then.conclude == n for need in r.needs for m in need.names}
        for n in by_name
    }
    stack: list[tuple[str, list[str]]] = [(name, [name])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        for following in sorted(needs[current]):
            if by_name[following]:
                continue
            if following == name:
                return [*path, name]
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return None


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)
