"""A character YAML refuses is a located syntax problem, not a crash."""

from __future__ import annotations

from engine._yaml import load_yaml_text


def test_a_character_yaml_refuses_is_reported_where_it_is() -> None:
    located = load_yaml_text('framework: isp\nsubject: "t-\ufffe"\n', "r.yaml")
    (problem,) = located.diagnostics
    assert (problem.line, problem.column, problem.code) == (2, 13, "yaml-syntax")
    assert "U+FFFE" in problem.message
    assert located.data is None


def test_a_scalar_yaml_cannot_build_is_reported_where_it_is() -> None:
    """A bare '=' resolves to YAML's 'value' type, which the safe loader cannot build."""
    located = load_yaml_text("framework: isp\nsubject: =\n=: 1\n", "r.yaml")
    assert [(d.line, d.column, d.code) for d in located.diagnostics] == [
        (2, 10, "yaml-syntax"),
        (3, 1, "yaml-syntax"),
    ]
    assert "quote it" in located.diagnostics[0].message
    assert located.data == {"framework": "isp", "subject": None}
