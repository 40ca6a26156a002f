# One command to set up and run, one to set up and test; both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit check-frameworks check-rulesets clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/appraise frameworks
	$(BIN)/appraise framework show hampshire --stage mpr --standard 1
	$(BIN)/appraise recommend examples/hampshire-mpr-achieved.yaml

test: $(STAMP) lint typecheck unit check-frameworks check-rulesets

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

check-frameworks: $(STAMP)
	$(BIN)/appraise frameworks > /dev/null
	for f in examples/*.yaml; do $(BIN)/appraise recommend "$$f" > /dev/null || exit 1; done

# Every shipped rule set against its declared invariants (docs/testing-rulesets.md); the report
# is printed only when a check fails.
CHECK_EXAMPLES ?= 40
check-rulesets: $(STAMP)
	for f in rules/*/ruleset*.yaml; do \
		out=$$($(BIN)/appraise check "$$f" --max-examples $(CHECK_EXAMPLES)) || { echo "$$out"; exit 1; }; \
		echo "$$f: ok"; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
