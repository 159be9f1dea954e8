# The two commands: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# LOCAL_HTTP=1: plain http on this machine (no https redirect, HSTS or secure-only cookies).
RUN_ENV := ALLOWED_HOSTS=$(HOST),localhost,127.0.0.1 SECRET_KEY_FILE=var/secret-key CACHE_DIR=var/cache LOCAL_HTTP=1 SITE_URL=http://$(HOST):$(PORT)

.PHONY: run dev test install install-test constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Every package, indirect ones included, at the version constraints.txt pins.
$(VENV)/.installed: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-test.txt -c constraints.txt
	touch $@ $(VENV)/.installed

## Write constraints.txt anew: what requirements*.txt resolve to today, in a throwaway venv.
constraints:
	rm -rf /tmp/memri-constraints && $(PYTHON) -m venv /tmp/memri-constraints
	/tmp/memri-constraints/bin/pip install -q -r requirements-test.txt
	{ sed -n '1,2p' constraints.txt; /tmp/memri-constraints/bin/pip freeze --all | grep -viE '^(pip|setuptools|wheel)=='; } > constraints.new
	mv constraints.new constraints.txt && rm -rf /tmp/memri-constraints

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

var/secret-key:
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

## Serve the demo site with gunicorn on http://$(HOST):$(PORT), as in production but on SQLite.
run: $(VENV)/.installed var/secret-key
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	$(RUN_ENV) $(BIN)/python manage.py rebuild_search_index
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(BIN)/gunicorn memri.wsgi --bind $(HOST):$(PORT) --workers 2 --no-control-socket

## Django's development server, with DEBUG on and auto-reload.
dev: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite on a throwaway PostgreSQL, then on SQLite.
test: $(VENV)/.installed-test
	scripts/run-tests $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles var
