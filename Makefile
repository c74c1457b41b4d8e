# Two commands do everything on a fresh machine:
#   make report   set up, fetch the feed, then regenerate every chart and table into reports/
#   make test     set up, then run the linter and the whole test suite
# Both create .venv/ and install the project into it the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup report refresh lab test check-wheel bench browser clean

setup: $(STAMP)

# The first run says what it installs and how long that takes, shows pip's
# progress, and sums up; later runs skip it (until pyproject.toml changes).
$(STAMP): pyproject.toml
	@echo "make: setting up $(VENV)/ once: ee_trends and about 150 packages it needs (pandas,"
	@echo "make: statsmodels, matplotlib, JupyterLab, pytest, ...), about 1 GB; 1 to 5 minutes"
	@start=$$(date +%s) && \
	$(PYTHON) -m venv $(VENV) && \
	$(BIN)/pip install --quiet --upgrade pip && \
	$(BIN)/pip install -e '.[dev,notebooks]' && \
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null && \
	touch $(STAMP) && \
	echo "make: $(VENV)/ ready in $$(( $$(date +%s) - start )) s ($$($(BIN)/pip list 2>/dev/null | tail -n +3 | wc -l) packages)"

# Headless Chromium for the report's browser test (Debian's package).
browser:
	@command -v chromium > /dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium > /dev/null; }

# Keeps a new capture of the live feed first (`ee-trends fetch`); offline, that
# is one warning and the report uses the captures kept, else the shipped snapshot.
report: setup
	$(BIN)/ee-trends report --fetch --out reports/

# Opens the notebooks in JupyterLab (Jupyter refuses to run as root without --allow-root).
lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# The scheduled refresh (.github/workflows/refresh.yml runs it; so can cron): keep a new
# capture of the feed when it changed (FEED=PATH_OR_URL instead of the live feed), then
# regenerate the report from the captures kept. A failed fetch stops it: nothing stale is
# published as new.
FEED ?=
refresh: setup
	$(BIN)/ee-trends fetch $(if $(FEED),--from '$(FEED)')
	$(BIN)/ee-trends report --out reports/

# The tests run on every core (pytest-xdist).
test: setup browser
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/python -m pytest -n auto

# The built wheel in a fresh venv writes the report from its shipped snapshot (CI runs it).
check-wheel: setup
	.ci/check-wheel

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports data/processed/*.parquet data/processed/manifest.json
