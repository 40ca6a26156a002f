"""Comparing a replayed result with the sealed one: every differing leaf, by path."""

from __future__ import annotations

from service.drafting import differences


def test_differences_name_each_changed_leaf_and_skip_what_is_asked() -> None:
    sealed = {"rating": "meeting", "ledger": [{"met": 3}, {"met": 4}], "record": {"at": 1}}
    replayed = {"rating": "exceeding", "ledger": [{"met": 3}, {"met": 5}], "record": {"at": 2}}
    found = differences(sealed, replayed, skip=frozenset({"record"}))
    assert [(d.path, d.sealed, d.replayed) for d in found] == [
        ("ledger[1].met", 4, 5),
        ("rating", "meeting", "exceeding"),
    ]


def test_lists_of_different_length_and_missing_keys_differ_as_a_whole() -> None:
    found = differences({"a": [1, 2], "b": 1}, {"a": [1], "c": 2})
    assert [(d.path, d.sealed, d.replayed) for d in found] == [
        ("a", [1, 2], [1]),
        ("b", 1, None),
        ("c", None, 2),
    ]


def test_equal_results_have_no_differences() -> None:
    value = {"x": [{"y": 1}], "z": None}
    assert differences(value, value) == []
