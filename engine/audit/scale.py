"""Where ratings sit on their scale, for up/down and favourable outcomes.

A case is on its framework's scale, or on the rule set's own scale for its stage (an ECT's
induction scale): its draft and final compare on that scale only, and the rates of pay ratings
never count a case on another scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from schemas.audit import AuditCase
from schemas.framework import Framework

__all__ = ["Scales", "scale_key"]


def scale_key(case: AuditCase) -> str:
    """The scale a case is on: its framework's id, or 'framework:scale' for a rule set's own."""
    return case.framework if case.scale is None else f"{case.framework}:{case.scale}"


@dataclass(frozen=True)
class Scales:
    """Each scale cases are on (by ``scale_key``), lowest first; the lowest level is the
    unfavourable outcome."""

    levels: dict[str, tuple[str, ...]]
    ranks: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # rank() runs several times per case per check: a lookup, not a search of the scale
        # (reversed, so a repeated level keeps its first place, as tuple.index would give).
        ranks = {
            i: {level: n for n, level in reversed(list(enumerate(levels)))}
            for i, levels in self.levels.items()
        }
        object.__setattr__(self, "ranks", ranks)

    @classmethod
    def of(cls, frameworks: Mapping[str, Framework], cases: Iterable[AuditCase]) -> Scales:
        """The scales of ``cases``: their frameworks', and any rule-set scale a case is on."""
        levels: dict[str, tuple[str, ...]] = {}
        for case in cases:
            key = scale_key(case)
            if key not in levels:
                levels[key] = case.scale_levels or tuple(
                    level.id for level in frameworks[case.framework].scale.levels
                )
        # The frameworks' own scales first, so pay ratings lead every list of ratings.
        return cls(dict(sorted(levels.items(), key=lambda item: (":" in item[0], item[0]))))

    def rank(self, case: AuditCase, rating: str | None) -> int | None:
        return None if rating is None else self.ranks[scale_key(case)].get(rating)

    def shift(self, case: AuditCase) -> int:
        """+1 when the final is above a rated draft, -1 below, 0 same or no rated draft."""
        draft, final = self.rank(case, case.draft_rating), self.rank(case, case.final_rating)
        if draft is None or final is None or draft == final:
            return 0
        return 1 if final > draft else -1

    def favourable(self, case: AuditCase, rating: str | None) -> bool:
        """Any rating above the lowest level of the case's scale."""
        rank = self.rank(case, rating)
        return rank is not None and rank > 0

    def lowest(self, case: AuditCase) -> str:
        return self.levels[scale_key(case)][0]

    def union(self, keys: Iterable[str] | None = None) -> tuple[str, ...]:
        """Every level of every scale (or of the scales ``keys``), each once, in scale order."""
        chosen = self.levels if keys is None else keys
        return tuple(dict.fromkeys(level for key in chosen for level in self.levels[key]))
