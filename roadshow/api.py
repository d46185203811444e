"""The JSON API /api/v1/, joined: the library's routes (achievements/api.py,
where the API is made), the roadshows' (events/api.py), the programme's progress
(tracker/api.py), and last the API's
404 for any other path — a path is matched in the order routes are added."""

from achievements.api import api, unknown_paths
from events.api import router as roadshows
from tracker.api import router as progress

api.add_router("", roadshows)
api.add_router("", progress)
api.add_router("", unknown_paths)

__all__ = ["api"]
