"""Whole-response cache of public pages for anonymous visitors.

Every cached page is keyed by the site's content version, which any publish,
unpublish or change of a roadshow or achievement bumps: a stale page is never
served after a change.  With several workers the cache must be shared (Redis,
REDIS_URL); the embedded default runs one process.

One writer, two readers of the same entries: the Django middleware (first in
the stack, so it stores the response with every header the rest of the stack
set) stores and serves them; under ASGI, ``PageCacheApp`` serves a hit before
Django is entered at all (no request object, no middleware, no thread).
"""

import hashlib

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse

from languages import request_language

VERSION_KEY = "site-content-version"
TIMEOUT = 600
CACHED_PREFIXES = ("/roadshows/", "/cases/")
HIT_HEADER = "X-Page-Cache"


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def content_changed(**kwargs) -> None:
    """Make every cached page stale (connected to the publishing signals).

    Bumped now, and again once the change commits: a request that renders
    between the write and its commit reads the old rows and would store the
    old page under the new version (a withheld achievement shown for the
    entry's whole lifetime)."""
    _bump()
    transaction.on_commit(_bump)


def mark_query_canonical(request, canonical: bool) -> None:
    """A page tells the cache that its query string is one it recognised,
    value by value, in its one canonical spelling: only such pages are stored,
    so random query strings cannot mint unbounded entries."""
    request.page_cache_query_ok = canonical


def cacheable(method: str, path: str, cookies: dict) -> bool:
    if method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return path == "/" or path.startswith(CACHED_PREFIXES)


def page_key(host: str, full_path: str, language: str, version: int) -> str:
    """Per host too: pages carry absolute addresses (webcal:// links)."""
    digest = hashlib.sha256(f"{host}{full_path}".encode()).hexdigest()
    return f"page:{version}:{language}:{digest}"


def lookup(host: str, full_path: str, language: str):
    """The stored (status, headers, body) of this page, or None."""
    return cache.get(page_key(host, full_path, language, content_version()))


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable(request.method, request.path, request.COOKIES):
            return self.get_response(request)
        language = request_language(request.COOKIES)
        key = page_key(
            request.META.get("HTTP_HOST", ""),
            request.get_full_path(),
            language,
            content_version(),
        )
        hit = cache.get(key)
        if hit is not None:
            status, headers, body = hit
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            response[HIT_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and (not request.META.get("QUERY_STRING") or _query_ok(request))
            and not response.cookies
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            headers = [(k, v) for k, v in response.items() if k != HIT_HEADER]
            cache.set(key, (200, headers, response.content), TIMEOUT)
            response[HIT_HEADER] = "miss"
        return response


def _query_ok(request) -> bool:
    return getattr(request, "page_cache_query_ok", False) is True


def _cookies_and_host(scope) -> tuple[dict, str]:
    from django.http.cookie import parse_cookie

    cookies, host = {}, ""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookies = parse_cookie(value.decode("latin-1"))
        elif name == b"host":
            host = value.decode("latin-1")
    return cookies, host


class PageCacheApp:
    """ASGI: answer a cached public page without entering Django."""

    def __init__(self, app):
        self.app = app
        # An in-process cache is read in the event loop; a shared one (a
        # network round trip) in a worker thread.
        self.local = isinstance(cache, LocMemCache)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            cookies, host = _cookies_and_host(scope)
            if cacheable(scope["method"], scope["path"], cookies):
                full_path = scope.get("root_path", "") + scope["path"]
                if scope.get("query_string"):
                    full_path += "?" + scope["query_string"].decode("latin-1")
                language = request_language(cookies)
                if self.local:
                    hit = lookup(host, full_path, language)
                else:
                    hit = await sync_to_async(lookup, thread_sensitive=False)(
                        host, full_path, language
                    )
                if hit is not None:
                    await _send(send, *hit)
                    return
        await self.app(scope, receive, send)


async def _send(send, status: int, headers: list, body: bytes) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    raw.append((b"x-page-cache", b"hit"))
    if not any(k == b"content-length" for k, _v in raw):
        raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
