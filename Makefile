# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-py test-pwa lint format pwa bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund
	touch $@

pwa/dist/index.html: pwa/node_modules/.installed $(shell find pwa/src pwa/index.html pwa/clinic pwa/public pwa/vite.config.ts -type f 2>/dev/null)
	cd pwa && npm run build

pwa: pwa/dist/index.html

## run: install, build the PWA, migrate, seed the demo, serve on http://127.0.0.1:5000
run: $(VENV)/.installed pwa
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl-C stops). Demo: demo@clinic.example / demo-password-123"
	./scripts/run-all.sh $(HOST) $(PORT)

## test: the whole suite (Python on SQLite, or PostgreSQL with TEST_DATABASE_URL; PWA unit tests)
test: test-py test-pwa

test-py: $(VENV)/.installed pwa
	$(BIN)/pytest

test-pwa: pwa/node_modules/.installed
	cd pwa && npm test

lint: $(VENV)/.installed pwa/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd pwa && npm run typecheck

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed pwa
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist instance
