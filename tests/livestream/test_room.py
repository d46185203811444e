import contextlib

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from livestream.models import Question, RoomEvent
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextlib.contextmanager
def captured_on_commit():
    """Run the block in a transaction (its on_commit callbacks run at the end)."""
    with transaction.atomic():
        yield


def test_ask_broadcasts_to_other_viewer(live):
    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        viewer = Client(live["roadshow"].pk)
        first = await asker.connect()
        assert first["t"] == "snapshot"
        assert first["programme"][0]["id"] == live["slot"].pk
        await viewer.connect()
        await asker.send(t="ask", ref="r1", cid="c-1", text="量产成本多少？")
        ack = await asker.reply("r1")
        assert ack["t"] == "ack"
        frame = await viewer.until(lambda f: f["t"] == "events")
        [event] = frame["events"]
        assert event["kind"] == "question"
        assert event["data"]["text"] == "量产成本多少？"
        assert event["data"]["slot"] == live["slot"].pk
        await asker.close()
        await viewer.close()

    run(scenario)
    assert Question.objects.count() == 1
    assert RoomEvent.objects.filter(room=live["room"]).count() == 1


def test_premoderation_anonymous_edit_approve_and_pin(live):
    room = live["room"]
    room.premoderation = True
    room.save()

    async def scenario():
        moderator = Client(live["roadshow"].pk, live["organizer"])
        asker = Client(live["roadshow"].pk, live["investor"])
        viewer = Client(live["roadshow"].pk, live["nobody"])
        snap = await moderator.connect()
        assert snap["me"]["moderator"] is True
        await asker.connect()
        await viewer.connect()

        await asker.send(
            t="ask", ref="q", cid="c-1", text="能否授权 使用？", anonymous=True
        )
        ack = await asker.reply("q")
        assert ack["status"] == "pending"
        pending = await moderator.until(lambda f: f["t"] == "events")
        data = pending["events"][0]["data"]
        assert data["status"] == "pending"
        assert data["author"] == live["investor"].name  # never anonymous to moderators
        mine = await asker.until(lambda f: f["t"] == "events")
        assert mine["events"][0]["data"]["author"] is None

        await moderator.send(
            t="moderate",
            ref="a",
            id=data["id"],
            action="approve",
            text="能否独占许可使用？",
        )
        assert (await moderator.reply("a"))["t"] == "ack"
        shown = await viewer.until(lambda f: f["t"] == "events")
        [event] = shown["events"]  # the pending one never reached this viewer
        assert event["data"]["status"] == "approved"
        assert event["data"]["text"] == "能否独占许可使用？"
        assert event["data"]["author"] is None
        assert "original_text" not in event["data"]
        assert viewer.seq == shown["seq"]

        await moderator.send(t="moderate", ref="p", id=data["id"], action="pin")
        await moderator.reply("p")
        pin = await viewer.until(lambda f: f["t"] == "events")
        assert pin["events"][0] == {
            "seq": pin["seq"],
            "kind": "pin",
            "data": {"id": data["id"]},
        }
        for client in (moderator, asker, viewer):
            await client.close()

    run(scenario)
    question = Question.objects.get()
    assert question.original_text == "能否授权 使用？"
    room.refresh_from_db()
    assert room.pinned_id == question.pk


def test_dismissed_pending_question_is_not_told_to_the_asker(live):
    live["room"].premoderation = True
    live["room"].save()

    async def scenario():
        moderator = Client(live["roadshow"].pk, live["organizer"])
        asker = Client(live["roadshow"].pk, live["investor"])
        await moderator.connect()
        await asker.connect()
        await asker.send(t="ask", ref="q", cid="c-1", text="广告内容")
        ack = await asker.reply("q")
        await asker.until(lambda f: f["t"] == "events")
        await moderator.send(t="moderate", ref="d", id=ack["id"], action="dismiss")
        await moderator.reply("d")
        await moderator.event("question", status="dismissed", id=ack["id"])
        await asker.send(t="ping", ref="ping")
        # The asker's next frame is the ping's answer: nothing about the dismissal.
        assert asker.backlog == []
        nxt = await asker.until(lambda f: f["t"] != "presence")
        assert nxt["t"] == "ack" and nxt["ref"] == "ping"
        await asker.close()
        again = Client(live["roadshow"].pk, live["investor"])
        snap = await again.connect()
        assert [q["status"] for q in snap["questions"]] == ["pending"]
        await again.close()
        await moderator.close()

    run(scenario)


def test_votes_toggle_once_per_user_and_counts_reach_everyone(live):
    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        voter = Client(live["roadshow"].pk, live["enterprise"])
        await asker.connect()
        await voter.connect()
        await asker.send(t="ask", ref="q", cid="c-1", text="市场规模？")
        qid = (await asker.reply("q"))["id"]
        await voter.until(lambda f: f["t"] == "events")
        for ref, on in (("v1", True), ("v2", True), ("v3", False), ("v4", True)):
            await voter.send(t="vote", ref=ref, id=qid, on=on)
            await voter.reply(ref)
        counts = []
        while not counts or counts[-1] != 1 or asker.seq < 4:
            frame = await asker.until(lambda f: f["t"] == "events")
            counts += [
                e["data"]["votes"] for e in frame["events"] if e["kind"] == "votes"
            ]
        assert counts[-1] == 1
        await asker.close()
        await voter.close()

    run(scenario)
    assert Question.objects.get().votes == 1


def test_retried_send_with_the_same_client_id_is_stored_once(live):
    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        await asker.connect()
        ids = set()
        for ref in ("a", "b", "c"):
            await asker.send(t="ask", ref=ref, cid="same", text="重复发送的问题")
            ids.add((await asker.reply(ref))["id"])
        assert len(ids) == 1
        await asker.close()

    run(scenario)
    assert Question.objects.count() == 1
    assert RoomEvent.objects.count() == 1


def test_resume_delivers_exactly_what_was_missed_in_order(live):
    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        away = Client(live["roadshow"].pk, live["enterprise"])
        await asker.connect()
        await away.connect()
        await asker.send(t="ask", ref="q0", cid="c-0", text="第0个问题")
        await asker.reply("q0")
        await away.until(lambda f: f["t"] == "events")
        seen = away.seq
        await away.close()
        for n in range(1, 6):
            await asker.send(t="ask", ref=f"q{n}", cid=f"c-{n}", text=f"第{n}个问题")
            await asker.reply(f"q{n}")
        back = Client(live["roadshow"].pk, live["enterprise"], last=seen)
        frame = await back.connect()
        assert frame["t"] == "events"
        assert [e["data"]["text"] for e in frame["events"]] == [
            f"第{n}个问题" for n in range(1, 6)
        ]
        assert [e["seq"] for e in frame["events"]] == list(range(seen + 1, seen + 6))
        # Nothing more arrives twice afterwards.
        await asker.send(t="ask", ref="q6", cid="c-6", text="第6个问题")
        await asker.reply("q6")
        nxt = await back.until(lambda f: f["t"] == "events")
        assert [e["data"]["text"] for e in nxt["events"]] == ["第6个问题"]
        await back.close()
        await asker.close()

    run(scenario)


def test_a_crowd_coming_back_is_answered_from_the_hub_without_reading_events(
    live, monkeypatch
):
    """A reconnect storm: every viewer coming back from the same point gets
    what it missed from the room's hub, with no read of the events each."""
    from livestream import selectors

    def refused(*args, **kwargs):
        raise AssertionError("read from the database")

    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        watcher = Client(live["roadshow"].pk, live["enterprise"])
        await asker.connect()
        first = await watcher.connect()
        seen = first["seq"]
        for n in range(3):
            await asker.send(t="ask", ref=f"q{n}", cid=f"c{n}", text=f"问题{n}")
            await asker.reply(f"q{n}")
            await watcher.event("question", text=f"问题{n}")
        monkeypatch.setattr(selectors, "missed", refused)
        monkeypatch.setattr(selectors, "events_between", refused)
        crowd = [Client(live["roadshow"].pk, last=seen) for _ in range(5)]
        crowd.append(Client(live["roadshow"].pk, live["investor"], last=seen))
        for client in crowd:
            frame = await client.connect()
            assert frame["t"] == "events" and frame["seq"] == seen + 3
            assert [e["data"]["text"] for e in frame["events"]] == [
                "问题0",
                "问题1",
                "问题2",
            ]
        # Then each gets what follows, once.
        monkeypatch.undo()
        await asker.send(t="ask", ref="q3", cid="c3", text="问题3")
        await asker.reply("q3")
        for client in crowd:
            nxt = await client.until(lambda f: f["t"] == "events")
            assert [e["data"]["text"] for e in nxt["events"]] == ["问题3"]
        for client in (asker, watcher, *crowd):
            await client.close()

    run(scenario)


@pytest.mark.parametrize("last", ["999", "-5", "abc"])
def test_forged_sequence_number_gets_a_fresh_snapshot(live, last):
    async def scenario():
        client = Client(live["roadshow"].pk, live["investor"], last=last)
        frame = await client.connect()
        assert frame["t"] == "snapshot"
        assert frame["seq"] == 0
        await client.close()

    run(scenario)


def test_a_viewer_away_too_long_gets_a_fresh_snapshot(live, settings):
    settings.LIVE_RESUME_LIMIT = 3

    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        await asker.connect()
        for n in range(5):
            await asker.send(t="ask", ref=f"q{n}", cid=f"c{n}", text=f"问题{n}")
            await asker.reply(f"q{n}")
        near = Client(live["roadshow"].pk, live["enterprise"], last=2)
        frame = await near.connect()
        assert (frame["t"], [e["seq"] for e in frame["events"]]) == (
            "events",
            [3, 4, 5],
        )
        far = Client(live["roadshow"].pk, live["enterprise"], last=1)
        frame = await far.connect()
        assert frame["t"] == "snapshot" and frame["seq"] == 5
        assert [q["text"] for q in frame["questions"]] == [f"问题{n}" for n in range(5)]
        for client in (asker, near, far):
            await client.close()

    run(scenario)


def test_the_room_is_told_when_the_roadshow_closes(live):
    from events.services import roadshow_transition

    async def scenario():
        viewer = Client(live["roadshow"].pk, live["investor"])
        snap = await viewer.connect()
        assert snap["me"]["can_participate"] is True
        await database_sync_to_async(_close)()
        event = await viewer.event("room", status="closed")
        assert event["data"]["premoderation"] is False
        await viewer.close()

    def _close():
        with captured_on_commit():
            roadshow_transition(roadshow=live["roadshow"], action="close", by=None)

    run(scenario)


def test_a_moderator_whose_rights_are_taken_away_starts_again(live):
    live["room"].moderators.add(live["enterprise"])
    live["room"].premoderation = True
    live["room"].save()

    async def scenario():
        moderator = Client(live["roadshow"].pk, live["enterprise"])
        snap = await moderator.connect()
        assert snap["me"]["moderator"] is True
        await database_sync_to_async(live["room"].moderators.clear)()
        reset = await moderator.until(lambda f: f["t"] == "reset", timeout=5)
        assert reset == {"v": 1, "t": "reset"}
        closed = await moderator.comm.receive_output()
        assert closed == {"type": "websocket.close", "code": 4000}
        again = Client(live["roadshow"].pk, live["enterprise"])
        assert (await again.connect())["me"]["moderator"] is False
        await again.close()

    run(scenario)


def test_a_new_room_is_premoderated_and_nobody_upvotes_their_own_question(live):
    from livestream.models import Room
    from livestream.services import room_of

    Room.objects.filter(pk=live["room"].pk).delete()
    room = room_of(live["roadshow"])  # as a roadshow's room is first made
    assert room.premoderation is True

    async def scenario():
        moderator = Client(live["roadshow"].pk, live["organizer"])
        asker = Client(live["roadshow"].pk, live["investor"])
        await moderator.connect()
        await asker.connect()
        await asker.send(t="ask", ref="q", cid="c-own", text="谁来回答我的问题？")
        ack = await asker.reply("q")
        assert ack["status"] == "pending"  # waits for a moderator
        await moderator.send(t="moderate", ref="a", id=ack["id"], action="approve")
        assert (await moderator.reply("a"))["t"] == "ack"
        await asker.send(t="vote", ref="v", id=ack["id"], on=True)
        refused = await asker.reply("v")
        assert refused["t"] == "error" and refused["code"] == "own_question"
        # Someone else may; and a fresh page knows which questions are one's own.
        await moderator.send(t="vote", ref="v2", id=ack["id"], on=True)
        assert (await moderator.reply("v2"))["votes"] == 1
        again = Client(live["roadshow"].pk, live["investor"])
        snapshot = await again.connect()
        assert snapshot["mine"] == [ack["id"]]
        for client in (moderator, asker, again):
            await client.close()

    run(scenario)
    assert Question.objects.get().votes == 1
