# Two commands build and test everything from a fresh clone:
#   make site   create .venv, install from requirements.lock, run the experiments,
#               build the article into site/
#   make test   the same set-up, then the test suite
# Other targets: make serve (preview on 127.0.0.1:8000), make lock, make clean.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
# Dates in the sitemap and in figure files come from the last commit, so that two
# builds of the same commit are byte-identical.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: site test serve experiments reproducible benchmark lock clean

site: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

experiments: $(STAMP)
	$(BIN)/python -m nonlinear build

test: $(STAMP)
	$(BIN)/python -m pytest

# Build two clean clones of HEAD and list every file that differs.
reproducible: $(STAMP)
	$(BIN)/python -m nonlinear check-reproducible

# Time cold, no-op and incremental builds and training; writes docs/benchmark.json.
benchmark: $(STAMP)
	$(BIN)/python -m nonlinear benchmark

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or pass PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Resolve pyproject.toml afresh and pin every package in requirements.lock.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet hatchling editables ".[test]"
	{ echo "# Exact versions of every package the project installs, resolved on Python 3.11"; \
	  echo "# (Linux x86_64). Regenerate with 'make lock' after changing pyproject.toml."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^nonlinear'; } > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf build site .venv .cache
