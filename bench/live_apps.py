"""The two baselines the live-room benchmark runs beside the platform's room,
served by the same Daphne workers:

- ``/ws/bench/stock/``: a stock Channels consumer, one channel-layer channel
  per viewer, joined to one group; each event is ``group_send`` to it.
- ``/ws/bench/bare/``: a bare ASGI broadcast app: one Redis pub/sub
  subscription per process, each event written to every local ``send``.

Everything else goes to the platform (``roadshow.asgi``).
"""

import asyncio
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402

from roadshow.asgi import application as platform  # noqa: E402

STOCK_GROUP = "bench_stock"
BARE_CHANNEL = "bench_bare"


class StockConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.channel_layer.group_add(STOCK_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        await self.channel_layer.group_discard(STOCK_GROUP, self.channel_name)

    async def live_event(self, event) -> None:
        await self.send(text_data=event["text"])


class BareBroadcast:
    def __init__(self) -> None:
        self.sends: set = set()
        self.subscriber: asyncio.Task | None = None

    async def _subscribe(self) -> None:
        import redis.asyncio as redis

        client = redis.from_url(os.environ["REDIS_URL"])
        pubsub = client.pubsub()
        await pubsub.subscribe(BARE_CHANNEL)
        async for message in pubsub.listen():
            if message["type"] != "message":
                continue
            frame = {"type": "websocket.send", "text": message["data"].decode()}
            for send in list(self.sends):
                try:
                    await send(frame)
                except Exception:
                    self.sends.discard(send)

    async def __call__(self, scope, receive, send) -> None:
        if self.subscriber is None:
            self.subscriber = asyncio.ensure_future(self._subscribe())
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        self.sends.add(send)
        try:
            while (await receive())["type"] != "websocket.disconnect":
                pass
        finally:
            self.sends.discard(send)


stock = StockConsumer.as_asgi()
bare = BareBroadcast()


async def application(scope, receive, send):
    if scope["type"] == "websocket":
        if scope["path"] == "/ws/bench/stock/":
            return await stock(scope, receive, send)
        if scope["path"] == "/ws/bench/bare/":
            return await bare(scope, receive, send)
    return await platform(scope, receive, send)
