"""What every WebSocket of the platform does the same way (the live room's
and the meeting rooms'): the language of its messages, service calls off the
event loop in that language, the session it was opened with, the resume
point a page reconnects with, and reading one text frame against a schema."""

import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import schema
from .broadcast import session_tag
from .wire import dumps


class SocketHelpers:
    """Mixed into an ``AsyncWebsocketConsumer``."""

    def _language(self) -> str:
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        return chosen if chosen in supported else settings.LANGUAGE_CODE

    def _t(self, message) -> str:
        with translation.override(self.language):
            return str(message)

    async def _call(self, function, **kwargs):
        """``function(**kwargs)`` in a worker thread, in the user's language."""

        def run():
            with translation.override(self.language):
                return function(**kwargs)

        return await database_sync_to_async(run)()

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return getattr(session, "session_key", None) if session is not None else None

    def _session_tag(self) -> str | None:
        return session_tag(self._session_key())

    def _user_id(self) -> int | None:
        return self.user.pk if self.user.is_authenticated else None

    def _query(self, name: str) -> str | None:
        """A parameter of the socket's address (``?name=``), or None."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = query.get(name)
        return values[0] if values else None

    def _last_seen(self) -> int | None:
        """The sequence number the page saw last (``?last=``): None for a
        fresh page, -1 for something this server never gave."""
        value = self._query("last")
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            return -1

    async def _send(self, frame: dict) -> None:
        await self.base_send({"type": "websocket.send", "text": dumps(frame)})

    def _parse(
        self,
        text_data: str | None,
        *,
        frames: dict | None = None,
        required: dict | None = None,
        max_chars: int = schema.MAX_FRAME_CHARS,
    ) -> tuple[dict, str | None]:
        """(the validated frame, its ``ref``), or FrameError — whose ``ref``
        attribute names the frame refused when it could be read."""
        ref = None
        try:
            if text_data is None:
                raise schema.FrameError("bad_frame", self._t(_("只接受文本消息。")))
            if len(text_data) > max_chars:
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
                return schema.validate(frame, frames, required), ref
        except schema.FrameError as error:
            error.ref = ref
            raise
