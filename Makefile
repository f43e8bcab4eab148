# Two commands for a fresh machine (README): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup pg chromium fonts bench bench-load reliability reliability-full clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) fonts

## Set up and run the bot: with no Slack tokens it starts the local sandbox workspace and prints where to look.
run: $(STAMP)
	$(BIN)/crisisbot

## Set up and run every check: ruff, then the tests on SQLite and on a PostgreSQL server the tests start,
## and the browser tests in headless Chromium (Debian's package).
test: $(STAMP) pg chromium fonts
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

## PostgreSQL's binaries for the tests (Debian's postgresql package), installed when missing.
pg:
	bash scripts/ensure-postgres.sh

## Benchmarks (figures in the README): the report flow against the sandbox, beside a bare Bolt app.
bench: $(STAMP)
	$(BIN)/python -m bench.report --incidents 40

## Load benchmark (figures in the README's Reliability section): 1/10/50 people at once beside a bare Bolt app, a
## burst of 100 incidents under Slack's rate-limit tiers, the tick with 100,000 timers (SQLite and PostgreSQL), RSS.
bench-load: $(STAMP) pg
	$(BIN)/python -m bench.load

## The reliability suites with small counts (they also run in `make test`): crash (SIGKILL), replicas, fault
## matrix, fuzzing, authorization matrix, races (every interaction twice at once). `reliability-full` runs the
## same with the full counts (20 rounds of each race).
reliability: $(STAMP) pg
	$(BIN)/python -m pytest -q -m reliability $(PYTEST_ARGS)

reliability-full: $(STAMP) pg
	CRISISBOT_RELIABILITY_FULL=1 CRISISBOT_RACE_ROUNDS=20 $(BIN)/python -m pytest -q -m reliability --timeout 1800 $(PYTEST_ARGS)

## Debian's chromium (and CJK / emoji fonts) for the browser tests, installed when missing.
chromium:
	bash scripts/ensure-chromium.sh

## Noto Sans CJK (Debian's fonts-noto-cjk) for the review's chart, installed when missing.
fonts:
	bash scripts/ensure-fonts.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
