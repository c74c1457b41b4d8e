# Two commands do everything on a fresh machine:
#   make report   set up, then regenerate every chart and table into reports/
#   make test     set up, then run the linter and the whole test suite
# Both create .venv/ and install the project into it the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup report test bench browser clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

# Headless Chromium for the report's browser test (Debian's package).
browser:
	@command -v chromium > /dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium > /dev/null; }

report: setup
	$(BIN)/ee-trends report --out reports/

test: setup browser
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports data/processed/*.parquet data/processed/manifest.json
