# The two commands: `make demo` and `make test`. Both do all set-up on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install redis-server demo test test-fast bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py $(wildcard crawler/_fast*.pyx crawler/_fast*.pxd crawler/_fast*.pxi crawler/_facts*.pxi)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@$(BIN)/python -c "from crawler import treeview; print('compiled extractor:', \
	  'built' if treeview.compiled_available() else 'not built, the pure-Python path is used (pip install -v -e . says why)')"
	@touch $(STAMP)

# Tests start their own redis-server on a free port; install Debian's package if missing.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server (Debian package)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; \
	  command -v redis-server >/dev/null; }

demo: install
	$(BIN)/python -m crawler.demo

# The extraction, classification and index tests run a second time on the pure-Python
# path (the fallback used where the compiled modules could not be built).
PURE_TESTS := tests/test_links.py tests/test_links_corpus.py tests/test_links_robustness.py \
              tests/test_classify.py tests/test_classify_corpus.py \
              tests/test_index_conformance.py tests/test_index_queries.py

test: install redis-server
	$(BIN)/python -m pytest -q -p no:cacheprovider
	BACKLINKS_PURE_PYTHON=1 $(BIN)/python -m pytest -q -p no:cacheprovider $(PURE_TESTS)

test-fast: install
	$(BIN)/python -m pytest -q -x -m "not e2e"

bench: install redis-server
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check crawler pipelines tests bench

clean:
	rm -rf $(VENV) .demo .pytest_cache *.egg-info
