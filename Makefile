# deploy-wizard — two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint bench diagnose-score screenshots serve clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project metadata or the constraints change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)  ## the wizard on the built-in simulator (realistic speed)
	$(BIN)/deploy-wizard demo

test: $(STAMP)  ## lint + the whole suite
	$(BIN)/ruff check wizard tests bench
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check wizard tests bench

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
