# Two commands for newcomers: `make run` and `make test`. Both create .venv and install into it.
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: run lab test lint bench banks chromium clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("pillarkit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per install, so editing pyproject.toml reinstalls and nothing else does.
# An editable install skips pyproject's data-files, so the server extension's config is copied by hand.
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	mkdir -p $(SERVER_CONFIG) && cp jupyter-config/jupyter_server_config.d/pillarkit.json $(SERVER_CONFIG)/
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,lab]'
	mkdir -p $(SERVER_CONFIG) && cp jupyter-config/jupyter_server_config.d/pillarkit.json $(SERVER_CONFIG)/
	touch $@

# The browser tests, the PDF handout and `make bench` drive Debian's Chromium (Playwright's
# own browser download cannot work here).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium (for the browser tests and PDF export)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Serves notebooks/review.ipynb with Voila on http://127.0.0.1:8866; Ctrl-C stops it.
run: $(VENV)/.installed
	$(BIN)/pillarkit serve

# The kit's notebooks in JupyterLab (the same app, with the code visible).
lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/

# What ruff and mypy keep honest (pyproject.toml says how).
LINTED := kit tests benchmarks tools

lint: $(VENV)/.installed-test
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

# The shipped notebooks run under nbval too, autosaving into a throwaway folder.
test: $(VENV)/.installed-test chromium lint
	$(BIN)/python tools/build_banks.py --check
	$(BIN)/python tools/build_fieldstats.py --check
	$(BIN)/python -m pytest
	PILLARKIT_FOLDER="$$(mktemp -d)" $(BIN)/python -m pytest --nbval-lax notebooks/*.ipynb

bench: $(VENV)/.installed-test chromium
	$(BIN)/python -m benchmarks.bench_core
	$(BIN)/python -m benchmarks.bench_handout
	$(BIN)/python -m benchmarks.bench_portfolio
	$(BIN)/python -m benchmarks.bench_browser

# Rebuild the bundled lenses and field statistics after editing frameworks/source.
banks: $(BIN)/python
	$(BIN)/python tools/build_banks.py
	$(BIN)/python tools/build_fieldstats.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
