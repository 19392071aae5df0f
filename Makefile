# Set-up is part of every target: a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input

.PHONY: setup compile demo test bench golden-update clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	$(BIN)/creative models pull
	touch $(STAMP)

# Byte-compile the package: start-up then reads cached bytecode even where
# PYTHONDONTWRITEBYTECODE is set (as on CI images), instead of compiling every module each run.
compile: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 creative

setup: $(STAMP)

demo: compile
	$(BIN)/creative demo --out out/demo

test: compile
	$(BIN)/python -m pytest -q

bench: compile
	$(BIN)/python benchmarks/run.py

golden-update: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_goldens.py --creative-update-goldens

clean:
	rm -rf out .pytest_cache .hypothesis
