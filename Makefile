# `make run` and `make test` do all set-up on a fresh machine: venv, install, translations.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

.PHONY: setup run test lint bench i18n clean

setup: $(STAMP) $(MO_FILES)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Harbour needs Python 3.11 or newer"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy --domain messages --directory locales --locale $* --statistics 2>/dev/null || \
		$(BIN)/pybabel compile --domain messages --directory locales --locale $*

run: setup
	$(BIN)/harbour run

lint: setup
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing loudly" >&2; fi; exit $$rc

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

LANGS := ar fa ps ckb uk ru tr bg fr es el so ti

i18n: setup
	$(BIN)/pybabel extract --mapping-file babel.cfg --output-file locales/messages.pot \
		--keywords "_ N_ gettext ngettext:1,2 pgettext:1c,2 npgettext:1c,2,3" \
		--project Harbour --no-location --sort-output bot
	@for lang in $(LANGS); do \
		po=locales/$$lang/LC_MESSAGES/messages.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel update --input-file locales/messages.pot --domain messages \
				--output-dir locales --locale $$lang --no-fuzzy-matching --ignore-obsolete \
				--width 99 >/dev/null; \
		else \
			$(BIN)/pybabel init --input-file locales/messages.pot --domain messages \
				--output-dir locales --locale $$lang --width 99 >/dev/null; \
		fi; \
	done

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find locales -name '*.mo' -delete
