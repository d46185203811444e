"""The embedded default: `make demo`. No environment needed."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "0") == "1"
# The demo is served on loopback only; a fixed key is acceptable there and
# production.py refuses to start without its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-demo-only-not-for-production")
ALLOWED_HOSTS = ["*"] if DEBUG else ALLOWED_HOSTS  # noqa: F405
