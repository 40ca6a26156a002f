"""The base model every schema shares: immutable, unknown fields rejected."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

__all__ = ["DottedId", "Frozen", "Slug"]


class Frozen(BaseModel):
    """Immutable model that rejects unknown fields, so a typo in a file fails loudly."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
"""A lowercase id such as ``with-support`` or ``upr2-3``."""

DottedId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")]
"""A stable dotted lowercase id such as ``ts.1.1.mpr.2``."""
