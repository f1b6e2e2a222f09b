# beleidsgraaf — `make run` (install, ingest corpus/, serve) and `make test` (install, all tests).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install vendor run test test-deps ingest serve lint bench clean

install: $(VENV)/.installed vendor

# Browser assets from npm (YASGUI for /sparql-editor, Swagger UI for /docs), copied into api/static/vendor (gitignored).
VENDOR := api/static/vendor
vendor: $(VENDOR)/.vendored

$(VENDOR)/.vendored: package.json package-lock.json
	@command -v npm >/dev/null || { echo "need npm (Debian: apt-get install npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)/yasgui
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css \
	   $(VENDOR)/yasgui/
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	   node_modules/swagger-ui-dist/favicon-32x32.png $(VENDOR)/swagger-ui/
	touch $@

$(VENV)/.installed: pyproject.toml constraints.txt Makefile
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first: the CPU build on local disk, so nothing pulls a multi-GB CUDA build
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	$(BIN)/beleidsgraaf setup
	touch $@

ingest: install
	$(BIN)/beleidsgraaf ingest corpus/

serve: install
	$(BIN)/beleidsgraaf serve --host $(HOST) --port $(PORT)

run: install ingest serve

# Debian's Chromium for the browser tests (the env notes: no browser downloads here).
test-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf .beleidsgraaf .pytest_cache
