# The course's two commands (see README.md):
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run the whole test suite (unit tests + every notebook, quick mode)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: lab test install fetch doctor run results assignments clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

install: $(VENV)/.installed

lab: install
	$(BIN)/jupyter lab notebooks/

test: install
	DLCOURSE_QUICK=1 MPLBACKEND=Agg TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python -m pytest tests dlcourse README.md notebooks --doctest-modules --markdown-docs --nbval-lax --nbval-current-env -p no:cacheprovider

fetch: install
	$(BIN)/python -m dlcourse fetch --all

doctor: install
	$(BIN)/python -m dlcourse doctor

run: install
	$(BIN)/python -m dlcourse run

results: install
	$(BIN)/python -m dlcourse results

# The student and autograder versions of the assignments (see assignments/README.md).
assignments: install
	rm -rf build/assignments
	for master in assignments/*/*.ipynb; do \
	  name=$$(basename $$master .ipynb); \
	  DLCOURSE_QUICK=1 MPLBACKEND=Agg TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/otter assign $$master build/assignments/$$name || exit 1; \
	done

clean:
	rm -rf build
