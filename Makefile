# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n auto

.PHONY: run test install install-test chromium demo clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

instance/config.py:
	mkdir -p instance
	printf '# Written by `make run` on first start. Keep out of git.\nSECRET_KEY = "%s"\n' \
	  "$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@

## make run: install, create or upgrade the database, load the demo province, serve on :5000 and run the scheduler
run: $(VENV)/.installed instance/config.py
	$(BIN)/declarations init-db
	$(BIN)/declarations demo-setup
	@echo "Serving on http://$(HOST):$(PORT), scheduler beside it  (Ctrl-C to stop both)"
	$(BIN)/declarations scheduler & sched=$$!; \
	  trap 'kill $$sched 2>/dev/null; wait $$sched 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/declarations serve --host $(HOST) --port $(PORT)

## make test: install the test extras (and Debian's chromium for browser tests), run the whole suite
test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

chromium:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium: run 'apt-get install chromium' as root"; exit 1; }; }

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/checks_bench.py
	$(BIN)/python benchmarks/ui_bench.py

clean:
	rm -rf $(VENV) build *.egg-info test-artifacts
