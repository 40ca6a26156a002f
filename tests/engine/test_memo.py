"""PerObject: built once per object, by identity, and never more than its size."""

from __future__ import annotations

from engine._memo import PerObject


class Thing:
    """Equal to every other Thing, so only identity tells two apart."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Thing)

    __hash__ = None  # type: ignore[assignment]  # unhashable: identity is all the memo needs


def test_builds_once_per_object_and_tells_equal_objects_apart() -> None:
    built: list[Thing] = []
    memo = PerObject(lambda thing: built.append(thing) or len(built))
    a, b = Thing(), Thing()
    assert [memo(a), memo(a), memo(b), memo(a)] == [1, 1, 2, 1]
    assert built == [a, b] and built[0] is a and built[1] is b


def test_starts_afresh_when_full_instead_of_growing() -> None:
    memo = PerObject(id, size=3)
    kept = [Thing() for _ in range(10)]
    for thing in kept:
        assert memo(thing) == id(thing)
        assert len(memo) <= 3
    assert len(memo) == 1  # the tenth, after clearing at the ninth
