# The README's two commands: `make run` (serve) and `make test` (what CI runs).
# Each sets up only what it uses: run needs the runtime packages, test adds the dev tools
# and the browser tier (Chromium with apt-get, which needs root, and axe-core from npm).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: setup setup-dev browser-deps run test test-fast lint bench-web clean editor

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

# torch is pinned and installed first: an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

# pytest, ruff, schemathesis, Playwright (driving Debian's Chromium, never its own download).
$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The browser test tier only: Debian's Chromium (apt-get: needs root) and axe-core (npm).
browser-deps:
	@command -v chromium >/dev/null || [ "$$(id -u)" = 0 ] || { \
		echo "browser-deps: Chromium saknas; apt-get kräver root: kör 'sudo make browser-deps'" >&2; \
		exit 1; }
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	command -v npm >/dev/null || (apt-get update && apt-get install -y npm)
	test -f $(AXE) || npm ci --prefix tests/browser --no-audit --no-fund

# Builds the data directory from corpus/ on first run, then serves http://127.0.0.1:5000/
run: setup
	$(BIN)/bokslut serve

# The whole suite: ruff, every test tier including the browser (CI: .ci/run).
test: setup-dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Unit and test-client tests on small fixtures with a fake embedder: no model, no server.
# On up to two cores (pytest-xdist), a test file per worker so module fixtures are built once;
# temporary stores on /dev/shm where there is one (each store build ends in fsync).
# pytest caches its assertion-rewritten modules only where bytecode may be written: with
# PYTHONDONTWRITEBYTECODE set, each worker rewrote ~350 modules on every run (9 s each).
FAST_TMP := $(if $(wildcard /dev/shm),/dev/shm,$(or $(TMPDIR),/tmp))
FAST_FLAGS := -n auto --maxprocesses=2 --dist loadfile -o tmp_path_retention_policy=failed
test-fast: setup-dev
	env -u PYTHONDONTWRITEBYTECODE TMPDIR=$(FAST_TMP) $(BIN)/python -m pytest -q -m "not slow" $(FAST_FLAGS)

lint: setup-dev
	$(BIN)/ruff check .

bench-web: setup
	$(BIN)/python benchmarks/load_web.py

# The SPARQL editor's bundle (CodeMirror 6 + our SPARQL tokenizer), rebuilt from
# web/editor-src/ with npm and esbuild. The built file and its licence notices are
# committed, so `make run` never needs npm.
editor:
	npm ci --prefix web/editor-src --no-audit --no-fund
	cd web/editor-src && npm run build && node licenses.mjs

clean:
	rm -rf $(VENV) data
