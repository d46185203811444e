"""An ASGI application for tests/livestream/test_transport.py: the
platform's own ASGI stack (roadshow.asgi.build) around a consumer that looks at the Daphne connection it runs
on through livestream.transport, and writes through it."""

import json

from django.core.asgi import get_asgi_application

get_asgi_application()  # sets Django up, as roadshow.asgi does

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from django.urls import path  # noqa: E402

from livestream import transport  # noqa: E402
from roadshow.asgi import build  # noqa: E402

# Written straight to the socket in this order: the large ones do not fit in
# the socket's buffer at once, so what follows them waits in Twisted's.
TEXTS = ["大" * 1_000_000, "小", "大" * 700_000, "末"]


class Probe(AsyncWebsocketConsumer):
    channel_layer_alias = "live-rooms-use-hubs"  # none, as the live room's

    async def connect(self) -> None:
        await self.accept()
        conn = transport.socket_of(self.base_send)
        report = {
            "socket": type(conn).__name__ if conn is not None else None,
            "missing": transport.missing(conn) if conn is not None else None,
        }
        await self.send(text_data=json.dumps(report))
        if conn is None:
            return
        report["written"] = [
            transport.write_prepared(conn, transport.Frame(text)) for text in TEXTS
        ]
        await self.send(text_data=json.dumps(report))


async def healthz(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


application = build(healthz, [path("probe/", Probe.as_asgi())])
