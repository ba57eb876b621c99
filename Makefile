# KnotBot: `make run` starts the assistant, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# pip-audit's own environment: its dependencies conflict with Rasa 3.6's pins
AUDIT_VENV := .audit-venv
# python3.10 from PATH (pyenv's shim reads .python-version here), else any pyenv 3.10
PYTHON310 := $(or $(shell command -v python3.10 2>/dev/null),$(lastword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10)))

# $(call from_debian,PACKAGES,WHAT FOR): install Debian packages when root, else fail quietly
define from_debian
{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
  && echo "==> Installing $(1) from Debian's packages, $(2)" \
  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; }
endef

.PHONY: install cairo postgres chromium scaleout run test test-fast chat train lint typecheck audit bench lock clean

install: $(VENV)/.installed node_modules/.package-lock.json cairo

$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "KnotBot needs Python 3.10: Rasa 3.6 runs on Python 3.8 to 3.10 only."; \
	  echo "Install it with 'pyenv install 3.10.13' (pyenv then picks it up from .python-version)"; \
	  echo "or with your system's packages (Debian/Ubuntu: apt-get install python3.10 python3.10-venv),"; \
	  echo "then run make again."; \
	  exit 1; \
	fi
	@echo "==> Creating $(VENV) with $(PYTHON310)"
	$(PYTHON310) -m venv $(VENV)
	$(BIN)/pip install --quiet --progress-bar off "pip==24.0"
	@echo "==> Installing the locked environment (Rasa, TensorFlow, spaCy): a few minutes the first time"
	$(BIN)/pip install --progress-bar off --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	@touch $@

# The chat widget's one npm package (the socket.io client), served as is: no build step.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || $(call from_debian,nodejs npm,for the chat widget) || { \
	  echo "KnotBot's chat widget needs npm: install Node.js and npm (apt-get install nodejs npm)."; \
	  exit 1; }
	@echo "==> Installing the chat widget's socket.io client from the npm registry"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The Telegram channel draws the result's body map as a PNG through Cairo (CairoSVG).
cairo:
	@ldconfig -p 2>/dev/null | grep -q 'libcairo.so.2 ' \
	  || $(call from_debian,libcairo2 fonts-dejavu-core,for the Telegram result picture) \
	  || echo "==> Cairo is missing, so Telegram results come without a picture (apt-get install libcairo2)"

run: install
	$(BIN)/knotbot run

chat: install
	$(BIN)/knotbot chat

train: install
	$(BIN)/knotbot train

# ruff, and the architecture's import contracts (pyproject.toml's [tool.importlinter]).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# mypy over bot/ and actions/, configured in pyproject.toml's [tool.mypy].
typecheck: install
	$(BIN)/mypy

# The database tests run against PostgreSQL's server programs from Debian's packages too.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  || $(call from_debian,postgresql,for the database tests) \
	  || echo "==> PostgreSQL is not installed, so its tests are skipped (apt-get install postgresql)"

# The browser tests drive Debian's Chromium (Playwright downloads no browser of its own).
chromium:
	@command -v chromium >/dev/null \
	  || $(call from_debian,chromium,for the browser tests) \
	  || echo "==> Chromium is not installed, so the browser tests are skipped (apt-get install chromium)"

# The scale-out tests put two Rasa replicas behind Debian's nginx, sharing Debian's Redis.
scaleout:
	@{ command -v redis-server >/dev/null && [ -x /usr/sbin/nginx ]; } \
	  || $(call from_debian,redis-server nginx,for the scale-out tests) \
	  || echo "==> Redis or nginx is missing, so the scale-out tests are skipped (apt-get install redis-server nginx)"

# Every test: the unit tier (tests/unit/), then real servers and databases
# (tests/integration/) and Chromium (tests/browser/). Under CI=true a skip fails the run.
test: install postgres chromium scaleout $(AUDIT_VENV)/.installed
	$(BIN)/knotbot train
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m bot.devtools.audit
	$(BIN)/pytest -ra

# The locked dependencies against known vulnerabilities; triage in docs/security/pip-audit.md.
audit: install $(AUDIT_VENV)/.installed
	$(BIN)/python -m bot.devtools.audit

$(AUDIT_VENV)/.installed: requirements-audit.txt
	@echo "==> Creating $(AUDIT_VENV) with the pinned pip-audit"
	rm -rf $(AUDIT_VENV) && $(PYTHON310) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --progress-bar off "pip==24.0"
	$(AUDIT_VENV)/bin/pip install --quiet --progress-bar off --no-deps -r requirements-audit.txt
	$(AUDIT_VENV)/bin/pip check
	@touch $@

# The unit tier alone: no server, no database server, no browser, in under two minutes.
test-fast: install
	$(BIN)/pytest -q tests/unit

# Latency, throughput and memory of the running assistant (`make run` first); see
# docs/performance.md. ARGS passes options, e.g. make bench ARGS="--baseline --startup".
bench: install
	$(BIN)/knotbot bench $(ARGS)

# Regenerate requirements.lock from a fresh install of pyproject.toml's pins.
lock:
	rm -rf .lock-venv && $(PYTHON310) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "pip==24.0" && .lock-venv/bin/pip install --quiet ".[dev]"
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/pip freeze --all --exclude pip --exclude knotbot; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean:
	rm -rf $(VENV) $(AUDIT_VENV) .mypy_cache node_modules models results knotbot.db knotbot-trackers.db tests/artifacts
