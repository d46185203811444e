"""ASGI entry point: HTTP through Django; WebSockets (live rooms and meeting
rooms) through Channels with session auth and an Origin check; around both,
the request id, the request log and the request metrics."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadshow.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from cms.cache import PageCacheApp  # noqa: E402
from livestream.routing import websocket_urlpatterns as live  # noqa: E402
from meetrooms.routing import websocket_urlpatterns as meet  # noqa: E402

from .observability import RequestLog  # noqa: E402

# Around everything: the request id, the request log and its metrics.
application = RequestLog(
    ProtocolTypeRouter(
        {
            "http": PageCacheApp(django_asgi_app),
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter([*live, *meet]))
            ),
        }
    )
)
