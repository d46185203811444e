"""/favicon.ico: browsers ask for it at the root whatever the page links, so
it is answered here (the same file the base template links under /static/)."""

import functools

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

NAME = "favicon.ico"


@functools.cache
def _icon() -> bytes:
    found = finders.find(NAME)
    if found:
        with open(found, "rb") as f:
            return f.read()
    # Only the collected files where the source tree is not deployed.
    with staticfiles_storage.open(NAME) as f:
        return f.read()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    return HttpResponse(_icon(), content_type="image/x-icon")
