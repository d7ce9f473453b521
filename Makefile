# Backprop Studio: `make run` launches the app, `make test` runs the whole suite offscreen and then
# the install check (the wheel installed into a fresh venv, the app's window under Xvfb).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
# A CPU build of PyTorch serves as an optional test oracle when a local wheel is at hand.
TORCH_WHEEL := $(firstword $(wildcard /opt/wheels/torch-2.13.0+cpu-*.whl))

.PHONY: run test install-check icons bench screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip >/dev/null
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -e '.[test]'
ifneq ($(TORCH_WHEEL),)
	$(PIP) install torch==2.13.0 || echo "PyTorch not installed: the PyTorch oracle tests will be skipped"
endif
	touch $@

run: $(VENV)/.installed
	$(PY) main.py

test: $(VENV)/.installed-test
	$(PY) -m ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest
	$(MAKE) install-check

# Build the wheel, install it outside the repository, run the command and open the window (Xvfb).
install-check:
	PYTHON=$(PYTHON) scripts/install_check.sh

# Re-render the icon's PNGs after editing resources/icons/backprop-studio.svg.
icons: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) scripts/render_icons.py

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) bench/engine.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/trainer.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/cli.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/memory.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui.py

screenshots: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
