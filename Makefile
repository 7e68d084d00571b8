# troposphere-patterns developer tasks. Every target builds the virtual
# environment it needs from setup.cfg on first use: `make template` a small one
# with only what rendering needs (.venv-render), the rest the full toolchain
# (.venv). Install output goes to stderr so that `make template > out.json`
# captures the template alone.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PKG    := troposphere_patterns
CLI    := $(BIN)/troposphere-patterns
RENDER_VENV  := .venv-render
RENDER_STAMP := $(RENDER_VENV)/.installed
SCAN_VENV  := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed
# Every test scenario rendered whole, for the scanners (tests/golden/ holds differences).
SCENARIOS_DIR := build/scenarios
# cfn-guard and the Control Tower rules ship inside this PyPI wheel's jsii bundle.
GUARD_BUNDLE = $(SCAN_VENV)/lib/python*/site-packages/cdklabs/cdk_validator_cfnguard/_jsii/*.jsii.tgz

.DEFAULT_GOAL := help
.PHONY: help venv template templates diagrams golden scenarios instance-types handlers lint test pytest \
	e2e fuzz cfn-lint scan bench cdk-app clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(RENDER_STAMP): setup.cfg pyproject.toml
	@echo "make: installing what rendering needs (troposphere, awacs, PyYAML) into $(RENDER_VENV)..." >&2
	@test -x $(RENDER_VENV)/bin/python || $(PYTHON) -m venv $(RENDER_VENV) >&2
	@$(RENDER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[render]' >&2
	@touch $@
	@echo "make: $(RENDER_VENV) ready" >&2

$(STAMP): setup.cfg pyproject.toml
	@echo "make: installing the development and test tools into $(VENV) (a few minutes the first time)..." >&2
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) >&2
	@$(BIN)/python -m pip install --quiet --upgrade pip >&2
	@$(BIN)/python -m pip install --quiet -e '.[dev,diagram]' >&2
	@touch $@

venv: $(STAMP) ## Create or refresh .venv from setup.cfg

$(SCAN_STAMP): setup.cfg pyproject.toml
	@echo "make: installing the security scanners into $(SCAN_VENV)..." >&2
	@test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV) >&2
	@$(SCAN_VENV)/bin/python -m pip install --quiet --upgrade pip >&2
	@$(SCAN_VENV)/bin/python -m pip install --quiet '.[scan]' >&2
	@rm -rf $(SCAN_VENV)/guard && mkdir -p $(SCAN_VENV)/guard
	@tar -xzf $(GUARD_BUNDLE) -C $(SCAN_VENV)/guard package/bin package/rules
	@touch $@

template: $(RENDER_STAMP) ## Print the default template (JSON) on stdout
	@$(RENDER_VENV)/bin/troposphere-patterns lambda-sagemakerendpoint

templates: $(STAMP) ## Rewrite templates/ from the CLI, list what changed, fail (review, rerun)
	$(BIN)/pytest -q tests/test_templates.py --update-templates

diagrams: $(STAMP) ## Redraw docs/diagrams/ (SVG + Mermaid) from templates/ (review the diff)
	@mkdir -p docs/diagrams
	@rm -f docs/diagrams/*.svg docs/diagrams/*.md
	@for template in templates/*.json; do \
	  name=$$(basename $$template .json); \
	  $(CLI) diagram $$template -o docs/diagrams/$$name.svg || exit 1; \
	  $(CLI) diagram $$template -o docs/diagrams/$$name.md || exit 1; \
	  echo "docs/diagrams/$$name.svg docs/diagrams/$$name.md"; \
	done

golden: $(STAMP) ## Rewrite tests/golden/, list changed IDs and scenarios, fail (review, rerun)
	$(BIN)/pytest -q tests/test_golden.py --update-golden

instance-types: $(STAMP) ## Regenerate core/hosting/instance_type_table.py from the pinned botocore
	$(BIN)/python scripts/instance_types.py

handlers: $(STAMP) ## Rewrite handler_src/inline/ (the derived handler texts the CLI serves)
	$(BIN)/python scripts/keep_handlers.py

lint: $(STAMP) ## ruff check, ruff format --check, mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict $(PKG) handler_src

pytest: $(STAMP) ## The test suite without the e2e deploys (fuzz at its small, fixed count)
	$(BIN)/pytest -q -m "not e2e"

e2e: $(STAMP) ## Deploy every template with the AWS CLI into a local moto server
	$(BIN)/pytest -q -m e2e

fuzz: $(STAMP) ## Property-based tests at the full example count, freshly random
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_fuzz.py tests/test_fuzz_cli.py

cfn-lint: $(STAMP) ## cfn-lint every committed template
	$(BIN)/cfn-lint templates/*.json

scenarios: $(STAMP) ## Render every test scenario whole into build/scenarios/
	$(BIN)/python -m tests.render_scenarios $(SCENARIOS_DIR)

scan: $(SCAN_STAMP) scenarios ## Security scanners over every scenario and templates/ (zero findings)
	$(SCAN_VENV)/bin/python security/scan.py $(SCENARIOS_DIR)/*.json templates/*.json

test: lint pytest e2e cfn-lint scan ## The CI run, stage by stage: lint, pytest, e2e, cfn-lint, scan

bench: $(STAMP) ## Run the benchmarks; results in bench/results/ (BENCH_ARGS=--instructions)
	@mkdir -p bench/results
	$(BIN)/python bench/run.py $(BENCH_ARGS)

cdk-app: $(STAMP) ## Install bench/cdk/, the CDK app `make bench` times (optional; npm)
	$(BIN)/python bench/cdk/fetch_construct.py
	npm ci --prefix bench/cdk --no-audit --no-fund

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) $(RENDER_VENV) $(SCAN_VENV) $(SCENARIOS_DIR) .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info
