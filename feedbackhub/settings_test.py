"""Settings for the test suite: the real PostgreSQL and Redis, isolated.

Redis database 15 keeps test queues and cache apart from a developer's
running app (database 0).
"""

import os

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")

from feedbackhub.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"user": "10000/minute"}  # noqa: F405
# The webhook tests' receivers listen on localhost; tests of the address
# check turn this off again.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
