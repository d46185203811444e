"""Whole-response cache of public pages for anonymous visitors.

Every cached page is keyed by the site's content version, which any publish,
unpublish or change of a roadshow or achievement bumps: a stale page is never
served after a change.  With several workers the cache must be shared (Redis,
REDIS_URL); the embedded default runs one process.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

VERSION_KEY = "site-content-version"
TIMEOUT = 600
CACHED_PREFIXES = ("/roadshows/", "/cases/")


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def content_changed(**kwargs) -> None:
    """Make every cached page stale (connected to the publishing signals)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    path = request.path
    return path == "/" or path.startswith(CACHED_PREFIXES)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{content_version()}:{translation.get_language()}:{path}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return response
