"""Hypothesis settings profiles: ``dev`` (default, quick) and ``ci`` (more examples).

Pick one with ``HYPOTHESIS_PROFILE=ci``. Rule sets run a few milliseconds per review, so no
deadline; generated reviews for large frameworks are big, hence the suppressed size check.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
