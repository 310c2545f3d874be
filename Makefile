# natosim: two commands. `make run` replays 1991-2024 under all three paradigms, scores them
# and ends with the likelihood comparison against the rivals (results/.../likelihood/verdict.md);
# `make test` runs the test suite. Both bootstrap .venv with Python >= 3.12.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
OUT ?= results/post-cold-war

# Find a Python >= 3.12: PYTHON env var, then python3.13/python3.12 on PATH, then pyenv.
define find_python
for c in "$$PYTHON" python3.13 python3.12 "$$HOME/.pyenv/versions/"3.1[23]*/bin/python3 python3; do \
  [ -n "$$c" ] || continue; \
  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then \
    echo "$$c"; exit 0; fi; \
done; exit 1
endef

# The layer contracts (import-linter), run once pyproject.toml has its [tool.importlinter] section.
define lint_imports
if grep -q '^\[tool\.importlinter\]' pyproject.toml; then \
  echo "$(VENV)/bin/lint-imports"; $(VENV)/bin/lint-imports; \
else echo "lint-imports skipped: no [tool.importlinter] in pyproject.toml"; fi
endef

.PHONY: run test lint bench docs notebooks venv lock clean

# The venv installs the exact versions of requirements/lock.txt (hash-checked: every install
# gets the same bytes), then natosim itself without dependencies. Only pip is needed here; uv
# is a maintainer tool for `make lock`. Re-runs when pyproject.toml or the lock change.
$(STAMP): pyproject.toml $(LOCK)
	@PYBIN=$$( $(find_python) ) || { echo "error: natosim needs Python >= 3.12 (Mesa 3.5). Install python3.12 or set PYTHON=/path/to/python3.12." >&2; exit 1; }; \
	echo "using $$PYBIN ($$($$PYBIN -V))"; \
	[ -x $(PY) ] || $$PYBIN -m venv $(VENV); \
	$(PY) -m pip install -q --upgrade pip && \
	$(PY) -m pip install -q --require-hashes -r $(LOCK) && \
	$(PY) -m pip install -q --no-deps -e . && touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/natosim run scenarios/post-cold-war.yaml --paradigms all --replicas 200 --seed 20090401 --out $(OUT)/run --force
	$(VENV)/bin/natosim compare scenarios/post-cold-war.yaml --paradigms all --replicas 200 --seed 20090401 --out $(OUT)/compare --force
	$(VENV)/bin/natosim validate scenarios/post-cold-war.yaml --paradigms all --headline --seeds 5 --processes 2 --out $(OUT)/validate --force
	$(VENV)/bin/natosim likelihood scenarios/post-cold-war.yaml --paradigms all --seed 20090401 --seeds 5 --processes 2 --out $(OUT)/likelihood --force

test: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks scripts
	@$(lint_imports)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks scripts
	@$(lint_imports)

bench: $(STAMP)
	$(PY) benchmarks/bench_ensemble.py

# The documentation site, offline, into build/site (open build/site/index.html): docs/*.md, the
# notebooks with their stored outputs and the API reference from the docstrings (mkdocs.yml).
# --strict: any warning (a broken link or anchor, a page missing from the nav) fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --clean

# Maintainers: execute the notebooks in place and keep their outputs (figures as small PNGs),
# so that the repository and the site show them. Run after changing a notebook or the model.
notebooks: $(STAMP)
	$(PY) scripts/run_notebooks.py

# Regenerate requirements/lock.txt from pyproject.toml (maintainers; needs uv: `pip install uv`
# anywhere, or UV=/path/to/uv). Versions already in the lock are kept unless asked otherwise:
#   make lock                              # add/remove what pyproject.toml changed, keep the rest
#   make lock LOCK_ARGS="--upgrade-package numpy"    # move one package
#   make lock LOCK_ARGS=--upgrade          # move everything the ranges allow
UV ?= uv
LOCK_ARGS ?=
lock:
	@command -v $(UV) >/dev/null 2>&1 || { echo "error: make lock needs uv (pip install uv, or UV=/path/to/uv)" >&2; exit 1; }
	$(UV) pip compile --quiet pyproject.toml --extra dev --extra app --extra cluster --extra docs --universal \
	  --python-version 3.12 --generate-hashes --custom-compile-command "make lock" \
	  -o $(LOCK) $(LOCK_ARGS)
	@git diff --stat -- $(LOCK) 2>/dev/null || true

clean:
	rm -rf $(VENV) results
