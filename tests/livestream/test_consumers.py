"""The consumer hands each validated frame to its one service: every frame
type of the schema has a handler, every moderator's action its function."""

import pytest
from channels.db import database_sync_to_async

from livestream import consumers, schema, services
from livestream.enums import ModerationAction
from livestream.models import Question
from livestream.selectors import last_seq
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_every_frame_type_and_moderation_action_has_its_one_handler():
    assert set(consumers.ACTIONS) == set(schema.FRAMES)
    assert schema.FRAMES["moderate"]["action"] == tuple(ModerationAction.values)
    assert consumers.MODERATION == {
        "approve": services.question_approve,
        "dismiss": services.question_dismiss,
        "pin": services.question_pin,
        "unpin": services.question_unpin,
        "answered": services.question_mark_answered,
        "unanswered": services.question_mark_unanswered,
    }


def _seen(event: dict) -> tuple:
    data = event["data"]
    if event["kind"] == "pin":
        return ("pin", data["id"])
    return ("question", data["id"], data["status"], data["answered"], data["text"])


def test_each_moderation_action_through_the_socket_tells_the_room_what_it_did(live):
    async def scenario():
        moderator = Client(live["roadshow"].pk, live["organizer"])
        asker = Client(live["roadshow"].pk, live["investor"])
        viewer = Client(live["roadshow"].pk)
        for client in (moderator, asker, viewer):
            await client.connect()
        ids = []
        for n, text in enumerate(("问题一", "问题二")):
            await asker.send(t="ask", ref=f"q{n}", cid=f"c{n}", text=text)
            ids.append((await asker.reply(f"q{n}"))["id"])
        one, two = ids
        steps = [
            {"id": one, "action": "pin"},
            {"id": one, "action": "answered"},
            {"id": one, "action": "unanswered"},
            {"id": one, "action": "unpin"},
            {"id": one, "action": "unpin"},  # not pinned: nothing to tell
            {"id": two, "action": "pin"},
            {"id": two, "action": "dismiss"},  # also unpins it
            {"id": two, "action": "approve"},
            {"id": one, "action": "approve", "text": "问题一  （修改）"},
        ]
        for n, step in enumerate(steps):
            await moderator.send(t="moderate", ref=f"m{n}", **step)
            ack = await moderator.reply(f"m{n}")
            assert (ack["t"], ack["id"]) == ("ack", step["id"]), ack
        top = await database_sync_to_async(last_seq)(live["room"].pk)
        seen = []
        while viewer.seq != top:
            frame = await viewer.until(lambda f: f["t"] == "events")
            seen.extend(_seen(e) for e in frame["events"])
        for client in (moderator, asker, viewer):
            await client.close()
        return one, two, seen

    one, two, seen = run(scenario)
    assert seen == [
        ("question", one, "approved", False, "问题一"),
        ("question", two, "approved", False, "问题二"),
        ("pin", one),
        ("question", one, "approved", True, "问题一"),
        ("question", one, "approved", False, "问题一"),
        ("pin", None),
        ("pin", two),
        ("pin", None),
        ("question", two, "dismissed", False, "问题二"),
        ("question", two, "approved", False, "问题二"),
        ("question", one, "approved", False, "问题一 （修改）"),
    ]
    edited = Question.objects.get(pk=one)
    assert (edited.text, edited.original_text) == ("问题一 （修改）", "问题一")
    live["room"].refresh_from_db()
    assert live["room"].pinned_id is None
