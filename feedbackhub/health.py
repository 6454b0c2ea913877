"""`/healthz`: is the database up, is Redis up — and which one is down."""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the message says why
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None  # the embedded mode runs without Redis on purpose
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:
        return str(exc) or type(exc).__name__
    return None


@login_not_required
@never_cache
@require_GET
def healthz(request):
    problems = {"database": _check_database(), "redis": _check_redis()}
    checks = {name: ("down: " + err if err else "ok") for name, err in problems.items()}
    if not settings.REDIS_URL:
        checks["redis"] = "not used (embedded mode)"
    healthy = not any(problems.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
