# natosim: two commands. `make run` replays 1991-2024 under all three paradigms;
# `make test` runs the test suite. Both bootstrap .venv with Python >= 3.12.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
OUT ?= results/post-cold-war

# Find a Python >= 3.12: PYTHON env var, then python3.13/python3.12 on PATH, then pyenv.
define find_python
for c in "$$PYTHON" python3.13 python3.12 "$$HOME/.pyenv/versions/"3.1[23]*/bin/python3 python3; do \
  [ -n "$$c" ] || continue; \
  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
    echo "$$c"; exit 0; fi; \
done; exit 1
endef

.PHONY: run test lint bench venv clean

$(STAMP): pyproject.toml
	@PYBIN=$$( $(find_python) ) || { echo "error: natosim needs Python >= 3.12 (Mesa 3.5). Install python3.12 or set PYTHON=/path/to/python3.12." >&2; exit 1; }; \
	echo "using $$PYBIN ($$($$PYBIN -V))"; \
	[ -x $(PY) ] || $$PYBIN -m venv $(VENV); \
	$(PY) -m pip install -q --upgrade pip && \
	$(PY) -m pip install -q -e ".[dev,app]" && touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/natosim run scenarios/post-cold-war.yaml --paradigm all --replicas 200 --seed 20090401 --out $(OUT)/run --force
	$(VENV)/bin/natosim compare scenarios/post-cold-war.yaml --paradigms all --replicas 200 --seed 20090401 --out $(OUT)/compare --force

test: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks scripts
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks scripts

bench: $(STAMP)
	$(PY) benchmarks/bench_ensemble.py

clean:
	rm -rf $(VENV) results
