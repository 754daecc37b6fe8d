# Two commands matter on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run console admin test lint format messages language

$(STAMP): pyproject.toml
	@echo "Installing the shop and its dependencies into $(VENV) (once, about 30 s)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)
	@echo "Installed. Every command is also at $(BIN)/shopbot (e.g. $(BIN)/shopbot console --admin)."

run: $(STAMP)
	$(BIN)/shopbot run

# The offline console as a customer, or as an admin; ARGS passes more options (ARGS="--user-id 7").
console: $(STAMP)
	$(BIN)/shopbot console $(ARGS)

admin: $(STAMP)
	$(BIN)/shopbot console --admin $(ARGS)

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot tests

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Translations (README, "Languages"): `make messages` extracts every marked text into
# bot/locales/messages.pot, merges it into each language's .po (new texts empty, changed ones
# fuzzy) and compiles the .mo files; `make language NEW=xx` starts a catalogue for a new one.
POT := bot/locales/messages.pot
CATALOGS := $(wildcard bot/locales/*/LC_MESSAGES/messages.po)

messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_plural:1,2 --add-location=file --sort-by-file \
		--project=shopbot --copyright-holder="shopbot contributors" -o $(POT) bot
ifneq ($(CATALOGS),)
	$(BIN)/pybabel -q update -i $(POT) -d bot/locales -D messages --ignore-obsolete
	$(BIN)/pybabel -q compile -d bot/locales -D messages --statistics
endif

language: $(STAMP)
	@test -n "$(NEW)" || { echo "Say which: make language NEW=it"; exit 2; }
	$(BIN)/pybabel init -i $(POT) -d bot/locales -D messages -l $(NEW)
