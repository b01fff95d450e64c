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

# LibreOffice and pdftotext let a test turn the Word report into a PDF and read it. They come
# from Debian's packages where we are root (as in CI); elsewhere that test skips with a message.
system-tools:
	@if command -v soffice >/dev/null && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installerer LibreOffice Writer og poppler-utils til testen af Word-rapporten ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui poppler-utils fonts-dejavu-core >/dev/null) \
	    || echo "apt-get lykkedes ikke: PDF-testen springes over"; \
	else echo "LibreOffice/pdftotext findes ikke: PDF-testen springes over"; fi

test: demo system-tools
	$(BIN)/python -m pytest

# Retrain the shipped models from data/training/ (they are committed; run after editing training data).
models: setup
	$(BIN)/python -m textmine.cli train-shipped

clean:
	rm -rf $(VENV) $(DEMO_CODED)
