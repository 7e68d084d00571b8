# troposphere-patterns developer tasks. Every target builds its own virtual
# environment (.venv) from setup.cfg on first use; install output goes to
# stderr so that `make template > out.json` captures the template alone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PKG    := troposphere_patterns
CLI    := $(BIN)/troposphere-patterns

.DEFAULT_GOAL := help
.PHONY: help venv template templates golden lint test pytest cfn-lint bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) >&2
	@$(BIN)/python -m pip install --quiet --upgrade pip >&2
	@$(BIN)/python -m pip install --quiet -e '.[dev]' >&2
	@touch $@

venv: $(STAMP) ## Create or refresh .venv from setup.cfg

template: $(STAMP) ## Print the default template (JSON) on stdout
	@$(CLI) lambda-sagemakerendpoint

templates: $(STAMP) ## Regenerate the committed renders in templates/ (review the diff)
	$(BIN)/pytest -q tests/test_templates.py --update-templates

golden: $(STAMP) ## Rewrite tests/golden/ from the scenarios (review the diff)
	$(BIN)/pytest -q tests/test_golden.py --update-golden

lint: $(STAMP) ## ruff check, ruff format --check, mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict $(PKG) handler_src

pytest: $(STAMP) ## Run the test suite
	$(BIN)/pytest -q

cfn-lint: $(STAMP) ## cfn-lint every committed template
	$(BIN)/cfn-lint templates/*.json

test: lint pytest cfn-lint ## lint + pytest + cfn-lint over templates/

bench: $(STAMP) ## Run the benchmarks; results in bench/results/
	@mkdir -p bench/results
	$(BIN)/python bench/run.py

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
