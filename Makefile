# Two commands do all the set-up on a fresh machine:
#   make demo   -> creates .venv (torch first), installs the project, runs the main job on a small default
#   make test   -> creates .venv if needed, runs the whole test suite
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test venv clean-venv

$(STAMP): pyproject.toml
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(VPY) -c "import torch" 2>/dev/null || $(VPY) -m pip install -q torch==2.13.0
	$(VPY) -m pip install -q -e '.[test,draw]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VPY) -m analyses.demo

test: $(STAMP)
	$(VPY) -m pytest -q -p no:cacheprovider

clean-venv:
	rm -rf $(VENV)
