"""Hostile and mistaken frames: each refused with a clear error, the
connection stays up, nothing is written, nobody else is affected."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from accounts.enums import Role
from livestream.models import ChatMessage, Question, RoomEvent, Sanction, Vote
from livestream.services import room_of
from tests.factories import make_user
from tests.factories.events import make_roadshow
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GARBAGE = [
    ("not json at all", "bad_json"),
    ("[1, 2, 3]", "bad_frame"),
    (json.dumps({"v": 2, "t": "ping"}), "bad_version"),
    (json.dumps({"t": "ping"}), "bad_version"),
    (json.dumps({"v": 1, "t": "shutdown"}), "unknown_type"),
    (json.dumps({"v": 1, "t": "ask", "text": "缺少 cid"}), "bad_frame"),
    (json.dumps({"v": 1, "t": "vote", "id": True, "on": 1}), "bad_frame"),
    (json.dumps({"v": 1, "t": "vote", "id": -3, "on": True}), "bad_frame"),
    (
        json.dumps({"v": 1, "t": "ask", "cid": "x", "text": "", "anonymous": False}),
        "bad_frame",
    ),
    (json.dumps({"v": 1, "t": "ping", "admin": True}), "bad_frame"),
    (
        json.dumps({"v": 1, "t": "moderate", "id": 1, "action": "delete_all"}),
        "bad_frame",
    ),
    (json.dumps({"v": 1, "t": "chat", "cid": "x", "text": "长" * 9000}), "too_large"),
]


def test_garbage_frames_get_error_frames_and_the_connection_stays_up(live):
    async def scenario():
        client = Client(live["roadshow"].pk, live["investor"])
        bystander = Client(live["roadshow"].pk, live["enterprise"])
        await client.connect()
        await bystander.connect()
        for text, code in GARBAGE:
            await client.comm.send_to(text_data=text)
            error = await client.until(lambda f: f["t"] == "error")
            assert error["code"] == code, text
            assert error["message"]
        await client.comm.send_to(bytes_data=b"\x00\x01")
        assert (await client.until(lambda f: f["t"] == "error"))["code"] == "bad_frame"
        for who in (client, bystander):
            await who.send(t="ping", ref="still-here")
            assert (await who.reply("still-here"))["t"] == "ack"
        await client.close()
        await bystander.close()

    run(scenario)
    assert not Question.objects.exists()
    assert not RoomEvent.objects.exists()


def test_errors_speak_the_users_language(live):
    async def scenario():
        client = Client(
            live["roadshow"].pk, live["investor"], cookies={"django_language": "en"}
        )
        await client.connect()
        await client.comm.send_to(text_data="{{")
        error = await client.until(lambda f: f["t"] == "error")
        assert error["message"] == "The message is not valid JSON."
        await client.send(t="moderate", ref="m", id=1, action="pin")
        assert (await client.reply("m"))["message"] == "Only moderators can do that."
        await client.close()

    run(scenario)


def test_viewers_cannot_moderate(live):
    question = None

    async def scenario():
        nonlocal question
        client = Client(live["roadshow"].pk, live["investor"])
        await client.connect()
        await client.send(t="ask", ref="q", cid="c", text="问题")
        qid = (await client.reply("q"))["id"]
        for ref, frame in (
            ("1", {"t": "moderate", "id": qid, "action": "dismiss"}),
            ("2", {"t": "moderate", "id": qid, "action": "pin"}),
            ("3", {"t": "room", "premoderation": True}),
            (
                "4",
                {
                    "t": "sanction",
                    "user": live["enterprise"].pk,
                    "kind": "remove",
                    "active": True,
                },
            ),
            ("5", {"t": "chat_delete", "id": 1}),
        ):
            await client.send(ref=ref, **frame)
            error = await client.reply(ref)
            assert (error["t"], error["code"]) == ("error", "forbidden")
        await client.close()

    run(scenario)
    assert Question.objects.get().status == "approved"
    assert not Sanction.objects.exists()
    assert RoomEvent.objects.count() == 1


def test_votes_on_a_question_of_another_room_are_refused(live):
    other = make_roadshow(
        status="live",
        first_published_at=live["roadshow"].first_published_at,
        title="另一场",
    )
    other_room = room_of(other)
    foreign = Question.objects.create(
        room=other_room, author=live["enterprise"], text="别处的问题", client_id="z"
    )

    async def scenario():
        client = Client(live["roadshow"].pk, live["investor"])
        await client.connect()
        await client.send(t="vote", ref="v", id=foreign.pk, on=True)
        assert (await client.reply("v"))["code"] == "not_found"
        await client.close()

    run(scenario)
    assert not Vote.objects.exists()


def test_anonymous_visitors_watch_but_cannot_ask_vote_or_chat(live):
    async def scenario():
        visitor = Client(live["roadshow"].pk)
        snap = await visitor.connect()
        assert snap["t"] == "snapshot"
        assert snap["me"] == {
            "id": None,
            "name": "",
            "moderator": False,
            "presenter": False,
            "can_participate": False,
            "can_score": False,
        }
        await visitor.send(t="ask", ref="q", cid="c", text="匿名提问")
        assert (await visitor.reply("q"))["code"] == "login_required"
        await visitor.send(t="chat", ref="c", cid="c", text="你好")
        assert (await visitor.reply("c"))["code"] == "login_required"
        await visitor.close()

    run(scenario)
    assert not Question.objects.exists() and not ChatMessage.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("nobody", False),
        ("pending_investor", False),
        ("investor", True),
        ("team", True),
        ("organizer", True),
        (None, False),
    ],
)
def test_restricted_roadshow_room_only_for_approved_investors_teams_and_moderators(
    live, who, allowed
):
    roadshow = live["roadshow"]
    roadshow.investors_only = True
    roadshow.save()

    async def scenario():
        client = Client(roadshow.pk, live[who] if who else None)
        connected, _ = await client.comm.connect()
        assert connected
        first = await client.comm.receive_json_from()
        if allowed:
            assert first["t"] == "snapshot"
        else:
            assert (first["t"], first["code"], first["fatal"]) == (
                "error",
                "forbidden",
                True,
            )
            closed = await client.comm.receive_output()
            assert closed == {"type": "websocket.close", "code": 4403}
        await client.close()

    run(scenario)


def test_draft_and_missing_roadshows_have_no_room(live):
    draft = make_roadshow(status="draft", title="草稿")

    async def scenario():
        for pk, code in ((draft.pk, "forbidden"), (999999, "not_found")):
            client = Client(pk, live["investor"])
            await client.comm.connect()
            first = await client.comm.receive_json_from()
            assert first["code"] == code
            await client.close()

    run(scenario)


def test_a_flood_of_questions_is_throttled_without_affecting_others(live, settings):
    settings.LIVE_RATE_LIMITS = {"ask": (5, 60)}

    async def scenario():
        flooder = Client(live["roadshow"].pk, live["investor"])
        other = Client(live["roadshow"].pk, live["enterprise"])
        await flooder.connect()
        await other.connect()
        refused = 0
        for n in range(40):
            await flooder.send(t="ask", ref=f"f{n}", cid=f"f{n}", text=f"刷屏{n}")
            reply = await flooder.reply(f"f{n}")
            refused += reply["t"] == "error" and reply["code"] == "rate_limited"
        assert refused == 35
        await other.send(t="ask", ref="o", cid="o", text="正常提问")
        assert (await other.reply("o"))["t"] == "ack"
        await flooder.close()
        await other.close()

    run(scenario)
    assert Question.objects.filter(author=live["investor"]).count() == 5
    assert Question.objects.filter(author=live["enterprise"]).count() == 1


def test_muted_users_watch_but_cannot_speak_and_removed_users_are_shown_out(live):
    second = make_user(
        role=Role.ORGANIZER, org=live["room"].roadshow.lead_host, username="mod2"
    )

    async def scenario():
        moderator = Client(live["roadshow"].pk, live["organizer"])
        target = Client(live["roadshow"].pk, live["investor"])
        await moderator.connect()
        await target.connect()
        await moderator.send(
            t="sanction", ref="m", user=live["investor"].pk, kind="mute", active=True
        )
        assert (await moderator.reply("m"))["t"] == "ack"
        told = await target.event("sanction", kind="mute")
        assert told["data"]["active"] is True
        await target.send(t="chat", ref="c", cid="c", text="还能说话吗")
        assert (await target.reply("c"))["code"] == "muted"

        await moderator.send(
            t="sanction", ref="r", user=live["investor"].pk, kind="remove", active=True
        )
        await moderator.reply("r")
        shown_out = await target.until(lambda f: f["t"] == "error")
        assert (shown_out["code"], shown_out["fatal"]) == ("removed", True)
        assert await target.comm.receive_output() == {
            "type": "websocket.close",
            "code": 4403,
        }
        again = Client(live["roadshow"].pk, live["investor"])
        await again.comm.connect()
        assert (await again.comm.receive_json_from())["code"] == "forbidden"
        await again.close()
        # Moderators cannot be sanctioned.
        await moderator.send(
            t="sanction", ref="s", user=second.pk, kind="mute", active=True
        )
        assert (await moderator.reply("s"))["code"] == "invalid"
        await moderator.close()

    run(scenario)
    assert not ChatMessage.objects.exists()


def test_after_the_roadshow_the_room_is_read_only(live):
    roadshow = live["roadshow"]
    roadshow.status = "closed"
    roadshow.save()

    async def scenario():
        client = Client(roadshow.pk, live["investor"])
        snap = await client.connect()
        assert snap["me"]["can_participate"] is False
        await client.send(t="ask", ref="q", cid="c", text="结束后提问")
        assert (await client.reply("q"))["code"] == "closed"
        await client.close()

    run(scenario)


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_foreign_or_missing_origin_is_refused(live):
    from roadshow.asgi import application

    async def attempt(headers):
        comm = WebsocketCommunicator(
            application, f"/ws/live/{live['roadshow'].pk}/", headers=headers
        )
        connected, _ = await comm.connect()
        await comm.disconnect()
        return connected

    assert async_to_sync(attempt)([(b"origin", b"http://evil.example")]) is False
    assert async_to_sync(attempt)([]) is False
    assert async_to_sync(attempt)([(b"origin", b"http://testserver")]) is True
