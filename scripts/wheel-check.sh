#!/usr/bin/env bash
# The wheel as a school would install it: built from this checkout's files, installed (not
# editable) into a throwaway venv, and run outside the source tree. A package missing from the
# wheel fails here; the editable install of `make` hides it. The throwaway venv borrows the
# project venv's dependencies through a .pth line (whose own .pth files, among them the editable
# install's hook, are not processed), so nothing is downloaded or compiled again.
#   usage: scripts/wheel-check.sh [VENV]     (VENV: the project venv, default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=$root/${1:-.venv}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$work/src"
"$venv/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation -w "$work/dist" "$work/src"

base=$("$venv/bin/python" -c 'import sys; print(sys._base_executable)')
"$base" -m venv --without-pip "$work/venv"
purelib() { "$1" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }
purelib "$venv/bin/python" > "$(purelib "$work/venv/bin/python")/project-deps.pth"
"$venv/bin/python" -m pip --python "$work/venv/bin/python" install --quiet --no-deps "$work"/dist/*.whl

cd "$work"
export APPRAISE_RULES_DIR=$root/rules
# The pages' npm packages are not in the wheel: an installed app is told where they are.
export APPRAISE_ASSETS_DIR=$root/node_modules APPRAISE_DATABASE_URL=sqlite:///$work/wheel.db
"$work/venv/bin/python" - "$work/venv" <<'PY'
import sys
import engine, engine.audit, engine.testing, service.app, service.cli.main
from fastapi.testclient import TestClient

for module in (engine, engine.audit, engine.testing, service.app, service.cli.main):
    assert module.__file__.startswith(sys.argv[1]), f"{module.__name__} from {module.__file__}"
# The templates and the app's own static files travel in the wheel (package data).
with TestClient(service.app.create_app()) as client:
    page = client.get("/sign-in")
    assert page.status_code == 200 and "Your key" in page.text, page.text[:500]
    assert client.get("/assets/app/app.css").status_code == 200
PY
"$work/venv/bin/appraise" demo-cohort --size 300 --seed 7 --out cohort.jsonl
"$work/venv/bin/appraise" audit cohort.jsonl --workers 1 --json audit.json --html audit.html > audit.txt
test -s audit.json && test -s audit.html
echo "wheel-check: $(basename "$work"/dist/*.whl) installed and ran outside the checkout: ok"
