# geomap: `make maps` builds the sample maps into maps/, `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: maps test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files make the install step run again only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed

maps: $(VENV)/.installed
	$(BIN)/geomap build --out maps

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) maps
