"""The cache on Redis, forgiving: when Redis is down or frozen, a miss, not a 500.

Nothing in the cache is the truth (API throttling counters, the unthemed-notes
counter, the overview's refresh flag), so losing it for a while is harmless,
while an exception or a 30-second wait in every request is not. Each failed
call is logged and answers as if the key were absent; the socket timeouts in
settings (CACHES OPTIONS) bound how long a frozen Redis can hold a request.
"""

import functools
import logging

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

from feedbackhub import redis_breaker

log = logging.getLogger(__name__)

_REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _forgiving(method, fallback):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if redis_breaker.is_open():
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except _REDIS_DOWN as exc:
            redis_breaker.trip()
            log.warning("Cache unavailable for %s (%s); carrying on", method.__name__, exc)
            return fallback(*args, **kwargs)

    return call


def _default(key, default=None, *args, **kwargs):
    return default


class ForgivingRedisCache(RedisCache):
    get = _forgiving(RedisCache.get, _default)
    get_many = _forgiving(RedisCache.get_many, lambda *a, **k: {})
    has_key = _forgiving(RedisCache.has_key, lambda *a, **k: False)
    set = _forgiving(RedisCache.set, lambda *a, **k: None)
    set_many = _forgiving(RedisCache.set_many, lambda keys, *a, **k: list(keys))
    add = _forgiving(RedisCache.add, lambda *a, **k: False)
    touch = _forgiving(RedisCache.touch, lambda *a, **k: False)
    delete = _forgiving(RedisCache.delete, lambda *a, **k: False)
    delete_many = _forgiving(RedisCache.delete_many, lambda *a, **k: None)
    # A lost counter restarts from nothing; counters here are hints, not figures.
    incr = _forgiving(RedisCache.incr, lambda key, delta=1, *a, **k: delta)
    clear = _forgiving(RedisCache.clear, lambda *a, **k: False)
