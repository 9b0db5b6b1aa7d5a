# The two commands a fresh machine needs: `make demo` and `make test`. Both build .venv when it is missing and
# install exactly what the lock files in requirements/ say, hashes checked.
#
#   PYTHON=python3.12 make test    choose the interpreter (default: the first CPython >= 3.11 found, 3.11 first)
#   make install TORCH=cuda        PyPI's CUDA build of torch instead of the CPU build (several GB)
#   make lock                      re-resolve every lock file after a change to pyproject.toml or a version bump

ifndef PYTHON
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3.14 python3; do \
	$$p -c 'import sys; sys.exit(sys.implementation.name != "cpython" or sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
endif
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
TORCH  ?= cpu
# Where the CPU build of torch comes from: PyTorch's own index (PyPI's Linux torch is the CUDA build). A host that
# cannot be reached costs a couple of seconds, not a hang: pip then looks in its other configured sources.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# For `make lock`: where the resolver reads the CPU torch wheel's metadata (a folder holding it works too).
TORCH_FIND_LINKS ?= $(TORCH_INDEX)/torch/
STAMP  := $(VENV)/.installed-$(TORCH)
LOCKS  := requirements/dev.txt requirements/torch-$(TORCH).txt

.PHONY: install demo test lint run bench lock torch-plan clean

install: $(STAMP)

ifeq ($(filter $(TORCH),cpu cuda),)
$(error TORCH must be cpu or cuda, not "$(TORCH)")
endif

$(STAMP): pyproject.toml $(LOCKS)
	@test -n "$(PYTHON)" || { echo "make: no CPython >= 3.11 found; install one or pass PYTHON=/path/to/python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	rm -f $(VENV)/.installed-*
	$(MAKE) --no-print-directory torch-$(TORCH)
	$(PIP) install --quiet --require-hashes -r requirements/dev.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	$(PIP) check
	touch $(STAMP)

# torch on its own first: its CPU build lives on another index, and --no-deps keeps that index out of every other
# package's resolution (its dependencies are pinned, with hashes, in dev.txt).
.PHONY: torch-cpu torch-cuda
torch-cpu:
	$(BIN)/python -c "import importlib.metadata as m; assert m.version('torch').endswith('+cpu')" 2>/dev/null \
		|| $(PIP) uninstall --quiet --yes torch
	$(PIP) install --quiet --retries 2 --require-hashes --no-deps --extra-index-url $(TORCH_INDEX) \
		-r requirements/torch-cpu.txt

torch-cuda:
	$(BIN)/python -c "import importlib.metadata as m; assert not m.version('torch').endswith('+cpu')" 2>/dev/null \
		|| $(PIP) uninstall --quiet --yes torch
	$(PIP) install --quiet --require-hashes -r requirements/torch-cuda.txt

# Which torch file the set-up would install here, without installing it.
torch-plan:
	@$(PYTHON) -m pip install --dry-run --ignore-installed --retries 2 --require-hashes --no-deps \
		--extra-index-url $(TORCH_INDEX) -r requirements/torch-cpu.txt

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

# uv resolves for every platform and Python >= 3.11 at once and records the hash of every file of each pin.
UV ?= $(BIN)/uv
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet
lock:
	test -x $(UV) || $(MAKE) --no-print-directory install
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml requirements/build.in --extra dev \
		-c requirements/torch-cpu.txt --find-links $(TORCH_FIND_LINKS) --no-emit-package torch \
		-o requirements/dev.txt
	$(UV) pip compile $(LOCK_FLAGS) pyproject.toml requirements/build.in \
		-c requirements/torch-cpu.txt -c requirements/dev.txt --find-links $(TORCH_FIND_LINKS) \
		--no-emit-package torch -o requirements/runtime.txt
	echo "torch==$$(sed -n 's/^torch==\([^+ ;]*\).*/\1/p' requirements/torch-cpu.txt | head -1)" \
		| $(UV) pip compile $(LOCK_FLAGS) - -c requirements/dev.txt -o requirements/torch-cuda.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist *.egg-info
