import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from roadshow.asgi import application  # noqa: E402,F401
