"""While the database is unreachable (a failover, a restart), every request
that needs it gets a clear 503 — a short page in both languages, or JSON for
the API — with Retry-After, never a stack trace and never a 500.  The
transaction it was in has rolled back, so nothing is half-written.

The page is plain HTML with no context processors: the base template itself
reads the database (the site's navigation, the signed-in user)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def _unreachable(exception: BaseException) -> bool:
    if isinstance(exception, OperationalError | InterfaceError):
        return True
    # The connection pool found no connection in time.
    return type(exception).__name__ == "PoolTimeout"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _unreachable(exception):
            return None
        return unavailable(request, exception)


def unavailable(request, exception: BaseException):
    log.warning("database unavailable: %s: %s", type(exception).__name__, exception)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": "unavailable", "detail": "database unavailable, try again"},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """handler500: an unreachable database met outside a view (a middleware
    saving the session, looking up a redirect for a 404) is a 503 too."""
    exception = sys.exc_info()[1]
    if exception is not None and _unreachable(exception):
        return unavailable(request, exception)
    return defaults.server_error(request)
