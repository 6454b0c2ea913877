"""Every task name the code relies on belongs to a task the worker registers.

Beat names its tasks by string and services queue theirs by name
(feedbackhub.queue), so a typo or a renamed task would only show up as work
silently never done; these tests make it fail here instead.
"""

import ast
from pathlib import Path

import pytest
from celery.exceptions import NotRegistered
from django.conf import settings

from feedbackhub.celery import app
from feedbackhub.queue import enqueue_now

REPO = Path(__file__).resolve().parents[1]
QUEUE_FUNCTIONS = {"enqueue_on_commit", "enqueue_now", "enqueue_group"}


def _registered() -> set[str]:
    app.loader.import_default_modules()  # what a worker imports when it starts
    return set(app.tasks)


def _task_name_constants() -> dict[str, str]:
    """Module-level `…_TASK = "name"` constants of the product code, by constant name."""
    names = {}
    for path in (REPO / "insights").rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and any(isinstance(t, ast.Name) and t.id.endswith("_TASK") for t in node.targets)
            ):
                names[f"{path.relative_to(REPO)}:{node.targets[0].id}"] = node.value.value
    return names


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_beat_entry_names_a_registered_task(entry):
    assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] in _registered()


def test_every_task_name_services_queue_by_is_registered():
    constants = _task_name_constants()
    assert constants, "no task name constants found: has the code moved?"
    unknown = {where: name for where, name in constants.items() if name not in _registered()}
    assert unknown == {}


def test_queue_calls_name_their_task_through_a_constant():
    """A literal name in a queue call would escape the check above."""
    literal_calls = []
    for path in (REPO / "insights").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in QUEUE_FUNCTIONS
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                literal_calls.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert literal_calls == []


def test_an_unknown_task_name_fails_loudly_instead_of_dropping_the_work():
    with pytest.raises(NotRegistered):
        enqueue_now("insights.tasks.no_such_task")
