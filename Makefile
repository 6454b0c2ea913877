# The two commands a newcomer needs (see README.md):
#   make run   — set everything up and serve the app with demo data
#   make test  — set everything up and run the whole test suite (what CI runs)

.PHONY: run test setup worker beat lint format seed screenshots

run:
	@bin/run

test:
	@bin/test

setup:
	@bin/setup

worker:
	@.venv/bin/celery -A feedbackhub worker --loglevel=INFO

beat:
	@.venv/bin/celery -A feedbackhub beat --loglevel=INFO

lint:
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

seed:
	@.venv/bin/python manage.py seed_demo

# Take the README's screenshots again (docs/screenshots/) with the browser tests.
screenshots:
	@SCREENSHOTS_DIR=docs/screenshots bin/test tests/browser
