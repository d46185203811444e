"""Settings for the pages benchmark: the platform plus one trivial view."""

from roadshow.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Eight scanners scanning as fast as the machine allows: no per-user throttle.
CHECKIN_SCANS_PER_MINUTE = 10**9
# The live-room benchmark publishes from one account as fast as it steps up.
LIVE_RATE_LIMITS = dict.fromkeys(("ask", "vote", "chat", "moderate"), (10**9, 60))
