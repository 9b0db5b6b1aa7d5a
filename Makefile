# The two commands a fresh machine needs: `make demo` and `make test`. Both build .venv when it is missing.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
TORCH  ?= torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint run bench clean

install: $(STAMP)

# torch is installed first and on its own, from the pin: a bare `torch` requirement would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/newsbot summarize summarizer/data/sample_article.html

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy summarizer bot

test: lint
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

run: $(STAMP)
	$(BIN)/newsbot run

bench: $(STAMP)
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist *.egg-info
