import pytest

from feedbackhub.celery import app, ping

pytestmark = pytest.mark.worker


def test_a_real_worker_on_redis_completes_a_task(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"


def test_tasks_survive_a_killed_worker_by_late_acknowledgement():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    # An unacknowledged task must not come back while it is still running.
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
