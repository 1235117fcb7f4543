# Wharf: `make run` serves the index on 127.0.0.1:8000, `make test` runs the whole suite.
# Both create .venv and install what they need; nothing else has to be set up by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DATA   := $(or $(WHARF_DATA_DIR),var)
BIND   := $(or $(WHARF_BIND),127.0.0.1:8000)
BASE   := http://$(BIND)

.PHONY: run test lint audit setup setup-test worker

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.test: requirements-test.txt requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-test.txt
	@touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
	@mkdir -p $(DATA)
	@[ -n "$$DJANGO_SECRET_KEY" ] || [ -s $(DATA)/secret_key ] || \
	  (umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(DATA)/secret_key)
	@$(PY) manage.py migrate --noinput -v 0

run: setup
	@echo ""
	@echo "Wharf is serving on $(BASE)/"
	@echo "  upload URL (twine):  $(BASE)/legacy/"
	@echo "  index URL (pip, uv): $(BASE)/simple/"
	@echo ""
	@echo "Create a user and an API token from another terminal:"
	@echo "  $(PY) manage.py createuser alice --email alice@example.com --password 'choose-a-password' --verified-email"
	@echo "  $(PY) manage.py mint_token alice"
	@echo "Then publish and install:"
	@echo "  twine upload --repository-url $(BASE)/legacy/ -u __token__ -p <token> dist/*"
	@echo "  pip install --index-url $(BASE)/simple/ <project>"
	@echo ""
	@echo "Links in emails use WHARF_SITE_URL (default: this address; set it to the public URL in production)."
	@echo ""
	@# WHARF_BIND reaches the settings too, so email links follow the address served (WHARF_SITE_URL's default).
	@export WHARF_BIND=$(BIND); \
	  if [ -n "$$REDIS_URL" ]; then $(VENV)/bin/celery -A config worker --beat --loglevel warning & fi; \
	  exec $(VENV)/bin/gunicorn --config config/gunicorn.conf.py --bind $(BIND) config.wsgi:application

worker: setup
	exec $(VENV)/bin/celery -A config worker --beat --loglevel info

setup-test: $(VENV)/.test
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@[ -x /usr/sbin/nginx ] || (apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null)

test: setup-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Known vulnerabilities in the pinned dependencies (pip-audit); says so and passes where no source is reachable.
audit: setup-test
	$(PY) .ci/audit.py

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
