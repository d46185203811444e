"""Production: refuses to start without a secret key and hosts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

try:
    SECRET_KEY = os.environ["SECRET_KEY"]
except KeyError as exc:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.") from exc
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
if not os.environ.get("BASE_URL", "").startswith(("https://", "http://")):
    # The address in every email and calendar file: a guess would send people
    # to the wrong host.
    raise ImproperlyConfigured(
        "BASE_URL must be set in production (the platform's public address, "
        "e.g. https://roadshow.example.cn)."
    )

DEBUG = False
if "LOG_FORMAT" not in os.environ:
    LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
if "REQUEST_LOG" not in os.environ:
    LOGGING["loggers"]["roadshow.requests"]["level"] = "INFO"  # noqa: F405
    LOGGING["loggers"]["mailing"]["level"] = "INFO"  # noqa: F405
# Hashed names (style.3f2a….css), which WhiteNoise serves with a year's
# max-age: a deploy changes the names, never a cached file's content.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
# The balancer's health checks and Prometheus speak plain HTTP to each worker.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies only over HTTPS.  SECURE_COOKIES=0 is for a trial on one machine
# over plain HTTP (`make cluster`), never for a public host.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)  # noqa: F405
    # A mail server that hangs holds a task worker, never a request.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Emails leave from the database queue (`manage.py db_worker --backend
# background --queue-name '*'`, deploy/), enqueued in the transaction of the
# change that causes them; TASKS_QUEUE=immediate sends them from the web
# process after the commit instead.
if os.environ.get("TASKS_QUEUE", "database") == "database":
    TASKS["background"]["BACKEND"] = "django_tasks_db.DatabaseBackend"  # noqa: F405
