import pytest
from django.test import Client

from tests.factories import AdminFactory, ProductManagerFactory, RepFactory


@pytest.fixture
def rep(db):
    return RepFactory()


@pytest.fixture
def other_rep(db):
    return RepFactory()


@pytest.fixture
def pm(db):
    return ProductManagerFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rep_client(rep):
    return _client_for(rep)


@pytest.fixture
def pm_client(pm):
    return _client_for(pm)


@pytest.fixture
def admin_client_(admin_user):
    """A logged-in client for a user with the Admin role (not a superuser)."""
    return _client_for(admin_user)


@pytest.fixture(scope="session", autouse=True)
def _empty_test_redis():
    """Start every test session with an empty test Redis database (queues, cache)."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on the local Redis and the test database."""
    from tests.worker import WorkerProcess

    worker = WorkerProcess().start()
    yield worker
    worker.stop()


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in the calling process, retries included, as a worker would."""
    from celery import _state

    from feedbackhub.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
    # Eager tasks flip a process-wide "no result.get() here" flag and put it
    # back on the way out; tasks run eagerly in two threads at once can leave
    # it set, which would break a later test that waits for a real worker.
    _state._set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _redis_breaker_closed(monkeypatch):
    """Each test starts with Redis trusted again: a failure a test provoked on
    purpose must not make the next test skip Redis (feedbackhub.redis_breaker)."""
    from feedbackhub import redis_breaker

    monkeypatch.setattr(redis_breaker, "_open_until", 0.0)


@pytest.fixture
def redis_server():
    """A redis-server of the test's own (tests/faults.py), for tests that stop or freeze it."""
    from tests.faults import PrivateRedis

    server = PrivateRedis().start()
    yield server
    server.stop()


@pytest.fixture
def queued(monkeypatch):
    """Tasks queued after commit, recorded instead of sent: (name, args).

    (A few test modules keep a `queued` of their own that records at another point.)
    """
    sent = []
    monkeypatch.setattr(
        "feedbackhub.queue._publish", lambda task, args: sent.append((task.name, args))
    )
    return sent
