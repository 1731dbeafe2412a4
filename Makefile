# One command to run the registry, one to test it. Everything they need they install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test fuzz install system-packages lint format audit bench clean translations

EXTRACT_SKIP := .* _* venv tests bench migrations instance test-artifacts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,prod]"
	touch $(STAMP)

# Message catalogues (registry/translations/): compiled from the .po files kept in the repo.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard registry/translations/*/LC_MESSAGES/messages.po))

%.mo: %.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

install: $(STAMP) $(CATALOGUES)

# After changing a string a page shows: gather every string again, then add each new one to
# each language's .po (a test fails while a public page's string has no te reo translation).
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --omit-header --ignore-dirs="$(EXTRACT_SKIP)" -o registry/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching -i registry/translations/messages.pot -d registry/translations \
	  --width=100

# System packages the registry and its tests need: Debian's chromium (browser tests),
# Pango and DejaVu fonts (WeasyPrint charters), the Noto fonts for every script a charter
# prints (registry/charters/fonts.py lists each file), poppler-utils (pdftotext, pdftoppm:
# charter text extraction and pages as images in the tests).
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -n "$$(ldconfig -p | grep libpango-1.0)" ] || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -e /usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf ] || missing="$$missing fonts-noto-core"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing="$$missing fonts-noto-color-emoji"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The worker (emails, charters) runs in the background beside the server; whatever ends the
# server (Ctrl+C, a failure) stops it with SIGTERM, which lets it finish the job it is running.
# `make run PORT=5001` serves on another port; links and charters follow it (the worker reads
# FLASK_RUN_PORT) unless REGISTRY_BASE_URL says otherwise.
PORT ?= 5000
run: export FLASK_RUN_PORT = $(PORT)
# The demo shows the citizen-facing pages too: the public register is on unless set off.
run: install
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask registry demo --if-empty
	@echo "Serving the registry on http://127.0.0.1:$(PORT), with a worker for emails and charters (Ctrl+C to stop)"
	@export PUBLIC_REGISTER_ENABLED=$${PUBLIC_REGISTER_ENABLED:-1}; \
	$(BIN)/flask registry worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# pytest exits 5 when it collected no tests; that alone is not a failure.
test: install system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

# The lifecycle state machines with many more examples than CI runs (no time limit).
# TEST_DATABASE_URL=postgresql+psycopg://... runs them on PostgreSQL.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/stateful -p no:cacheprovider -s $(PYTEST_ARGS)

# ruff for style; import-linter for the layers (pyproject.toml: packages import downwards only).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit

# The benchmarks also need locust (the "bench" extra) for the load test.
bench: install system-packages
	$(BIN)/pip install --quiet -e ".[test,prod,bench]"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
