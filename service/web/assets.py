"""Files the pages load, all served by the app under ``/assets`` (never a CDN):

/assets/app/…             service/web/static: the app's own style sheet and script
/assets/govuk-frontend/…  node_modules/govuk-frontend/dist/govuk (CSS, JS, images)
/assets/htmx/…            node_modules/htmx.org/dist
/assets/api-docs/…        fastapi-offline's Swagger UI and ReDoc files (a PyPI package)

The npm packages are installed by ``npm ci`` from the checkout's package-lock.json (``make``
does it); ``APPRAISE_ASSETS_DIR`` points elsewhere, e.g. for an installed wheel.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

__all__ = ["NPM_PACKAGES", "AssetsMissing", "default_assets_dir", "mount_assets"]

STATIC = Path(__file__).resolve().parent / "static"
API_DOCS = Path(fastapi_offline.__file__).resolve().parent / "static"

NPM_PACKAGES = {"govuk-frontend": "govuk-frontend/dist/govuk", "htmx": "htmx.org/dist"}
"""URL name under /assets → folder under node_modules."""


class AssetsMissing(RuntimeError):
    """Raised at start-up when the npm packages the pages need are not installed."""


def default_assets_dir() -> Path:
    """node_modules beside pyproject.toml, where ``npm ci`` puts it."""
    return Path(__file__).resolve().parents[2] / "node_modules"


def mount_assets(app: FastAPI, assets_dir: Path | None) -> None:
    """Serve every asset; ``AssetsMissing`` says what to run when an npm package is absent."""
    root = assets_dir or default_assets_dir()
    folders = {name: root / sub for name, sub in NPM_PACKAGES.items()}
    missing = [str(path) for path in folders.values() if not path.is_dir()]
    if missing:
        raise AssetsMissing(
            f"the web pages' npm packages are not installed (no {', '.join(missing)}): run "
            "`npm ci` (or `make`) in the checkout, or set APPRAISE_ASSETS_DIR to a node_modules "
            "folder that has them"
        )
    app.mount("/assets/app", StaticFiles(directory=STATIC), name="assets-app")
    app.mount("/assets/api-docs", StaticFiles(directory=API_DOCS), name="assets-api-docs")
    for name, folder in folders.items():
        app.mount(f"/assets/{name}", StaticFiles(directory=folder), name=f"assets-{name}")
