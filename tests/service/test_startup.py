"""What a server process does once, at start, so that requests need not."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings


def test_what_start_up_built_is_frozen_out_of_the_collectors_full_passes(tmp_path: Path) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}"))
    with TestClient(app) as client:
        # Modules and every compiled rule set: far more than a request makes.
        assert gc.get_freeze_count() > 50_000
        assert client.get("/health").status_code == 200
