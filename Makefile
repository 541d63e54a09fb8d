# `make demo` and `make test` set everything up on a fresh machine, then run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test contracts artifacts gas bench lint clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(BIN)/dal demo

test: setup
	$(BIN)/pytest

contracts: setup
	npx hardhat compile

artifacts: setup
	$(BIN)/python -m ledger.chain.compiler --write

gas: setup
	$(BIN)/python bench/gas_report.py

bench: setup
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/registrations.py
	$(BIN)/python bench/indexing.py
	$(BIN)/python bench/merkle.py
	$(BIN)/python bench/books.py
	$(BIN)/python bench/evidence.py
	$(BIN)/python bench/compliance_gas.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/latency_http.py

lint: setup
	$(BIN)/ruff check ledger oracle cli tests bench
	$(BIN)/mypy ledger oracle cli
	$(BIN)/lint-imports
	npx hardhat clean && npx hardhat compile --quiet
	node ledger/chain/upgrade-safety.js build/hardhat/artifacts/build-info --exclude 'contracts/testing/LayoutProbe.sol'

clean:
	rm -rf build .pytest_cache .hypothesis
