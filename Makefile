# deploy-wizard — two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
CHROMIUM := /usr/bin/chromium

.PHONY: demo test test-real-azd lint typecheck bench diagnose-score screenshots serve clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project metadata or the constraints change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)  ## the wizard on the built-in simulator (realistic speed)
	$(BIN)/deploy-wizard demo

# The serve tests drive a real browser: Debian's Chromium package, never a downloaded build.
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "the browser tests need Chromium at $(CHROMIUM) (Debian: apt-get install chromium)"; exit 1; }
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium

test: $(STAMP) $(CHROMIUM) lint  ## lint + the whole suite (installs Debian's chromium when missing)
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

test-real-azd: $(STAMP)  ## only the tests on the real azd (record build, replayed Azure session; needs Go)
	$(BIN)/python -m pytest -n 2 -q -m real_azd $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff, mypy, and the layer rules (import-linter contracts in pyproject.toml)
	$(BIN)/ruff check wizard tests bench devtools
	$(BIN)/mypy
	$(BIN)/lint-imports

typecheck: $(STAMP)  ## mypy alone (make lint runs it too)
	$(BIN)/mypy

bench: $(STAMP)  ## performance figures as ratios against baselines measured in the same run
	$(BIN)/python -m bench.bench

diagnose-score: $(STAMP)  ## step/target/cause accuracy of the diagnosis over tests/fixtures/corpus
	$(BIN)/python -m bench.diagnose_score

screenshots: $(STAMP)  ## regenerate screenshots/*.svg for every screen
	$(BIN)/python -m devtools.screenshots

serve: $(STAMP)  ## the demo in a browser on http://127.0.0.1:8000
	$(BIN)/deploy-wizard serve

lock: $(BIN)/python  ## refresh constraints.txt from the current environment
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
