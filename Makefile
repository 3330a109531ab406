# The two set-up commands of the README. Each installs what it needs first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
APT_PACKAGES := frr openssh-server iputils-ping traceroute
# the HTML report's browser test (tests/unit/test_html_browser.py): Debian's headless Chromium
# and its WebDriver. Distributions without these two names (Ubuntu ships chromium as a snap)
# skip them and that one test.
BROWSER_PACKAGES := chromium chromium-driver
# a fresh id per run: `make demo` never touches a lab someone else started
DEMO_SUFFIX := $(shell echo $$(( $$$$ % 100000 )))
LAB_ID ?= demo$(DEMO_SUFFIX)

.PHONY: demo test install system-deps lint bench clean

system-deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "installing $(APT_PACKAGES)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(APT_PACKAGES) >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(APT_PACKAGES) >/dev/null; }; \
	fi
	@if ! dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then \
	  { apt-cache show chromium-driver >/dev/null 2>&1 || apt-get update -q >/dev/null; }; \
	  if apt-cache show chromium-driver >/dev/null 2>&1; then \
	    echo "installing $(BROWSER_PACKAGES)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PACKAGES) >/dev/null; \
	  else \
	    echo "no $(BROWSER_PACKAGES) packages here: the browser test of the HTML report is skipped"; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: system-deps $(VENV)/.installed

# The main job on the built-in defaults:
#  1. pre-change gate: the good candidate passes, the bad one must be caught (exit 1);
#  2. post-change gate: boot the example network as a lab, run the live checks on it,
#     take it down (also when a step fails). Reports go to reports/.
demo: install
	@mkdir -p reports
	$(VENV)/bin/netval verify snapshots/candidate-good --base snapshots/base \
	  -c checks/pre-change.yaml --junitxml reports/verify-good.xml --json reports/verify-good.json
	@echo "--- the bad candidate must be caught:"
	@$(VENV)/bin/netval verify snapshots/candidate-bad --base snapshots/base \
	  -c checks/pre-change.yaml --junitxml reports/verify-bad.xml --json reports/verify-bad.json; \
	  test $$? -eq 1 || { echo "candidate-bad was not caught"; exit 1; }
	@status=0; \
	$(VENV)/bin/netval lab up snapshots/base --id $(LAB_ID) --wait 60 \
	&& $(VENV)/bin/netval check --lab $(LAB_ID) -c checks/fabric.yaml \
	     --junitxml reports/check.xml --json reports/check.json --html reports/check.html \
	|| status=$$?; \
	$(VENV)/bin/netval lab down --id $(LAB_ID); exit $$status

# The test suite: lint, types, unit and lab integration tests (needs root for the lab).
test: install
	$(VENV)/bin/ruff check netval tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -p no:cacheprovider

bench: install
	$(PY) bench/lab_boot.py

clean:
	rm -rf $(VENV) build *.egg-info
