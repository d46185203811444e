"""The live room's wire format (protocol version 1): how a logged event
travels between processes, what each viewer receives of it, and how a
question or a chat message looks on the wire.  No database access here."""

import json

from accounts.models import User

from .enums import Audience
from .models import ChatMessage, Poll, Question, RoomEvent


def dumps(frame: dict) -> str:
    """A frame as the text sent to browsers."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def event_wire(event: RoomEvent) -> dict:
    """An event as the hubs pass it on (before filtering for each viewer)."""
    return {
        "seq": event.seq,
        "kind": event.kind,
        "aud": event.audience,
        "user": event.user_id,
        "data": event.data,
        "private": event.private,
    }


def for_viewer(
    wire: dict, *, user_id: int | None, moderator: bool, presenter: bool = False
) -> dict | None:
    """The event as this viewer receives it, or None if it is not for them.
    ``presenter``: a presenter view of the team on stage now."""
    if wire["aud"] == Audience.PRESENTERS:
        if not (moderator or presenter):
            return None
    elif wire["aud"] != Audience.ALL and not moderator:
        if user_id is None or wire["user"] != user_id:
            return None
    data = {**wire["data"], **wire["private"]} if moderator else wire["data"]
    return {"seq": wire["seq"], "kind": wire["kind"], "data": data}


def display_name(user: User) -> str:
    return user.name or user.username


def question_data(question: Question) -> tuple[dict, dict]:
    """(what everyone may see, what moderators see in addition)."""
    public = {
        "id": question.pk,
        "text": question.text,
        "author": None if question.anonymous else display_name(question.author),
        "anonymous": question.anonymous,
        "slot": question.slot_id,
        "achievement": question.achievement_id,
        "status": question.status,
        "votes": question.votes,
        "answered": question.answered_at is not None,
        "created": question.created_at.isoformat(),
        "cid": question.client_id,
    }
    private = {
        "author": display_name(question.author),
        "author_id": question.author_id,
        "original_text": question.original_text,
    }
    return public, private


def chat_data(message: ChatMessage) -> tuple[dict, dict]:
    """(what everyone may see, what moderators see in addition)."""
    return (
        {
            "id": message.pk,
            "text": message.text,
            "author": display_name(message.author),
            "created": message.created_at.isoformat(),
            "cid": message.client_id,
        },
        {"author_id": message.author_id},
    )


def poll_data(poll: Poll, counts: dict[int, int], voters: int) -> dict:
    """A poll with its results (how many chose each option, how many answered)."""
    return {
        "id": poll.pk,
        "question": poll.question,
        "multiple": poll.multiple,
        "status": poll.status,
        "options": [
            {"id": o.pk, "text": o.text, "votes": counts.get(o.pk, 0)}
            for o in poll.options.all()
        ],
        "voters": voters,
        "created": poll.created_at.isoformat(),
    }
