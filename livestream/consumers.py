"""The live room's WebSocket: thin.  It checks each frame against the schema,
calls the one service of the frame's type (``ACTIONS``, and ``MODERATION``
for a moderator's action on a question), which checks permissions and
writes, and answers with an ack or an error frame.  Outgoing events come from
the room's hub."""

from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from . import admission, hub, schema, selectors, services
from .enums import ModerationAction
from .errors import LiveError
from .sockets import SocketHelpers
from .wire import dumps

FORBIDDEN = 4403
NOT_FOUND = 4404
RESTART = 4000
REFUSALS = {
    "not_found": _("直播间不存在。"),
    "forbidden": _("你无权进入这个直播间。"),
    "removed": _("你已被主持人移出直播间。"),
    "signed_out": _("你已退出登录，请重新进入直播间。"),
    "not_presenting": _("现在不是你们团队的路演时间。"),
}

# A moderator's action on a question → its service (``approve`` with ``text``
# approves the moderator's edited words: ``question_approve_edited``).
MODERATION = {
    ModerationAction.APPROVE: services.question_approve,
    ModerationAction.DISMISS: services.question_dismiss,
    ModerationAction.PIN: services.question_pin,
    ModerationAction.UNPIN: services.question_unpin,
    ModerationAction.ANSWERED: services.question_mark_answered,
    ModerationAction.UNANSWERED: services.question_mark_unanswered,
}


class LiveRoomConsumer(SocketHelpers, AsyncWebsocketConsumer):
    # No channel-layer channel per viewer: the room's hub in this process
    # subscribes once and writes to each viewer directly.
    channel_layer_alias = "live-rooms-use-hubs"

    async def connect(self) -> None:
        self.hub = None
        self.presenter = False
        self.paused = True
        self.buffer: list = []
        self.last_seq = -1
        self.verdict = None
        self.language = self._language()
        self.user = self.scope.get("user") or AnonymousUser()
        self.session_tag = self._session_tag()
        # Kept in this process only, to ask whether the session still signs
        # the user in when the account changes (a new password).
        self.session_key = self._session_key()
        roadshow_id = int(self.scope["url_route"]["kwargs"]["pk"])
        # The presenter view (``?view=presenter``): the team on stage now.
        self.presenter = self._query("view") == "presenter"
        # Accepted before anything is read: Daphne rejects a handshake not
        # answered within its websocket_connect_timeout (5 s), and when a
        # crowd comes back at once, the reads of a worker queue for its one
        # database thread longer than that.  A refusal is an error frame and
        # a close code, as it is for anything found later.
        await self.accept()
        # Read with whoever else is coming in (a crowd: one read, not one each).
        access = await admission.access(
            user=self.user, roadshow_id=roadshow_id, presenter=self.presenter
        )
        self.user_id = self._user_id()
        if access is None:
            await self._refuse("not_found", NOT_FOUND)
            return
        if not access.can_view:
            await self._refuse("forbidden", FORBIDDEN)
            return
        self.room_id = access.room_id
        self.moderator = access.is_moderator
        if self.presenter and not access.can_present:
            await self._refuse("not_presenting", FORBIDDEN)
            return
        self.hub = await hub.join(self.room_id, self)
        last = self._last_seen()
        public = self.user_id is None and not self.presenter
        try:
            first = None
            if last is not None:
                # Coming back: from the hub's memory of the room's latest
                # events if it has them (no read per viewer in a reconnect
                # storm), else from the database.
                first = await self.hub.missed(self, last, access.seq)
            if first is None and public:
                # The signed-out public's snapshot: one read for a crowd.
                first = await admission.public_snapshot(
                    room_id=self.room_id, language=self.language
                )
            elif first is None and last is None:
                first = await self._call(
                    selectors.snapshot,
                    user=self.user,
                    room_id=self.room_id,
                    presenter=self.presenter,
                )
            elif first is None:
                first = await self._call(
                    selectors.missed,
                    user=self.user,
                    room_id=self.room_id,
                    last=last,
                    presenter=self.presenter,
                )
        except LiveError as error:
            self.hub.discard(self)
            await self._refuse(error.code, FORBIDDEN, error.message)
            return
        if isinstance(first, tuple):  # the hub's frame, ready to send
            text, self.last_seq = first
        else:
            text, self.last_seq = dumps({"v": 1, **first}), first["seq"]
        await self.base_send({"type": "websocket.send", "text": text})
        await self.hub.resume(self)

    async def disconnect(self, code) -> None:
        if self.hub is not None:
            self.hub.discard(self)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.hub is None:
            return
        ref = None
        try:
            frame, ref = self._parse(text_data)
            answer = await self._act(frame)
        except (schema.FrameError, LiveError) as error:
            await self._send(
                {
                    "v": 1,
                    "t": "error",
                    "ref": getattr(error, "ref", ref),
                    "code": error.code,
                    "message": error.message,
                }
            )
            return
        await self._send({"v": 1, "t": "ack", "ref": ref, **answer})

    async def _act(self, frame: dict) -> dict:
        """Do what a validated frame asks; the ack's fields."""
        return await ACTIONS[frame["t"]](self, frame)

    async def _ping(self, frame: dict) -> dict:
        return {"seq": self.last_seq}

    async def _ask(self, frame: dict) -> dict:
        question = await self._call(
            services.ask,
            **self._room(),
            text=frame["text"],
            client_id=frame["cid"],
            anonymous=frame.get("anonymous", False),
            slot_id=frame.get("slot"),
        )
        return {"id": question.pk, "status": question.status}

    async def _vote(self, frame: dict) -> dict:
        votes = await self._call(
            services.vote, **self._room(), question_id=frame["id"], on=frame["on"]
        )
        return {"id": frame["id"], "votes": votes, "on": frame["on"]}

    async def _chat(self, frame: dict) -> dict:
        message = await self._call(
            services.chat_send,
            **self._room(),
            text=frame["text"],
            client_id=frame["cid"],
        )
        return {"id": message.pk}

    async def _moderate(self, frame: dict) -> dict:
        if frame["action"] == ModerationAction.APPROVE and "text" in frame:
            question = await self._call(
                services.question_approve_edited,
                **self._room(),
                question_id=frame["id"],
                text=frame["text"],
            )
        else:
            question = await self._call(
                MODERATION[frame["action"]], **self._room(), question_id=frame["id"]
            )
        return {"id": question.pk}

    async def _chat_delete(self, frame: dict) -> dict:
        await self._call(services.chat_delete, **self._room(), message_id=frame["id"])
        return {"id": frame["id"]}

    async def _sanction(self, frame: dict) -> dict:
        await self._call(
            services.sanction,
            **self._room(),
            target_id=frame["user"],
            kind=frame["kind"],
            active=frame["active"],
        )
        return {"user": frame["user"]}

    async def _room_update(self, frame: dict) -> dict:
        await self._call(
            services.room_update,
            **self._room(),
            premoderation=frame.get("premoderation"),
            publish_answered=frame.get("publish_answered"),
            current_slot=frame.get("current_slot", ""),
        )
        return {}

    async def _presenter_note(self, frame: dict) -> dict:
        event = await self._call(
            services.presenter_note, **self._room(), text=frame["text"]
        )
        return {"seq": event.seq}

    async def _poll_open(self, frame: dict) -> dict:
        poll = await self._call(
            services.poll_open,
            **self._room(),
            question=frame["question"],
            options=frame["options"],
            multiple=frame.get("multiple", False),
        )
        return {"id": poll.pk}

    async def _poll_answer(self, frame: dict) -> dict:
        await self._call(
            services.poll_answer,
            **self._room(),
            poll_id=frame["id"],
            options=frame["options"],
        )
        return {"id": frame["id"], "options": sorted(set(frame["options"]))}

    async def _poll_close(self, frame: dict) -> dict:
        await self._call(services.poll_close, **self._room(), poll_id=frame["id"])
        return {"id": frame["id"]}

    async def _score(self, frame: dict) -> dict:
        values = await self._call(
            services.pitch_score,
            **self._room(),
            slot_id=frame["slot"],
            values=frame["values"],
        )
        return {"slot": frame["slot"], "values": values}

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

    def _room(self) -> dict:
        """Who acts, and where: every service's first arguments."""
        return {"user": self.user, "room_id": self.room_id}

    async def _refuse(
        self, code: str, close_code: int, message: str | None = None
    ) -> None:
        text = message or self._t(REFUSALS.get(code, REFUSALS["forbidden"]))
        await self._send(
            {"v": 1, "t": "error", "code": code, "message": text, "fatal": True}
        )
        await self.close(code=close_code)


# Each frame type of schema.FRAMES → the consumer's handler, which calls its
# one service.
ACTIONS = {
    "ping": LiveRoomConsumer._ping,
    "ask": LiveRoomConsumer._ask,
    "vote": LiveRoomConsumer._vote,
    "chat": LiveRoomConsumer._chat,
    "moderate": LiveRoomConsumer._moderate,
    "chat_delete": LiveRoomConsumer._chat_delete,
    "sanction": LiveRoomConsumer._sanction,
    "room": LiveRoomConsumer._room_update,
    "presenter_note": LiveRoomConsumer._presenter_note,
    "poll_open": LiveRoomConsumer._poll_open,
    "poll_answer": LiveRoomConsumer._poll_answer,
    "poll_close": LiveRoomConsumer._poll_close,
    "score": LiveRoomConsumer._score,
}
