# Two commands for newcomers: `make run` and `make test`. Both create .venv and install into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench banks clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("pillarkit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra, so editing pyproject.toml reinstalls and nothing else does.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[$*]'
	touch $@

# Until the review app lands, a short tour of the command on a fresh review in reviews/.
run: $(VENV)/.installed-test
	@$(BIN)/pillarkit lens list
	@echo
	@$(BIN)/pillarkit new --lens wellarchitected --workload "Demo workload" -o reviews/demo.json --force
	@$(BIN)/pillarkit score reviews/demo.json

test: $(VENV)/.installed-test
	$(BIN)/python frameworks/build.py --check
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_core.py

# Rebuild the bundled lenses after editing frameworks/source.
banks: $(BIN)/python
	$(BIN)/python frameworks/build.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
