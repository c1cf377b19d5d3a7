# Entry points for people and CI. `make demo` and `make test` set up everything
# they need in .venv on a machine with Python 3.11, pip, git and make: the demo
# only ansible-core and the runtime (requirements-demo.txt), the tests the whole
# toolchain on top of it (requirements-dev.txt, shellcheck and Chromium).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed
IN_TREE := scripts/in_collection_tree.sh
SANITY_PYTHON ?= 3.11
export LANG := C.UTF-8
export LC_ALL := C.UTF-8
export ANSIBLE_NOCOLOR := 1

.PHONY: help venv demo test sanity units emulator-tests integration lint docs-lint \
        changelog-lint build-check ee-check matrix matrix-older clean bench referee

help:
	@echo "make demo   - start the bundled emulator and run the example playbooks against it (installs the runtime only)"
	@echo "make test   - every check: sanity, units, emulator tests, Esri's client as referee, integration, lint, docs,"
	@echo "              changelog, build, execution environment, and units + integration on ansible-core 2.16-2.18"
	@echo "make sanity | units | emulator-tests | integration | lint | docs-lint | changelog-lint | build-check | ee-check"
	@echo "make referee - Esri's arcgis client (own venv, .venv-arcgis) must read what the emulators hold"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run: make PYTHON=python3 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(DEMO_STAMP): $(BIN)/python requirements.txt requirements-demo.txt
	$(BIN)/python -m pip install --quiet -r requirements-demo.txt
	touch $(DEMO_STAMP)

# The full toolchain holds the demo's set, so it marks that as installed too.
$(STAMP): $(BIN)/python requirements.txt requirements-demo.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@scripts/install_system_tools.sh
	touch $(DEMO_STAMP) $(STAMP)

venv: $(STAMP)

demo: $(DEMO_STAMP)
	scripts/demo.sh

test: $(STAMP)
	scripts/run_test_steps.sh sanity units emulator-tests referee integration lint docs-lint changelog-lint build-check \
		ee-check matrix-older

sanity: $(STAMP)
	$(IN_TREE) ansible-test sanity --python $(SANITY_PYTHON) --color no

units: $(STAMP)
	$(IN_TREE) ansible-test units --python $(SANITY_PYTHON) --requirements --color no

emulator-tests: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m pytest -q -p no:cacheprovider tests/emulator_tests

integration: $(STAMP)
	$(IN_TREE) ansible-test integration --python $(SANITY_PYTHON) --color no $(TARGETS)

lint: $(STAMP)
	$(IN_TREE) $(CURDIR)/$(BIN)/ansible-lint --profile production --offline --nocolor

docs-lint: $(STAMP)
	$(IN_TREE) $(CURDIR)/$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: $(STAMP)
	$(BIN)/antsibull-changelog lint

build-check: $(STAMP)
	scripts/build_check.sh

ee-check: $(STAMP)
	scripts/ee_check.sh

# Units and integration on every ansible-core minor version we claim (2.16-2.19).
matrix:
	scripts/matrix.sh $(VERSIONS)

# make test already runs everything on the main toolchain (2.19); this proves the older
# claimed versions (about 5 minutes each on a 2-core machine).
matrix-older:
	scripts/matrix.sh 2.16 2.17 2.18

# Esri's own client referees the emulator: arcgis==2.4.4 in a venv of its own (about 25 s to build once, then about
# 10 s a run). A step of `make test`: on a fresh machine it builds .venv-arcgis itself.
ARCGIS_VENV := .venv-arcgis
ARCGIS_STAMP := $(ARCGIS_VENV)/.installed

$(ARCGIS_STAMP): tests/referee/requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run: make PYTHON=python3 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(ARCGIS_VENV)
	$(ARCGIS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(ARCGIS_VENV)/bin/python -m pip install --quiet -r tests/referee/requirements.txt
	touch $(ARCGIS_STAMP)

referee: $(STAMP) $(ARCGIS_STAMP)
	ARCGIS_PYTHON=$(CURDIR)/$(ARCGIS_VENV)/bin/python scripts/arcgis_referee.sh

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf build tests/output demo-output .ansible
