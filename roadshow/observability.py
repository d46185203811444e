"""What each worker tells its operators: one JSON log line per HTTP request
and per WebSocket (``roadshow.requests``), the request id from the balancer
(``X-Request-ID``, answered back and carried into the tasks the request
enqueues), and Prometheus metrics at ``/metrics`` for the internal network.

The log and the request metrics are taken around the whole ASGI application,
so pages answered from the page cache before Django is entered count too."""

import ipaddress
import logging
import re
import time

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

import tracing

log = logging.getLogger("roadshow.requests")

HTTP_SECONDS = Histogram(
    "roadshow_http_request_duration_seconds",
    "Time from a request's start to its last byte, by method and status class.",
    ["method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBSOCKETS = Gauge(
    "roadshow_websockets_open", "Open WebSocket connections, by kind.", ["kind"]
)
WEBSOCKETS_TOTAL = Counter(
    "roadshow_websockets_total", "WebSocket connections opened, by kind.", ["kind"]
)


# A method label takes only these values (any other is "other"): a client
# cannot grow the metrics without bound.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

# A path segment that may be a credential (an invitation's or a calendar
# feed's token, a confirmation link's): long, or made of an id and a digest.
TOKEN_SEGMENT = re.compile(r"(?<=/)(?=[^/]*[0-9])[A-Za-z0-9_:=-]{20,}(?=/|$|\.)")


def loggable_path(path: str) -> str:
    """The path with anything that may be a credential replaced."""
    return TOKEN_SEGMENT.sub("…", path)


def _status_class(status: int) -> str:
    return f"{status // 100}xx" if status else "none"


def _ws_kind(path: str) -> str:
    return path.strip("/").split("/")[1] if path.count("/") > 2 else "other"


class RequestLog:
    """ASGI middleware: bind the request id, answer it back, log and count."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or ())
        request_id = tracing.accept(headers.get(b"x-request-id"))
        started = time.perf_counter()
        status = 0
        kind = _ws_kind(scope["path"]) if scope["type"] == "websocket" else ""

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", ()),
                        (b"x-request-id", request_id.encode()),
                    ],
                }
            elif message["type"] == "websocket.accept":
                status = 101
                WEBSOCKETS.labels(kind).inc()
                WEBSOCKETS_TOTAL.labels(kind).inc()
            await send(message)

        # Frames (``websocket.send``) pass unchanged: the live room's hub may
        # write them straight to the socket behind (livestream.transport).
        sending.frames_pass_to = send
        with tracing.bound(request_id):
            try:
                await self.app(scope, receive, sending)
            finally:
                elapsed = time.perf_counter() - started
                if scope["type"] == "http":
                    method = scope["method"] if scope["method"] in METHODS else "other"
                    HTTP_SECONDS.labels(method, _status_class(status)).observe(elapsed)
                elif status == 101:
                    WEBSOCKETS.labels(kind).dec()
                if log.isEnabledFor(logging.INFO):
                    path = loggable_path(scope["path"])
                    log.info(
                        "%s %s %s",
                        scope.get("method", "WS"),
                        path,
                        status,
                        extra={
                            "method": scope.get("method", "WS"),
                            "path": path,
                            "status": status,
                            "ms": round(elapsed * 1000, 1),
                            "client": (scope.get("client") or ("", 0))[0],
                        },
                    )


class QueueCollector:
    """Read at each scrape: the background queue's depth and failures, and
    the emails by state (from the database, shared by every worker)."""

    def describe(self):
        # What the registry asks at registration (without it, it would call
        # collect() and query the database while the apps load).
        yield GaugeMetricFamily("roadshow_tasks", "", labels=["status"])
        yield GaugeMetricFamily("roadshow_emails", "", labels=["status"])

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from mailing.models import Email

        tasks = GaugeMetricFamily(
            "roadshow_tasks", "Background tasks by state.", labels=["status"]
        )
        emails = GaugeMetricFamily(
            "roadshow_emails", "Emails by state.", labels=["status"]
        )
        try:
            for row in (
                DBTaskResult.objects.values("status").order_by().annotate(n=Count("pk"))
            ):
                tasks.add_metric([row["status"].lower()], row["n"])
        except Exception:  # noqa: BLE001 — a scrape never fails on this
            pass
        try:
            for row in (
                Email.objects.values("status").order_by().annotate(n=Count("pk"))
            ):
                emails.add_metric([row["status"]], row["n"])
        except Exception:  # noqa: BLE001
            pass
        yield tasks
        yield emails


_registered = False


def register_collectors() -> None:
    """Once per process: the queue's figures join the default registry."""
    global _registered
    if not _registered:
        REGISTRY.register(QueueCollector())
        _registered = True


def _internal(request) -> bool:
    """Prometheus reaches each worker directly from the internal network; a
    request that came through the balancer carries X-Forwarded-For."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network)
        for network in settings.METRICS_ALLOWED_NETWORKS
    )


@never_cache
@require_GET
def metrics(request):
    if not _internal(request):
        return HttpResponseForbidden("metrics are for the internal network")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
