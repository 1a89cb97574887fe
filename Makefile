# Klyngeportalen. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test ci venv messages compilemessages lint format check clean

# The development venv holds the runtime set and the test tools (requirements-dev.txt includes
# requirements.txt); the production image installs requirements.txt alone (see Dockerfile).
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

compilemessages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: $(STAMP) compilemessages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP) compilemessages
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# What CI runs: PostgreSQL 15 and Redis on loopback, then `make test` (see .ci/run).
ci:
	bash .ci/run

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l da -l en --ignore=.venv --ignore=static/vendor --no-obsolete
	$(BIN)/python manage.py makemessages -d djangojs -l da -l en --ignore=.venv --ignore=static/vendor --ignore=staticfiles --no-obsolete

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
