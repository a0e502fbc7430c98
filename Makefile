# skewcheck: `make demo` and `make test` do all set-up on a machine with Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SKEWCHECK := $(BIN)/skewcheck
DEMO_REPORTS := demo-report

.DEFAULT_GOAL := help
.PHONY: help demo test lint typecheck unit fixtures bench bench-scaling bench-spark bench-peers fuzz clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed ## Install skewcheck and audit the shipped fixtures; every report goes to demo-report/
	@mkdir -p $(DEMO_REPORTS)
	@$(SKEWCHECK) check fixtures/train.parquet fixtures/serving.jsonl.gz --schema fixtures/schema.yaml --key request_id \
	  --mismatches $(DEMO_REPORTS)/mismatches.parquet --json $(DEMO_REPORTS)/report.json --markdown $(DEMO_REPORTS)/report.md --junit $(DEMO_REPORTS)/report.xml \
	  --html $(DEMO_REPORTS)/report.html --no-step-summary; code=$$?; \
	case $$code in \
	  0) meaning="pass";; 1) meaning="drift failed (schema fine)";; 3) meaning="schema validation failed";; \
	  *) echo "skewcheck could not run (exit $$code)"; exit $$code;; \
	esac; \
	echo; echo "demo: skewcheck exited $$code: $$meaning."; \
	echo "Reports in $(DEMO_REPORTS)/: report.html (open it in a browser), report.json, report.md, report.xml (JUnit),"; \
	echo "mismatches.parquet (every row whose values differ). Run skewcheck yourself: .venv/bin/skewcheck --help"

test: $(VENV)/.installed-test lint unit ## Lint, type-check and run the whole test suite

lint: $(VENV)/.installed-test ## ruff (lint and format check), the package layers (lint-imports) and mypy
	$(BIN)/ruff check skewcheck tests fixtures bench fuzz
	$(BIN)/ruff format --check skewcheck tests fixtures bench fuzz
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

unit: $(VENV)/.installed-test ## The test suite alone
	$(BIN)/pytest -q

bench: $(VENV)/.installed ## Time skewcheck against a bare polars read; writes bench/RESULTS.md
	$(BIN)/python bench/run.py

bench-scaling: $(VENV)/.installed ## Time and memory against categories, features and rows; writes bench/SCALING.md
	nice -n 15 $(BIN)/python bench/scaling.py

FUZZ_MINUTES ?= 30
fuzz: $(VENV)/.installed-test ## Hostile generated and damaged inputs against the CLI for FUZZ_MINUTES (not in make test)
	$(BIN)/mypy --strict fuzz
	nice -n 15 $(BIN)/python -m fuzz.run --minutes $(FUZZ_MINUTES) --findings fuzz/findings

bench-spark: $(VENV)/.installed-test ## profile --spark against Spark's own pass and one machine (needs Java 17); writes bench/SPARK.md
	$(BIN)/python bench/spark.py

bench-peers: ## Install Evidently (bench/.venv-peers) and TFDV (bench/.venv-tfdv) for make bench to compare with
	$(PYTHON) -m venv bench/.venv-peers
	bench/.venv-peers/bin/python -m pip install --quiet --upgrade pip
	bench/.venv-peers/bin/python -m pip install --quiet -r bench/peers/requirements.txt
	$(PYTHON) -m venv bench/.venv-tfdv
	bench/.venv-tfdv/bin/python -m pip install --quiet --upgrade pip
	bench/.venv-tfdv/bin/python -m pip install --quiet -r bench/peers/requirements-tfdv.txt

fixtures: $(VENV)/.installed ## Regenerate the demo fixtures (deterministic)
	$(BIN)/python fixtures/generate.py

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
