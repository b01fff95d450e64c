# Two entry points for a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8501

DEMO_EXPORT = data/demo/sikkerhedskonsulent-2024-eksport.csv
DEMO_SURVEY = data/surveys/sikkerhedskonsulent-2024.yaml
DEMO_CODED  = data/demo/coded

.PHONY: run test setup demo models clean

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

test: demo
	$(BIN)/python -m pytest

# Retrain the shipped models from data/training/ (they are committed; run after editing training data).
models: setup
	$(BIN)/python -m textmine.cli train-shipped

clean:
	rm -rf $(VENV) $(DEMO_CODED)
