"""The embedded default: `make demo`. No environment needed."""

import os
from pathlib import Path

from roadshow.secret_key import load_or_create

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "0") == "1"
# Never a constant: without SECRET_KEY in the environment, a random key made
# on first run and kept in the data folder (git-ignored, mode 0600).
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create(
    Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))  # noqa: F405
)
ALLOWED_HOSTS = ["*"] if DEBUG else ALLOWED_HOSTS  # noqa: F405
