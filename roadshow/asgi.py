"""ASGI entry point: HTTP through Django; WebSockets (live rooms and meeting
rooms) through Channels with session auth and an Origin check; around both,
the request id, the request log and the request metrics."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadshow.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware, get_user  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402

from cms.cache import PageCacheApp  # noqa: E402
from livestream.routing import websocket_urlpatterns as live  # noqa: E402
from meetrooms.routing import websocket_urlpatterns as meet  # noqa: E402

from .observability import RequestLog  # noqa: E402


class SocketAuth(AuthMiddleware):
    """Channels' ``AuthMiddleware``, reading the session's user on the thread
    pool instead of the process's one thread-sensitive thread.  There every
    socket's reads wait first in, first out, and a handshake whose user
    waited behind a crowd's reads (a reconnect storm) was closed by Daphne
    after its websocket_connect_timeout of 5 s, before the consumer could
    accept it (README, "Running at scale")."""

    async def resolve_scope(self, scope):
        scope["user"]._wrapped = await database_sync_to_async(
            get_user.func, thread_sensitive=False
        )(scope)


def build(http, websocket_routes: list):
    """The platform's ASGI stack: around everything the request id, the
    request log and its metrics; WebSockets behind the Origin check, the
    session and its user.  (tests/livestream/transport_probe.py builds its
    probe with it: the hub's direct writes must see through all of it.)"""
    return RequestLog(
        ProtocolTypeRouter(
            {
                "http": http,
                "websocket": AllowedHostsOriginValidator(
                    CookieMiddleware(
                        SessionMiddleware(SocketAuth(URLRouter(websocket_routes)))
                    )
                ),
            }
        )
    )


application = build(PageCacheApp(django_asgi_app), [*live, *meet])
