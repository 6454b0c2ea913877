"""FeedbackHub settings, read from the environment (twelve-factor).

Every variable is documented in `.env.example`. Development defaults work on a
machine with PostgreSQL and Redis on localhost; production sets DEBUG=0 and a
real SECRET_KEY, and then `manage.py check --deploy` has nothing to report.
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from feedbackhub.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is the development key; set a real one when DEBUG=0")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "feedbackhub.admin_site.FeedbackHubAdminConfig",  # django.contrib.admin, ours first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # pg_trgm lookups for the fuzzy account search
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_htmx",
    "accounts",
    "deals",
    "insights",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First, so that a report waiting for a seat holds no database connection yet.
    "feedbackhub.report_guard.ReportGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that touches the database: refuses NUL characters, and
    # answers 503 when the database or Redis is down (feedbackhub.errors).
    "feedbackhub.errors.RequestErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "feedbackhub.security.PrivatePagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "feedbackhub.urls"
WSGI_APPLICATION = "feedbackhub.wsgi.application"
ASGI_APPLICATION = "feedbackhub.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "insights.loop.context_processors.notifications",
            ],
            # Project-wide template helpers: money and labels ({% load money %}), how
            # long something took ({% load durations %}), the menu's current page
            # ({% load nav %}).
            "libraries": {
                "money": "feedbackhub.templatetags.money",
                "durations": "feedbackhub.templatetags.durations",
                "nav": "feedbackhub.templatetags.nav",
            },
        },
    },
]

# --- Data stores -----------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/feedbackhub")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# An empty REDIS_URL means "no Redis": local-memory cache and in-process tasks.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if REDIS_URL:
    # Forgiving (feedbackhub.cache): with Redis down or frozen, a cache call
    # is a miss after at most a second, never an error page.
    CACHES = {
        "default": {
            "BACKEND": "feedbackhub.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fh",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication ---------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes), on /accounts/login/ and /admin/login/ alike:
# after AXES_FAILURE_LIMIT wrong passwords for one username, or from one
# address, further tries are refused for AXES_COOLOFF_MINUTES, even with the
# right password. An admin unlocks early by deleting the "Access attempts" rows
# in Django admin (or `manage.py axes_reset_username NAME`).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy every request comes from the proxy's address; say how
# many proxies append to X-Forwarded-For so the client's own address is used
# (feedbackhub/client_address.py; docker-compose.yml's nginx: 1).
TRUSTED_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "feedbackhub.client_address.client_address"

# --- Internationalisation and static files ----------------------------------

LANGUAGE_CODE = "en-us"
# One date format everywhere, admin included: "17 Jan 2026" (feedbackhub/formats).
FORMAT_MODULE_PATH = ["feedbackhub.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Every amount (deal, ARR, revenue) is in this one currency; pages show it
# with its symbol through feedbackhub.money. An ISO 4217 code.
CURRENCY = env_str("CURRENCY", "USD").strip().upper()
if not re.fullmatch(r"[A-Z]{3}", CURRENCY):
    raise ImproperlyConfigured(f"CURRENCY must be an ISO 4217 code such as USD, got {CURRENCY!r}")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FeedbackHub <feedbackhub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The overview is recomputed by beat every 5 minutes; a snapshot older than
# this is shown with its age and refreshed in the background.
OVERVIEW_MAX_AGE_SECONDS = env_int("OVERVIEW_MAX_AGE_SECONDS", 600)
# Competitor figures: recomputed by beat every 5 minutes, as the overview.
COMPETITORS_MAX_AGE_SECONDS = env_int("COMPETITORS_MAX_AGE_SECONDS", 600)
# The filtered dashboard's figures per filter set, kept this long (and
# dropped as soon as the statistics task stores anything).
DASHBOARD_FILTER_CACHE_SECONDS = env_int("DASHBOARD_FILTER_CACHE_SECONDS", 120)
# A themes export with more rows than this is built by a worker and offered
# as a download when ready; smaller ones stream in the request.
THEME_EXPORT_STREAM_MAX_ROWS = env_int("THEME_EXPORT_STREAM_MAX_ROWS", 5000)
# A built export's file is deleted this long after it was ready (beat checks
# hourly); its page then says it expired. A day covers "download it tomorrow
# morning" without keeping every big CSV in the database for good.
THEME_EXPORT_KEEP_HOURS = env_int("THEME_EXPORT_KEEP_HOURS", 24)
# Webhooks are posted only to public internet addresses, checked on the
# resolved address at send time; set this only where the receivers are on your
# own network (and the test suite, whose receivers listen on localhost).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# Report pages (by URL name): each GET runs with a statement timeout and takes
# one of REPORT_CONCURRENCY seats of its web process, waiting at most
# REPORT_QUEUE_SECONDS for one; see feedbackhub/report_guard.py.
REPORT_URL_NAMES = frozenset(
    env_list(
        "REPORT_URL_NAMES",
        "dashboard,theme_page,overview,competitors,competitor_page,pmf",
    )
)
REPORT_STATEMENT_TIMEOUT_MS = env_int("REPORT_STATEMENT_TIMEOUT_MS", 10_000)
REPORT_CONCURRENCY = env_int("REPORT_CONCURRENCY", 2)
REPORT_QUEUE_SECONDS = env_int("REPORT_QUEUE_SECONDS", 30)
if REPORT_STATEMENT_TIMEOUT_MS < 1 or REPORT_CONCURRENCY < 1 or REPORT_QUEUE_SECONDS < 0:
    raise ImproperlyConfigured(
        "REPORT_STATEMENT_TIMEOUT_MS and REPORT_CONCURRENCY must be positive, "
        "REPORT_QUEUE_SECONDS zero or more"
    )
# Where people open FeedbackHub: links in emails and webhook payloads start here.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

# --- Security (production) --------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself; otherwise clients could spoof it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (django-csp): scripts, styles and images only from
# our own origin, no inline script or style anywhere (page scripts live in
# static/js/, Swagger UI comes from drf-spectacular-sidecar), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# /healthz is probed over plain HTTP by load balancers and compose.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- REST API ---------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: DRF answers a request without credentials with the first
    # class's challenge, so a client hears 401 + "WWW-Authenticate: Token"
    # (log in) rather than 403 (not allowed). Browsers still sign in by session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "feedbackhub.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "feedbackhub.api_errors.api_exception_handler",
    "DEFAULT_METADATA_CLASS": "feedbackhub.api_metadata.Metadata",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_THROTTLE_RATE", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FeedbackHub API",
    "DESCRIPTION": "Call notes, accounts, deals and the themes they form.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -----------------------------------------------------------------

# Without Redis (the embedded fallback) tasks run in-process, synchronously.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL or "cache+memory://"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only once it finished, and handed back to the queue
# when the worker process dies, so a killed worker loses nothing. Tasks must
# therefore be idempotent (they are: they take ids and re-read the world).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker that loses its broker connection gets the messages of the tasks it
# is running delivered again elsewhere (late acks): cancel those tasks rather
# than let them run on beside their second copy. (Runs are fenced by their
# lease anyway; this also keeps Celery 6's default.)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Stopping a worker (SIGTERM from systemd or docker) starts a warm shutdown:
# the main process hands the theme runs of its pool back at once, under a new
# lease (insights.themes.tasks.hand_back_theme_runs), so the next worker takes
# them without waiting for their heartbeat to go stale; other tasks finish,
# or, when their pool process died of the same SIGTERM, go back to the queue
# (reject on worker lost). Figures in docs/reliability.md.
# Long tasks: a worker holds only the task it is running.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 55 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Redis may drop anything; the database is the truth (docs/reliability.md).
# A web request that commits a write then queues its task. When Redis is down
# the connection is refused at once; when it is frozen (SIGSTOP, a full disk,
# a dead network path) nothing answers, and without these bounds kombu would
# wait forever and gunicorn would kill the request after 30 s. So: one second
# to connect, one second per command, and no publish retries (each would add
# another second); feedbackhub.queue logs the failure and the request
# succeeds, because the reconcilers re-drive from the database what was not
# queued.
BROKER_TIMEOUT_SECONDS = float(env_str("BROKER_TIMEOUT_SECONDS", "1"))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT_SECONDS  # the result backend
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
# With Redis, a task taken by a worker that dies unacknowledged comes back
# only after the visibility timeout. It must outlast the longest task (the
# hard time limit), or a slow task would be delivered a second time while it
# still runs (and a countdown retry held by a worker, many times over). So it
# stays long, and it is only the backstop: what a killed worker was doing is
# re-driven from the database within two minutes (a run: heartbeat stale after
# THEME_RUN_STALE_SECONDS, then the next reconcile pass; see below).
# kombu looks for abandoned messages every `unacked_restore_interval` seconds
# but scans Redis only on every `unacked_restore_throttle`-th look (default
# 10, so 10 minutes with a 60 s interval); throttle 1 makes the scan happen
# each minute, so an abandoned message is back within visibility + 60 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 300),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 60),
    "unacked_restore_throttle": 1,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    # A refused connection fails the publish at once instead of sleeping 2 s
    # before a second try (kombu's default); the worker's own reconnection
    # loop is separate (broker_connection_max_retries) and keeps retrying.
    "max_retries": 0,
    # A worker's idle connection is checked every 10 s, so one left half-open
    # by a Redis restart is replaced within about 20 s, not 51.
    "health_check_interval": 10,
}
# How often beat runs the reconcilers (insights.themes.reconcile and
# insights.loop.reconcile): each pass re-drives what the database says is
# overdue. Tests shorten it; in production once a minute is cheap and fast.
RECONCILE_EVERY_SECONDS = env_int("RECONCILE_EVERY_SECONDS", 60)
# A piece of work is overdue this long after it should have happened: a saved
# note still unplaced, a status change not fanned out, an email not sent.
# Placement takes a second or two, so a minute means it was lost, not slow.
RECONCILE_OVERDUE_SECONDS = env_int("RECONCILE_OVERDUE_SECONDS", 60)
# The daily digest goes at DIGEST_HOUR:00 (TIME_ZONE); a digest day runs from
# then to the same hour the next day, and each person gets at most one a day.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
CELERY_BEAT_SCHEDULE = {
    "nightly-full-theme-run": {
        "task": "insights.tasks.scheduled_full_run",
        "schedule": crontab(hour=2, minute=30),
    },
    "daily-notification-digest": {
        "task": "insights.tasks.send_daily_digests",
        "schedule": crontab(hour=DIGEST_HOUR, minute=0),
    },
    "refresh-overview": {
        "task": "insights.tasks.refresh_overview",
        "schedule": crontab(minute="*/5"),
    },
    "refresh-competitor-figures": {
        "task": "insights.tasks.refresh_competitors",
        "schedule": crontab(minute="*/5"),
    },
    "delete-expired-theme-exports": {
        "task": "insights.tasks.expire_theme_exports",
        "schedule": crontab(minute=20),
    },
    "refresh-theme-statistics": {
        "task": "insights.tasks.refresh_all_theme_stats",
        "schedule": crontab(minute="*/15"),
    },
    # A pass that finds nothing costs a few indexed queries; a pass that
    # waited in a backed-up queue is dropped (`expires`): the next one comes.
    "reconcile-theme-work": {
        "task": "insights.tasks.reconcile_theme_work",
        "schedule": RECONCILE_EVERY_SECONDS,
        "options": {"expires": RECONCILE_EVERY_SECONDS},
    },
    "reconcile-closing-the-loop": {
        "task": "insights.tasks.reconcile_closing_the_loop",
        "schedule": RECONCILE_EVERY_SECONDS,
        "options": {"expires": RECONCILE_EVERY_SECONDS},
    },
}

# --- Theme engine -----------------------------------------------------------

# A running run's worker writes a heartbeat every THEME_RUN_HEARTBEAT_SECONDS
# from a thread of its own, whatever the phase (grouping a million notes is
# one long call). A run whose heartbeat is older than THEME_RUN_STALE_SECONDS
# is taken to be dead (its worker was killed): the reconciler re-queues it and
# the next worker takes it over. Worst case from a kill to the run resuming:
# stale (30 s) + one reconcile interval (60 s) + a worker picking it up, about
# 90 s, within the promised two minutes. A run re-driven THEME_RUN_MAX_REDRIVES
# times is marked failed with the reason on the engine panel.
THEME_RUN_HEARTBEAT_SECONDS = env_int("THEME_RUN_HEARTBEAT_SECONDS", 5)
THEME_RUN_STALE_SECONDS = env_int("THEME_RUN_STALE_SECONDS", 30)
THEME_RUN_MAX_REDRIVES = env_int("THEME_RUN_MAX_REDRIVES", 3)
# A full run starts by itself once this many notes wait unthemed since the last run.
THEME_RUN_UNTHEMED_THRESHOLD = env_int("THEME_RUN_UNTHEMED_THRESHOLD", 200)
# Workers load the embedding model as they start (in the background), so the
# first "this need is already known" hint of the day does not wait for it.
THEME_PRELOAD_MODEL = env_bool("THEME_PRELOAD_MODEL", True)

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
