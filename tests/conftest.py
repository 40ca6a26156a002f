"""Hypothesis settings profiles: ``dev`` (default, quick) and ``ci`` (more examples); one shared
fixture that breaks the engine for the totality tests.

Pick one with ``HYPOTHESIS_PROFILE=ci``. Rule sets run a few milliseconds per review, so no
deadline; generated reviews for large frameworks are big, hence the suppressed size check.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import engine.decide.evaluate

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


ACHIEVED_REASON = (
    "The cumulative requirement of the stage is met and the objectives are acceptable."
)


@pytest.fixture
def unrenderable_achieved_reason(monkeypatch: pytest.MonkeyPatch) -> str:
    """The engine fails to render Hampshire's achieved reason, on every case that reaches it.

    A rule set cannot cause that any more (the compiler rejects every template it knows cannot
    render), so totality is shown catching a crash of the engine itself. Returns the reason."""
    render = engine.decide.evaluate.render_reason

    def failing(template: str, matched: Any, parameters: Any) -> str:
        if template == ACHIEVED_REASON:
            raise ValueError(f"cannot render {template!r}")
        return render(template, matched, parameters)

    monkeypatch.setattr(engine.decide.evaluate, "render_reason", failing)
    return ACHIEVED_REASON
