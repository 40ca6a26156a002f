"""The engine's version, stamped on every trace and decision record: this package's and
durable-rules', both read once from the installed package metadata."""

from __future__ import annotations

from importlib.metadata import version

__all__ = ["ENGINE_VERSION"]

ENGINE_VERSION = f"appraise-engine/{version('appraise')} durable-rules/{version('durable-rules')}"
