# Two set-up commands do everything on a fresh machine: `make demo` and `make test`.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/.demo/rasd.sqlite

.PHONY: demo test lint typecheck bench eval accuracy-doc clean install browser postgres train

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo ends by serving the UI on the demo store (Ctrl+C stops); SERVE=0 skips that (CI).
SERVE ?= 1
demo: $(STAMP)
	@mkdir -p $(dir $(DEMO_DB))
	RASD_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/rasd demo
	@if [ "$(SERVE)" != "0" ]; then $(BIN)/rasd serve --db sqlite:///$(DEMO_DB); fi

# Debian's Chromium for the browser tests (tests/test_web_*.py); does nothing when present.
browser:
	bash scripts/install-browser.sh

# A private PostgreSQL server for the PostgreSQL tests (-m pg): Debian's packages, a cluster
# in $(PG_DIR) on 127.0.0.1:$(PG_PORT); starts it when stopped, else does nothing.
PG_DIR  ?= /var/tmp/rasd-pg
PG_PORT ?= 54329
RASD_TEST_PG_URL ?= postgresql+psycopg://rasd:rasd@127.0.0.1:$(PG_PORT)/rasd
postgres:
	RASD_PG_DIR=$(PG_DIR) RASD_PG_PORT=$(PG_PORT) bash scripts/install-postgres.sh

test: export RASD_TEST_PG_URL := $(RASD_TEST_PG_URL)
test: $(STAMP) browser postgres
	$(BIN)/ruff check rasd tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile -q

lint: $(STAMP)
	$(BIN)/ruff check rasd tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP) postgres
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/bench_batch.py --docs 200 --json benchmarks/results/batch.json
	$(BIN)/python benchmarks/bench_api.py --json benchmarks/results/api.json
	$(BIN)/python benchmarks/bench_dedup.py --sizes 10000 100000 --json benchmarks/results/dedup.json
	$(BIN)/python benchmarks/bench_access.py --json benchmarks/results/access.json
	$(BIN)/python benchmarks/bench_load.py --json benchmarks/results/load.json

# Rebuild the learned coder's heads from corpus/ (byte-identical for the same corpus and seed).
train: $(STAMP)
	$(BIN)/rasd train

# Every dataset on its dev split, in two parallel groups (one per core); then the doc.
EVAL_DIR  ?= eval-reports
DATA_DIR  ?= ../shared/data
EVAL      := $(BIN)/rasd eval --split dev --data-dir $(DATA_DIR) --report-dir $(EVAL_DIR)
eval: $(STAMP)
	@mkdir -p $(EVAL_DIR)
	@start=$$(date +%s); \
	( $(EVAL) geoparsing && $(EVAL) case2021 && $(EVAL) samples ) > $(EVAL_DIR)/group-a.log 2>&1 & a=$$!; \
	( $(EVAL) muc4 && $(EVAL) re3d && $(EVAL) dedup && $(EVAL) ucdp ) > $(EVAL_DIR)/group-b.log 2>&1 & b=$$!; \
	wait $$a; sa=$$?; wait $$b; sb=$$?; cat $(EVAL_DIR)/group-a.log $(EVAL_DIR)/group-b.log; \
	if [ -d $(DATA_DIR)/acled ]; then $(EVAL) acled || exit 1; else echo "acled: no $(DATA_DIR)/acled folder (ACLED data is not redistributable); skipped"; fi; \
	echo "make eval: $$(( $$(date +%s) - start )) s"; test $$sa -eq 0 -a $$sb -eq 0
	$(BIN)/python -m rasd.eval.accuracy_doc --report-dir $(EVAL_DIR) --out docs/accuracy.md

accuracy-doc: $(STAMP)
	$(BIN)/python -m rasd.eval.accuracy_doc --report-dir $(EVAL_DIR) --out docs/accuracy.md

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache eval-reports
