# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-quick lint typecheck fix bench clean

# The venv is rebuilt whenever a requirements file changes. uv installs in seconds; if it cannot
# be fetched, plain pip does the same job (slower). Unlike pip, uv leaves the packages uncompiled
# unless asked: with PYTHONDONTWRITEBYTECODE set (as in many containers) every test process and
# every `python -m wuxing` then compiles pandas, streamlit and plotly again (~2.5 s of CPU each).
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	( $(BIN)/pip install -q uv==0.13.9 && $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements-dev.txt ) \
	  || $(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# A newcomer sees the sample charts at once without an account; writes still need a login.
# A real deployment sets WUXING_PUBLIC_VIEW=0 (or runs streamlit itself) so browsing needs one too.
run: export WUXING_PUBLIC_VIEW ?= 1
run: $(BIN)/.installed
	$(BIN)/python -m wuxing setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Python may keep compiled files here even where the shell says not to (PYTHONDONTWRITEBYTECODE):
# without them every test process and every child it starts compiles the code and rewrites the
# tests' asserts again (~4 s a process). __pycache__ is ignored by git.
test: $(BIN)/.installed lint typecheck
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 --dist loadgroup

# The tests without the browser (what to run while working; make test runs them all).
test-quick: $(BIN)/.installed
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 2 --dist loadgroup -m "not browser"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy on wuxing/ (settings in pyproject.toml). Its cache, .mypy_cache, makes a rerun check only
# what changed: seconds instead of a minute.
typecheck: $(BIN)/.installed
	$(BIN)/python -m mypy

fix: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BIN)/.installed
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/scale_bench.py

clean:
	rm -rf $(VENV) .wuxing artifacts
