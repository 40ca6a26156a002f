# One command to set up and run, one to set up and test; both create .venv when it is missing.
# `make run` ends by serving the API on http://127.0.0.1:8000 (README, "Service").
# The venv's interpreter: Debian's optimised CPython 3.11 when it can be had (scripts/python.sh).
PYTHON ?= $$(bash scripts/python.sh)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The web pages' front-end packages (package.json), from the npm registry: never a CDN.
NPM_STAMP := node_modules/.installed

.PHONY: run test fast assets lint typecheck unit wheel-check check-frameworks test-rulesets check-rulesets mutants bench hostile ab-draft cache-draft clean chromium audit-demo

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

assets: $(NPM_STAMP)

run: $(STAMP) $(NPM_STAMP)
	$(BIN)/appraise frameworks
	$(BIN)/appraise framework show hampshire --stage mpr --standard 1
	$(BIN)/appraise recommend examples/hampshire-mpr-achieved.yaml
	$(BIN)/appraise keys first-admin
	$(BIN)/appraise serve

test: $(STAMP) $(NPM_STAMP) chromium lint typecheck unit wheel-check check-frameworks test-rulesets check-rulesets

# The edit loop: lint, types and every test not marked slow (no PostgreSQL, no wheel): see
# pyproject.toml's markers. `make test` runs everything.
fast: $(STAMP) $(NPM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not slow" -q

# The wheel built from this checkout, installed non-editable and run outside it (a package
# missing from the wheel fails here; the editable install hides it).
wheel-check: $(STAMP) $(NPM_STAMP)
	bash scripts/wheel-check.sh $(VENV)

# Headless Chromium for the HTML report test and the pages' browser tests (tests/web).
chromium:
	bash scripts/chromium.sh

# The README's audit demonstration: a 20,000-teacher synthetic cohort on every core.
audit-demo: $(STAMP)
	mkdir -p var
	$(BIN)/appraise demo-cohort --size 20000 --seed 7 --out var/cohort.jsonl
	$(BIN)/appraise audit var/cohort.jsonl --html var/audit.html --json var/audit.json --csv var/flags.csv

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# scripts/postgres.sh installs (as root) and starts a throwaway PostgreSQL for the service tests.
unit: $(STAMP) $(NPM_STAMP)
	APPRAISE_TEST_POSTGRES_URL="$$(bash scripts/postgres.sh)" $(BIN)/python -m pytest

check-frameworks: $(STAMP)
	$(BIN)/appraise frameworks > /dev/null
	for f in examples/*.yaml; do $(BIN)/appraise recommend "$$f" > /dev/null || exit 1; done

# Every shipped rule set against its golden cases (rules/*/cases/*.yaml): one line per case.
test-rulesets: $(STAMP)
	$(BIN)/appraise test

# Every shipped rule set against its declared invariants and its golden cases (docs/testing-rulesets.md); the report
# is printed only when a check fails.
CHECK_EXAMPLES ?= 40
check-rulesets: $(STAMP)
	for f in rules/*/ruleset*.yaml; do \
		out=$$($(BIN)/appraise check "$$f" --max-examples $(CHECK_EXAMPLES)) || { echo "$$out"; exit 1; }; \
		echo "$$f: ok"; \
	done

# Mutation testing of every shipped rule set (docs/testing-rulesets.md, "Mutation testing"): on
# demand, never part of make test (several minutes a rule set). Fails when a score is below 90%.
MUTANT_ARGS ?= --jobs 2 --min-score 90
mutants: $(STAMP)
	for f in rules/*/ruleset*.yaml; do \
		out=$$($(BIN)/appraise check "$$f" --mutants $(MUTANT_ARGS)) || { echo "$$out"; exit 1; }; \
		echo "$$f: $$(echo "$$out" | tail -1)"; \
	done

# On demand, never part of make test: prints a table and writes var/bench.json (~30 min; a short
# run: make bench BENCH_ARGS="--runs 200 --evaluations 2000 --audit-sizes 300 --service-seconds 2").
BENCH_ARGS ?=
bench: $(STAMP) $(NPM_STAMP) chromium
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/browser_draft.py

# On demand: each hostile body (at most APPRAISE_MAX_BODY_BYTES) posted to a real appraise serve
# beside a valid review of the same size while another client drafts; fails when one takes > 1 s.
HOSTILE_ARGS ?=
hostile: $(STAMP)
	cd benchmarks && PYTHONPATH=$(CURDIR) ../$(BIN)/python hostile.py $(HOSTILE_ARGS)

# On demand: the draft (make bench's, no next steps) A/B against commit AB_BASE, paired in one run
# (benchmarks/ab_draft.py; checks the baseline out at /tmp/ab-base when missing). Prints the ratio.
AB_BASE ?= e71771e
AB_ARGS ?=
ab-draft: $(STAMP)
	$(BIN)/python benchmarks/ab_draft.py --base $(AB_BASE) $(AB_ARGS)

cache-draft: $(STAMP)
	$(BIN)/python benchmarks/cache_draft.py --base $(AB_BASE)

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache .hypothesis
