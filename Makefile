# Two set-up commands do everything on a fresh machine: `make demo` and `make test`.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/.demo/rasd.sqlite

.PHONY: demo test lint typecheck bench eval accuracy-doc clean install

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p $(dir $(DEMO_DB))
	RASD_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/rasd demo

test: $(STAMP)
	$(BIN)/ruff check rasd tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile -q

lint: $(STAMP)
	$(BIN)/ruff check rasd tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

eval: $(STAMP)
	$(BIN)/rasd eval all --split dev --report-dir eval-reports

accuracy-doc: $(STAMP)
	$(BIN)/python -m rasd.eval.accuracy_doc --report-dir eval-reports --out docs/accuracy.md

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache eval-reports
