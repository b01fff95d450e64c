# Two entry points for a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8501

DEMO_EXPORT = data/demo/sikkerhedskonsulent-2024-eksport.csv
DEMO_SURVEY = data/surveys/sikkerhedskonsulent-2024.yaml
DEMO_CODED  = data/demo/coded

.PHONY: run test setup demo models clean system-tools

# The stamp depends on pyproject.toml so a changed dependency list reinstalls.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

$(DEMO_CODED)/coded.csv: $(BIN)/.installed $(DEMO_EXPORT) $(DEMO_SURVEY) $(wildcard data/codebooks/*.yaml) $(wildcard models/*/meta.json)
	$(BIN)/textmine code $(DEMO_EXPORT) --survey $(DEMO_SURVEY) --out $(DEMO_CODED)

demo: $(DEMO_CODED)/coded.csv

run: demo
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Debian packages some tests need: LibreOffice and pdftotext turn the Word report into a PDF and
# read it; Chromium runs the end-to-end browser test. Installed with apt where we are root (as in
# CI); elsewhere the tests that need them skip with a message. PostgreSQL's server runs the store's
# tests a second time on a throwaway database (tests/pg.py); Debian puts initdb in
# /usr/lib/postgresql/<version>/bin, not on PATH, so that is looked at too.
SYSTEM_TOOLS = soffice:libreoffice-writer-nogui pdftotext:poppler-utils chromium:chromium initdb:postgresql
system-tools:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  tool=$${pair%%:*}; command -v $$tool >/dev/null || ls /usr/lib/postgresql/*/bin/$$tool >/dev/null 2>&1 \
	    || missing="$$missing $${pair#*:}"; done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installerer$$missing til testene af Word-rapporten, browsertesten og PostgreSQL-lageret ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $$missing fonts-dejavu-core >/dev/null) \
	    || echo "apt-get lykkedes ikke: testene, der kræver$$missing, springes over"; \
	else echo "$$missing findes ikke: testene, der kræver dem, springes over"; fi

test: demo system-tools
	$(BIN)/python -m pytest

# Retrain the shipped models from data/training/ (they are committed; run after editing training data).
models: setup
	$(BIN)/python -m textmine.cli train-shipped

clean:
	rm -rf $(VENV) $(DEMO_CODED)
