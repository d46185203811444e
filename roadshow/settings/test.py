"""Cheap settings for the test suite."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": STORAGES["private"],  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LIVE_PRESENCE_INTERVAL = 1.0
# Worker processes started by the tests serve the source static files
# (nothing is collected in a fresh checkout).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
