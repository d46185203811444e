"""Settings shared by every environment, configured from the environment.

The embedded default (SQLite in WAL mode, in-memory channel layer) needs no
environment at all; DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "accounts",
    "achievements",
    "agrilists",
    "events",
    "calls",
    "livestream",
    "matchmaking",
    "invitations",
    "meetrooms",
    "tracker",
    "licences",
    "cms",
    # Helpers with records of their own (they import no app).
    "mailing",
    "jobs",
    # The wiring (after every app it joins): seed_demo, the programme's target.
    "roadshow",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users admin, without the superuser switch (accounts.admin_users).
    "accounts.wagtail_users.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

# Background work (django-tasks).  "default" is Wagtail's own (its index
# updates), run at once as before.  "background" carries our emails (queue
# "mail") and the slow work started from pages (queue "jobs"): with
# TASKS_QUEUE=database (production's default) each is enqueued in the
# transaction of the change that causes it and run by `manage.py db_worker
# --backend background --queue-name '*'`; otherwise (the embedded default)
# it runs in the process right after the commit.
TASKS_QUEUE = os.environ.get("TASKS_QUEUE", "immediate")
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_QUEUE == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["mail", "jobs"],
    },
}

MIDDLEWARE = [
    # First: a cached page is stored with every header the stack below set
    # (and under ASGI, cms.cache.PageCacheApp serves it before Django).
    "cms.cache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "languages.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_exception runs first: an unreachable database is
    # a 503 page, not a 500.
    "roadshow.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "roadshow.urls"
ASGI_APPLICATION = "roadshow.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "roadshow.navigation.site_section",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE avoids
    # "database is locked" upgrades from read to write inside a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI every request runs in its own thread: persistent connections
    # would pile up, so PostgreSQL connections come from a pool instead.
    if env_bool("DB_POOL", True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "20")),
            "timeout": 10,
            # While the database is away the pool retries a connection with
            # a doubling delay (1, 2, 4, 8, 16 s …): after a 20-second outage
            # its next try came 10 s after the database was back, and the
            # requests waiting meanwhile failed (bench/drill.py, pg_restart).
            # Giving up a series after 3 s starts a new one, from 1 s, with
            # the next request that needs a connection.
            "reconnect_timeout": float(os.environ.get("DB_POOL_RECONNECT", "3")),
        }
        # With the pool: a connection the database dropped (a restart, a
        # failover) is found out and replaced when taken from the pool (one
        # empty round trip), not by the request that drew it failing
        # (bench/drill.py, pg_restart).
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Through pgbouncer in transaction mode (deploy/pgbouncer.ini) each
    # transaction may run on another server connection: nothing may outlive
    # one — no server-side cursors (``.iterator()``) and no prepared
    # statements (psycopg prepares a query run five times on a connection
    # once server-side binding is on; Django's default binds client-side).
    if os.environ.get("DB_POOLER", "") == "pgbouncer":
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None

# While this file exists the worker answers /readyz with 503: a rolling
# restart drains it before stopping it (deploy/).
DRAIN_FILE = os.environ.get("DRAIN_FILE", "")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times reads out after 5 s by default, the same
                # time channels_redis blocks in BZPOPMIN for: every idle
                # receive would fail (channels_redis#422).  Longer than the
                # block, still short enough to notice a dead connection.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                # Room hubs drain their channel at once; allow bursts.
                "capacity": 1000,
            },
        }
    }
    CACHES = {
        "default": {
            # Falls back to the process's memory while Redis is unreachable
            # (roadshow/cache.py): degraded, never down.
            "BACKEND": "roadshow.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer fails fast instead of holding
            # every request that touches the cache.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login from an address that failed too often.
    "axes.backends.AxesStandaloneBackend",
    # Then: a username that failed too often waits, its password unchecked.
    "accounts.backends.LoginDelayBackend",
    "accounts.backends.RoleBackend",
]
# Behind a load balancer every request comes from the balancer's address: set
# this to the number of proxies in front of the platform, each of which
# appends to X-Forwarded-For (accounts.ratelimit.client_address). 0: no proxy.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Axes locks an address (never a username: that would let anyone lock an
# organizer out) after this many failures within the cool-off period.
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimit.client_address"
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# A success from a shared address must not wipe an attacker's failures there.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# Per username (accounts.ratelimit.login_wait): after this many failed
# passwords, one try per delay, doubling from the base up to the maximum;
# failures are forgotten after an hour without one, or on a success.
LOGIN_DELAY_AFTER = int(os.environ.get("LOGIN_DELAY_AFTER", "5"))
LOGIN_DELAY_BASE = 15  # seconds
LOGIN_DELAY_MAX = 300
LOGIN_FAILURE_MEMORY = 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 12
# Sessions read from the cache (Redis at scale), written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploads live outside the code; confidential files are served by checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Larger files are spooled to disk instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Imports accept spreadsheets up to this size; attachments up to the next.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 40 * 1024 * 1024))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
# A meeting room stays writable this long after its slot ends (then: read-only).
MEET_ROOM_GRACE_MINUTES = int(os.environ.get("MEET_ROOM_GRACE_MINUTES", "15"))
# The review time an investor waiting for approval is told, until the
# platform has enough decisions of its own to quote (accounts.standing).
INVESTOR_REVIEW_TARGET_DAYS = int(os.environ.get("INVESTOR_REVIEW_TARGET_DAYS", "3"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

WAGTAIL_SITE_NAME = _("科技成果路演平台")
# The address in emails and calendar files: BASE_URL (required in production);
# `make demo` passes the HOST and PORT it serves on.
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "xlsx", "docx", "pptx"]
# Gravatar is blocked in mainland China: admin avatars would hang on it.
# Without a provider Wagtail shows the uploaded avatar or its default image.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "roadshow@localhost")
# Seconds before each further attempt to send an email that failed; how many
# there are is how many times it is tried again (mailing.services).
EMAIL_RETRY_DELAYS = tuple(
    int(seconds)
    for seconds in os.environ.get("EMAIL_RETRY_DELAYS", "60,300,1800,7200,21600").split(
        ","
    )
    if seconds.strip()
)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# LOG_FORMAT=json: one JSON object per line with the request id (production's
# default); REQUEST_LOG=1: one line per HTTP request and WebSocket
# (roadshow.observability; production's default).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tracing.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "roadshow.requests": {
            "level": "INFO" if env_bool("REQUEST_LOG", False) else "WARNING"
        },
        "mailing": {"level": "INFO" if env_bool("REQUEST_LOG", False) else "WARNING"},
    },
}
# Who may read a worker's /metrics: Prometheus on the internal network, never
# through the balancer (which also refuses /metrics).
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS") or [
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
]

# The programme's catalogue pages show this many achievements per page.
CATALOGUE_PAGE_SIZE = 20
PLATFORM_NAME = _("科技成果路演平台")

# The follow-up tracker: a deal that has not moved for this many days in its
# stage is listed as needing attention (and in the weekly digest).
TRACKER_STALE_DAYS = {
    "interest": 14,
    "consultation": 30,
    "plan": 30,
    "negotiation": 30,
    "evaluation": 30,
    "listing": 30,
    "bidding": 14,
    "signed": 30,
    "settlement": 60,
    "registration": 30,
    "disclosure": 20,
    "certificate": 60,
}
# Public disclosure objections: at most this many a day per client address
# and deal (so one party cannot spend everybody's budget).
OBJECTIONS_PER_DAY = 5
# The shortest objection period of a public disclosure, in days (only
# organizers may set a shorter one, with a reason recorded in the history).
TRACKER_DISCLOSURE_MIN_DAYS = 15

# Files of background jobs (an import's upload while it waits, an export's
# workbook) are private: kept outside MEDIA_ROOT (never served as media),
# read only through the jobs' checked views.  With object storage, point
# STORAGES["private"] at a private bucket instead.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "var" / "private"))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_ROOT, "base_url": "/nowhere/"},
}
# An export of more rows than this runs as a background job (a file to
# download from the job's page); smaller ones are written in the request.
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", 5000))
# How long an export's file is kept for its starter (hours).
JOBS_FILE_RETENTION_HOURS = int(os.environ.get("JOBS_FILE_RETENTION_HOURS", 24))
