"""The service's settings: one model, read from ``APPRAISE_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///var/appraise.db"
"""An embedded SQLite file under ``./var/``, created on first run."""


class Settings(BaseSettings):
    """Where the data lives, how large a request may be, and what never reaches a log."""

    model_config = SettingsConfigDict(env_prefix="APPRAISE_", frozen=True, extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.",
    )
    rules_dir: Path | None = Field(default=None, description="Default: ./rules of the checkout.")
    max_body_bytes: int = Field(default=1_000_000, gt=0, description="Larger bodies get 413.")
    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        gt=0,
        description="Server processes of `appraise serve` (default: one per core).",
    )
    assets_dir: Path | None = Field(
        default=None,
        description="The npm packages the web pages serve (`npm ci` installs them); default: "
        "node_modules of the checkout.",
    )
    session_minutes: int = Field(
        default=480, gt=0, description="How long a web sign-in lasts before signing in again."
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark the web session cookie Secure even when the request came over plain "
        "HTTP (behind a proxy that ends HTTPS); HTTPS requests always get it.",
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs the web forms' CSRF tokens; `appraise serve` makes one its workers "
        "share when unset.",
    )
