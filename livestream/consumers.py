"""The live room's WebSocket: thin.  It checks each frame against the schema,
calls one service (which checks permissions and writes), and answers with an
ack or an error frame.  Outgoing events come from the room's hub."""

import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import hub, schema, services
from .broadcast import session_tag
from .services import LiveError

FORBIDDEN = 4403
NOT_FOUND = 4404
RESTART = 4000
REFUSALS = {
    "not_found": _("直播间不存在。"),
    "forbidden": _("你无权进入这个直播间。"),
    "removed": _("你已被主持人移出直播间。"),
    "signed_out": _("你已退出登录，请重新进入直播间。"),
}


class LiveRoomConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per viewer: the room's hub in this process
    # subscribes once and writes to each viewer directly.
    channel_layer_alias = "live-rooms-use-hubs"

    async def connect(self) -> None:
        self.hub = None
        self.paused = True
        self.buffer: list = []
        self.last_seq = -1
        self.verdict = None
        self.language = self._language()
        self.user = self.scope.get("user") or AnonymousUser()
        self.session_tag = session_tag(self._session_key())
        roadshow_id = int(self.scope["url_route"]["kwargs"]["pk"])
        access = await self._call(
            services.access, user=self.user, roadshow_id=roadshow_id
        )
        self.user_id = await database_sync_to_async(self._user_id)()
        await self.accept()
        if access is None:
            await self._refuse("not_found", NOT_FOUND)
            return
        if not access.can_view:
            await self._refuse("forbidden", FORBIDDEN)
            return
        self.room_id = access.room_id
        self.moderator = access.is_moderator
        self.hub = await hub.join(self.room_id, self)
        last = self._last_seen()
        try:
            if last is None:
                first = await self._call(
                    services.snapshot, user=self.user, room_id=self.room_id
                )
            else:
                first = await self._call(
                    services.missed, user=self.user, room_id=self.room_id, last=last
                )
        except LiveError as error:
            self.hub.discard(self)
            await self._refuse(error.code, FORBIDDEN, error.message)
            return
        await self.base_send(
            {"type": "websocket.send", "text": hub.dumps({"v": 1, **first})}
        )
        self.last_seq = first["seq"]
        await self.hub.resume(self)

    async def disconnect(self, code) -> None:
        if self.hub is not None:
            self.hub.discard(self)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.hub is None:
            return
        ref = None
        try:
            if text_data is None:
                raise schema.FrameError("bad_frame", self._t(_("只接受文本消息。")))
            if len(text_data) > schema.MAX_FRAME_CHARS:
                raise schema.FrameError("too_large", self._t(_("消息太长。")))
            try:
                frame = json.loads(text_data)
            except ValueError:
                raise schema.FrameError(
                    "bad_json", self._t(_("消息不是有效的 JSON。"))
                ) from None
            if isinstance(frame, dict) and isinstance(frame.get("ref"), str):
                ref = frame["ref"][:64]
            with translation.override(self.language):
                frame = schema.validate(frame)
            answer = await self._act(frame)
        except (schema.FrameError, LiveError) as error:
            await self._send(
                {
                    "v": 1,
                    "t": "error",
                    "ref": ref,
                    "code": error.code,
                    "message": error.message,
                }
            )
            return
        await self._send({"v": 1, "t": "ack", "ref": ref, **answer})

    async def _act(self, frame: dict) -> dict:
        kind = frame["t"]
        room = {"user": self.user, "room_id": self.room_id}
        if kind == "ping":
            return {"seq": self.last_seq}
        if kind == "ask":
            question = await self._call(
                services.ask,
                **room,
                text=frame["text"],
                client_id=frame["cid"],
                anonymous=frame.get("anonymous", False),
                slot_id=frame.get("slot"),
            )
            return {"id": question.pk, "status": question.status}
        if kind == "vote":
            votes = await self._call(
                services.vote, **room, question_id=frame["id"], on=frame["on"]
            )
            return {"id": frame["id"], "votes": votes, "on": frame["on"]}
        if kind == "chat":
            message = await self._call(
                services.chat, **room, text=frame["text"], client_id=frame["cid"]
            )
            return {"id": message.pk}
        if kind == "moderate":
            question = await self._call(
                services.moderate,
                **room,
                action=frame["action"],
                question_id=frame["id"],
                text=frame.get("text"),
            )
            return {"id": question.pk}
        if kind == "chat_delete":
            await self._call(services.chat_delete, **room, message_id=frame["id"])
            return {"id": frame["id"]}
        if kind == "sanction":
            await self._call(
                services.sanction,
                **room,
                target_id=frame["user"],
                kind=frame["kind"],
                active=frame["active"],
            )
            return {"user": frame["user"]}
        if kind == "room":
            await self._call(
                services.room_update,
                **room,
                premoderation=frame.get("premoderation"),
                publish_answered=frame.get("publish_answered"),
                current_slot=frame.get("current_slot", ""),
            )
            return {}
        raise AssertionError(kind)

    async def restart(self) -> None:
        """Called by the hub when what this viewer may see changed: the client
        drops its state and reconnects for a fresh snapshot."""
        self.hub = None
        await self._send({"v": 1, "t": "reset"})
        await self.close(code=RESTART)

    async def revoke(self, code: str) -> None:
        """Called by the hub when this viewer may no longer watch (rights
        taken away, account deactivated, signed out, roadshow closed to them)."""
        self.hub = None
        await self._refuse(code, FORBIDDEN)

    async def removed(self) -> None:
        """Called by the hub when a moderator removed this user from the room."""
        self.hub.discard(self)
        await self._refuse("removed", FORBIDDEN)

    # ------------------------------------------------------------ helpers

    async def _call(self, function, **kwargs):
        def run():
            with translation.override(self.language):
                return function(**kwargs)

        return await database_sync_to_async(run)()

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return getattr(session, "session_key", None) if session is not None else None

    def _user_id(self):
        return self.user.pk if self.user.is_authenticated else None

    def _language(self) -> str:
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        return chosen if chosen in supported else settings.LANGUAGE_CODE

    def _t(self, message) -> str:
        with translation.override(self.language):
            return str(message)

    def _last_seen(self) -> int | None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get("last")
        if not values:
            return None
        try:
            return int(values[0])
        except ValueError:
            return -1  # not a number this room gave: a fresh snapshot

    async def _send(self, frame: dict) -> None:
        await self.base_send({"type": "websocket.send", "text": hub.dumps(frame)})

    async def _refuse(
        self, code: str, close_code: int, message: str | None = None
    ) -> None:
        text = message or self._t(REFUSALS.get(code, REFUSALS["forbidden"]))
        await self._send(
            {"v": 1, "t": "error", "code": code, "message": text, "fatal": True}
        )
        await self.close(code=close_code)
