# The course's two commands (see README.md):
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run the whole test suite (unit tests + every notebook, quick mode)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: lab test install fetch doctor run results clean

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
	DLCOURSE_QUICK=1 MPLBACKEND=Agg TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

fetch: install
	$(BIN)/python -m dlcourse fetch --all

doctor: install
	$(BIN)/python -m dlcourse doctor

run: install
	$(BIN)/python -m dlcourse run

results: install
	$(BIN)/python -m dlcourse results

clean:
	rm -rf build
