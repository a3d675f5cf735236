# formkit — the README's two commands are `make demo` and `make test`; both set up what is missing.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= demo-out
export OMP_THREAD_LIMIT := 1

.PHONY: setup system venv demo test test-fast lint bench clean

setup: system venv

system:
	@bash scripts/setup-system.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade pip >/dev/null
	@$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: setup
	@bash scripts/demo.sh $(OUT)

test: setup
	@$(BIN)/python -m pytest -q

test-fast: setup  # the inner loop: everything but the long round trips (tests/conftest.py marks them)
	@$(BIN)/python -m pytest -q -m "not slow"

lint: setup
	@$(BIN)/ruff check formkit tests bench
	@$(BIN)/mypy formkit

bench: setup
	@$(BIN)/python -m bench

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
