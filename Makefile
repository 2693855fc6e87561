# The README's two commands: `make run` and `make test`. Both set up everything first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup browser-deps run test lint bench bench-web clean

setup: $(STAMP) browser-deps

# torch is pinned and installed first: an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The browser test tier: Debian's Chromium (driven by Playwright; Playwright's own browser
# download is never used) and axe-core from npm for the accessibility checks.
browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	test -f tests/browser/node_modules/axe-core/axe.min.js || \
		npm ci --prefix tests/browser --no-audit --no-fund

# Builds the data directory from corpus/ on first run, then serves http://127.0.0.1:5000/
run: setup
	$(BIN)/bokslut serve

bench-web: setup
	$(BIN)/python benchmarks/load_web.py

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data
