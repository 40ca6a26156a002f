"""A character YAML refuses is a located syntax problem, not a crash."""

from __future__ import annotations

from engine._yaml import load_yaml_text


def test_a_character_yaml_refuses_is_reported_where_it_is() -> None:
    located = load_yaml_text('framework: isp\nsubject: "t-\ufffe"\n', "r.yaml")
    (problem,) = located.diagnostics
    assert (problem.line, problem.column, problem.code) == (2, 13, "yaml-syntax")
    assert "U+FFFE" in problem.message
    assert located.data is None
