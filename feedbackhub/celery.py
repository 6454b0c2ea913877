"""The Celery application: Redis broker, configuration from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "feedbackhub.settings")

app = Celery("feedbackhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# `insights` keeps its tasks per area (see docs/architecture.md).
app.autodiscover_tasks(
    ["insights.themes", "insights.loop", "insights.analytics"], related_name="tasks"
)


@app.task(name="feedbackhub.ping")
def ping() -> str:
    """A no-op round trip, used by the health checks and the worker tests."""
    return "pong"
