"""Version 1 of the frames a client may send, and the check every incoming
frame goes through before anything else looks at it."""

from django.utils.translation import gettext as _

from .enums import ModerationAction, SanctionKind
from .limits import CHAT_FRAME_MAX, NOTE_FRAME_MAX, QUESTION_FRAME_MAX

VERSION = 1
MAX_FRAME_CHARS = 8192
# Items of a list or object field; how many are allowed is the service's to say.
LIST_MAX = 16

# Field types: "str:N" (a string of 1 to N characters), "text:N" (0 to N),
# "int" (a positive integer, not a boolean), "int?" (that or null), "bool",
# a tuple of the allowed strings, "[T]" (a list of at most LIST_MAX values of
# type T) or "{T}" (an object of at most LIST_MAX names of up to 40
# characters → T).  Fields named in REQUIRED must be present; others may be.
# A text's own limit (after its whitespace is collapsed) is the service's to
# check, with a message that names it: see livestream.limits.
FRAMES: dict[str, dict[str, object]] = {
    "ping": {},
    "ask": {
        "cid": "str:64",
        "text": f"str:{QUESTION_FRAME_MAX}",
        "anonymous": "bool",
        "slot": "int?",
    },
    "vote": {"id": "int", "on": "bool"},
    "chat": {"cid": "str:64", "text": f"str:{CHAT_FRAME_MAX}"},
    "moderate": {
        "id": "int",
        "action": tuple(ModerationAction.values),
        "text": f"str:{QUESTION_FRAME_MAX}",
    },
    "chat_delete": {"id": "int"},
    "sanction": {"user": "int", "kind": tuple(SanctionKind.values), "active": "bool"},
    "room": {
        "premoderation": "bool",
        "current_slot": "int?",
        "publish_answered": "bool",
    },
    "presenter_note": {"text": f"str:{NOTE_FRAME_MAX}"},
    "poll_open": {
        "question": f"str:{QUESTION_FRAME_MAX}",
        "multiple": "bool",
        "options": "[str:400]",
    },
    "poll_answer": {"id": "int", "options": "[int]"},
    "poll_close": {"id": "int"},
    "score": {"slot": "int", "values": "{int}"},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "ping": (),
    "ask": ("cid", "text"),
    "vote": ("id", "on"),
    "chat": ("cid", "text"),
    "moderate": ("id", "action"),
    "chat_delete": ("id",),
    "sanction": ("user", "kind", "active"),
    "room": (),
    "presenter_note": ("text",),
    "poll_open": ("question", "options"),
    "poll_answer": ("id", "options"),
    "poll_close": ("id",),
    "score": ("slot", "values"),
}
COMMON = {"v", "t", "ref"}


class FrameError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _fits(value: object, kind: object) -> bool:
    if isinstance(kind, str) and kind.startswith("["):
        return (
            isinstance(value, list)
            and len(value) <= LIST_MAX
            and all(_fits(item, kind[1:-1]) for item in value)
        )
    if isinstance(kind, str) and kind.startswith("{"):
        return (
            isinstance(value, dict)
            and len(value) <= LIST_MAX
            and all(0 < len(name) <= 40 for name in value)
            and all(_fits(item, kind[1:-1]) for item in value.values())
        )
    if isinstance(kind, tuple):
        return isinstance(value, str) and value in kind
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int", "int?"):
        if value is None:
            return kind == "int?"
        return (
            isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63
        )
    if isinstance(kind, str) and kind.startswith("str:"):
        return (
            isinstance(value, str)
            and 0 < len(value) <= int(kind[4:])
            and "\x00" not in value  # no database stores it
        )
    if isinstance(kind, str) and kind.startswith("text:"):  # may be empty
        return (
            isinstance(value, str)
            and len(value) <= int(kind[5:])
            and "\x00" not in value
        )
    raise AssertionError(kind)


def validate(
    frame: object,
    frames: dict[str, dict[str, object]] | None = None,
    required: dict[str, tuple[str, ...]] | None = None,
) -> dict:
    """The frame if it is a well-formed version-1 frame of ``frames`` (the
    live room's unless given: a meeting room has its own); FrameError
    otherwise."""
    frames = FRAMES if frames is None else frames
    required = REQUIRED if required is None else required
    if not isinstance(frame, dict):
        raise FrameError("bad_frame", _("消息格式不正确。"))
    if frame.get("v") != VERSION:
        raise FrameError("bad_version", _("不支持的协议版本，请刷新页面。"))
    kind = frame.get("t")
    if not isinstance(kind, str) or kind not in frames:
        raise FrameError("unknown_type", _("未知的消息类型。"))
    ref = frame.get("ref")
    if ref is not None and not (isinstance(ref, str) and len(ref) <= 64):
        raise FrameError("bad_frame", _("消息格式不正确。"))
    fields = frames[kind]
    for name in frame:
        if name not in COMMON and name not in fields:
            raise FrameError(
                "bad_frame",
                _("消息包含未知字段：%(name)s。") % {"name": str(name)[:40]},
            )
    for name in required[kind]:
        if name not in frame:
            raise FrameError(
                "bad_frame", _("消息缺少字段：%(name)s。") % {"name": name}
            )
    for name, value in frame.items():
        if name in fields and not _fits(value, fields[name]):
            raise FrameError(
                "bad_frame", _("字段 %(name)s 的值不正确。") % {"name": name}
            )
    return frame
