"""A meeting room's WebSocket: thin, as the live room's.  Each frame is
checked against the schema and handed to its one service (``ACTIONS``),
which judges the user now and writes; events come back through the room's
group, in sequence — a gap (a message the layer lost) is filled from the
database, a repeat dropped, so a page misses nothing and doubles nothing.

A room holds a handful of people: each connection is a member of the room's
group itself (no per-process hub as the live room needs for thousands)."""

import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from livestream import schema
from livestream import selectors as live_selectors
from livestream.broadcast import ACCESS_GROUP
from livestream.sockets import SocketHelpers

from . import broadcast, limits, selectors, services
from .broadcast import group_of
from .errors import MeetError

log = logging.getLogger(__name__)

# One close code for every refusal: whether a meeting exists is nobody's
# business but its parties'.
FORBIDDEN = 4403
REFUSED = _("你无权进入这个会议室。")
INTERNAL = _("服务器出错，请稍后再试。")
SIGNED_OUT = _("你已退出登录，请重新进入会议室。")

FRAMES: dict[str, dict[str, object]] = {
    "ping": {},
    "chat": {"cid": "str:64", "text": f"str:{limits.CHAT_MAX * 2}"},
    "video": {"url": "text:600"},
    "note": {"text": f"text:{limits.NOTE_MAX}"},
    "doc_remove": {"id": "int"},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "ping": (),
    "chat": ("cid", "text"),
    "video": ("url",),
    "note": ("text",),
    "doc_remove": ("id",),
}


class MeetingRoomConsumer(SocketHelpers, AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.joined = False
        # Accepted first, judged after: the handshake never waits for the
        # database, and a refusal (the same for everyone) is a close code.
        await self.accept()
        self.last_seq = 0
        self.language = self._language()
        self.user = self.scope.get("user") or AnonymousUser()
        self.user_id = await database_sync_to_async(self._user_id)()
        self.session_tag = self._session_tag()
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["pk"])
        try:
            found, room = await self._call(
                services.enter, user=self.user, meeting_id=self.meeting_id
            )
        except MeetError:
            await self._refuse(REFUSED)
            return
        self.room_id = room.pk
        self.side = found.side
        for group in (group_of(self.room_id), ACCESS_GROUP):
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined = True
        last = self._last_seen()
        if last is None:
            first = await self._call(
                selectors.snapshot, access=found, room=room, user=self.user
            )
        else:
            first = await self._call(
                selectors.missed, access=found, room=room, user=self.user, last=last
            )
        await self._send({"v": 1, **first})
        self.last_seq = first["seq"]
        async with broadcast.sending(self.channel_layer):
            await self._call(
                services.visit_enter,
                room_id=self.room_id,
                user=self.user,
                side=self.side,
                channel=self.channel_name,
            )

    async def disconnect(self, code) -> None:
        if not self.joined:
            return
        self.joined = False
        for group in (group_of(self.room_id), ACCESS_GROUP):
            await self.channel_layer.group_discard(group, self.channel_name)
        async with broadcast.sending(self.channel_layer):
            await self._call(
                services.visit_leave, room_id=self.room_id, channel=self.channel_name
            )

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if not self.joined:
            return
        ref = None
        try:
            frame, ref = self._parse(
                text_data,
                frames=FRAMES,
                required=REQUIRED,
                max_chars=limits.MAX_FRAME_CHARS,
            )
            async with broadcast.sending(self.channel_layer):
                answer = await ACTIONS[frame["t"]](self, frame)
        except (schema.FrameError, MeetError) as refused:
            await self._error(refused, getattr(refused, "ref", ref))
            return
        except Exception:  # answered all the same: the page drops the frame
            log.exception("meeting room %s: a frame failed", self.meeting_id)
            await self._error(MeetError("internal", self._t(INTERNAL)), ref)
            return
        if answer is not None:  # None: the socket was closed
            await self._send({"v": 1, "t": "ack", "ref": ref, **answer})

    async def _error(self, error, ref) -> None:
        await self._send(
            {
                "v": 1,
                "t": "error",
                "ref": ref,
                "code": error.code,
                "message": error.message,
            }
        )

    # ------------------------------------------------------------ frames

    def _who(self) -> dict:
        return {"user": self.user, "meeting_id": self.meeting_id}

    async def _ping(self, frame: dict) -> dict | None:
        """Alive: presence kept fresh; judged again (a notice that someone
        lost their place may itself have been lost); anything a broadcast
        never delivered, sent now."""
        seat = await self._call(
            selectors.seat_now, user=self.user, meeting_id=self.meeting_id
        )
        if seat is None:
            await self._leave(REFUSED)
            return None
        await self._call(
            services.visit_touch, room_id=self.room_id, channel=self.channel_name
        )
        top = await self._call(selectors.last_seq, room_id=self.room_id)
        if top > self.last_seq:
            await self._catch_up(top)
        return {"seq": self.last_seq, "closed": seat.closed}

    async def _chat(self, frame: dict) -> dict:
        message = await self._call(
            services.chat_send,
            **self._who(),
            text=frame["text"],
            client_id=frame["cid"],
        )
        return {"id": message.pk}

    async def _video(self, frame: dict) -> dict:
        shown = await self._call(services.video_set, **self._who(), url=frame["url"])
        return {"video": shown}

    async def _note(self, frame: dict) -> dict:
        note = await self._call(services.note_save, **self._who(), text=frame["text"])
        return {"saved": note.updated_at.isoformat()}

    async def _doc_remove(self, frame: dict) -> dict:
        await self._call(
            services.document_remove, **self._who(), document_id=frame["id"]
        )
        return {"id": frame["id"]}

    # ------------------------------------------------------------ group messages

    async def meet_event(self, message: dict) -> None:
        wire = message["event"]
        if not self.joined or wire["seq"] <= self.last_seq:
            return  # a repeat, or already read with the first state
        await self._catch_up(wire["seq"] - 1, also=wire)

    async def _catch_up(self, upto: int, also: dict | None = None) -> None:
        events = []
        if upto > self.last_seq:
            events = await self._call(
                selectors.events_between,
                room_id=self.room_id,
                after=self.last_seq,
                upto=upto,
            )
        if also is not None:
            events.append(also)
        if not events:
            return
        self.last_seq = events[-1]["seq"]
        await self._send(
            {"v": 1, "t": "events", "seq": self.last_seq, "events": events}
        )

    async def meet_presence(self, message: dict) -> None:
        if self.joined:
            await self._send(
                await self._call(selectors.presence_frame, room_id=self.room_id)
            )

    async def meet_access(self, message: dict) -> None:
        """The meeting changed: judge again; tell the page its new state."""
        await self._judge()

    async def live_access(self, message: dict) -> None:
        """An account, an organization or a session changed somewhere."""
        if not self.joined:
            return
        if self.session_tag and self.session_tag in (message.get("sessions") or ()):
            await self._leave(SIGNED_OUT)
        elif self.user_id is not None and self.user_id in (message.get("users") or ()):
            await self._judge()

    async def _judge(self) -> None:
        if not self.joined:
            return
        found = await self._call(
            selectors.access, user=self.user, meeting_id=self.meeting_id
        )
        if found is None:
            await self._leave(REFUSED)
            return
        if await self._signed_out():
            await self._leave(SIGNED_OUT)  # the password changed since
            return
        self.side = found.side
        state = await self._call(selectors.state_frame, access=found)
        await self._send(state)

    async def _signed_out(self) -> bool:
        """The session no longer signs the user in (a changed password ends
        the other sessions: their sockets too) — the live room's one test."""
        key = self._session_key()
        if key is None or self.user_id is None:
            return False  # a socket opened without a session (tests)
        gone = await database_sync_to_async(live_selectors.sessions_signed_out)(
            sessions=[(self.user_id, key)]
        )
        return key in gone

    async def _leave(self, message) -> None:
        await self.disconnect(FORBIDDEN)
        await self._refuse(message)

    async def _refuse(self, message) -> None:
        await self._send(
            {
                "v": 1,
                "t": "error",
                "code": "forbidden",
                "message": self._t(message),
                "fatal": True,
            }
        )
        await self.close(code=FORBIDDEN)


# Each frame type → its handler, which calls its one service.
ACTIONS = {
    "ping": MeetingRoomConsumer._ping,
    "chat": MeetingRoomConsumer._chat,
    "video": MeetingRoomConsumer._video,
    "note": MeetingRoomConsumer._note,
    "doc_remove": MeetingRoomConsumer._doc_remove,
}
