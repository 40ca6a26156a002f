"""Where ratings sit on their framework's scale, for up/down and favourable outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from schemas.audit import AuditCase
from schemas.framework import Framework

__all__ = ["Scales"]


@dataclass(frozen=True)
class Scales:
    """Each framework's scale, lowest first; the lowest level is the unfavourable outcome."""

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
    def of(cls, frameworks: Mapping[str, Framework], ids: set[str]) -> Scales:
        return cls({i: tuple(level.id for level in frameworks[i].scale.levels) for i in ids})

    def rank(self, case: AuditCase, rating: str | None) -> int | None:
        return None if rating is None else self.ranks[case.framework].get(rating)

    def shift(self, case: AuditCase) -> int:
        """+1 when the final is above a rated draft, -1 below, 0 same or no rated draft."""
        draft, final = self.rank(case, case.draft_rating), self.rank(case, case.final_rating)
        if draft is None or final is None or draft == final:
            return 0
        return 1 if final > draft else -1

    def favourable(self, case: AuditCase, rating: str | None) -> bool:
        """Any rating above the scale's lowest level."""
        rank = self.rank(case, rating)
        return rank is not None and rank > 0

    def lowest(self, case: AuditCase) -> str:
        return self.levels[case.framework][0]

    def union(self) -> tuple[str, ...]:
        """Every level of every scale, each once, in scale order."""
        return tuple(dict.fromkeys(level for levels in self.levels.values() for level in levels))
