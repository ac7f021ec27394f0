# Two commands for newcomers: `make run` and `make test`. Both create .venv and install into it.
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
CHROMIUM := /usr/bin/chromium

.PHONY: run test bench banks chromium clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("pillarkit needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per install, so editing pyproject.toml reinstalls and nothing else does.
# An editable install skips pyproject's data-files, so the server extension's config is copied by hand.
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	mkdir -p $(SERVER_CONFIG) && cp jupyter-config/jupyter_server_config.d/pillarkit.json $(SERVER_CONFIG)/
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	mkdir -p $(SERVER_CONFIG) && cp jupyter-config/jupyter_server_config.d/pillarkit.json $(SERVER_CONFIG)/
	touch $@

# The browser tests, the PDF handout and `make bench` drive Debian's Chromium (Playwright's
# own browser download cannot work here).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium (for the browser tests and PDF export)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Serves notebooks/review.ipynb with Voila on http://localhost:8866; Ctrl-C stops it.
run: $(VENV)/.installed
	$(BIN)/pillarkit serve

test: $(VENV)/.installed-test chromium
	$(BIN)/python frameworks/build.py --check
	$(BIN)/python frameworks/fieldstats_build.py --check
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test chromium
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_handout.py
	$(BIN)/python benchmarks/bench_browser.py

# Rebuild the bundled lenses and field statistics after editing frameworks/source.
banks: $(BIN)/python
	$(BIN)/python frameworks/build.py
	$(BIN)/python frameworks/fieldstats_build.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
