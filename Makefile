# pydotorg — python.org on Litestar. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint typecheck format lock clean bench soak ops-bench live-bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv/ with the project and its dev tools (locked versions)

run: install ## Migrate, seed and serve the site on http://127.0.0.1:8000 (embedded SQLite)
	$(BIN)/pydotorg database upgrade --no-prompt
	$(BIN)/pydotorg seed
	$(BIN)/pydotorg run --host $(HOST) --port $(PORT)

lint: install ## ruff, the import-layer contracts (pyproject.toml) and a vulnerability audit of requirements.lock
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/lint-imports
	$(BIN)/python scripts/audit_deps.py

typecheck: install ## mypy --strict on src/
	$(BIN)/mypy

test: install lint typecheck ## Lint, type-check and run the whole suite with coverage (>= 90% of src/)
	$(BIN)/pytest -n auto --dist loadfile --durations=25 --cov --cov-report=term --cov-report=xml:var/coverage.xml

test-fast: install ## The suite without lint, type-check or browser tests
	$(BIN)/pytest -n auto --dist loadfile -m "not e2e" -x -q

format: install ## Format and fix what ruff can
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

bench: install ## Load-test every public page, production-style, beside a plaintext ceiling (BENCH_ARGS=--quick)
	$(BIN)/python tests/bench/run.py $(BENCH_ARGS)

soak: install ## Ten minutes of mixed uncached load, production-style: errors, worker crashes, memory (SOAK_ARGS=)
	$(BIN)/python tests/bench/soak.py $(SOAK_ARGS)

ops-bench: install ## Rolling deploys, a rollback, Redis and PostgreSQL outages under load through HAProxy (OPS_ARGS=--keep)
	$(BIN)/python tests/bench/ops.py $(OPS_ARGS)

live-bench: install ## 2,000 staff WebSockets on one instance, 200 on a second, 100 events: latency, memory, exactly-once
	$(BIN)/python tests/bench/live.py $(LIVE_ARGS)

lock: ## Re-resolve requirements.lock (dev) and requirements-prod.lock (the container's, same versions) (needs uv)
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra sentry --generate-hashes --python-version 3.11 -c requirements.lock \
		-o requirements-prod.lock

clean: ## Remove the virtualenv and everything under var/
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
