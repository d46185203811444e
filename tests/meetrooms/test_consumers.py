"""The meeting room's WebSocket: who gets in, chat resumed without loss,
presence, the video link, notes, documents withdrawn, bad frames, the room
turning read-only, and a party disconnected the moment they are no longer one."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Membership
from matchmaking.models import MatchSlot
from matchmaking.services import request_cancel
from meetrooms.models import RoomMessage, RoomNote
from tests.meetrooms.conftest import Client, db, on_now, scenario

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@scenario
async def test_parties_enter_and_outsiders_learn_nothing(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    first = await investor.connect()
    assert first["t"] == "snapshot"
    assert first["me"]["side"] == "investor"
    assert first["state"]["closed"] is None
    team = Client(meeting.pk, meet["team"])
    assert (await team.connect())["me"]["side"] == "team"
    organizer = Client(meeting.pk, meet["organizer"])
    assert (await organizer.connect())["me"]["side"] == "organizer"
    refusals = []
    for user, meeting_id in [
        (meet["other_team"], meeting.pk),
        (meet["enterprise"], meeting.pk),  # another investor organization
        (meet["pending_investor"], meeting.pk),
        (AnonymousUser(), meeting.pk),
        (meet["investor"], meeting.pk + 1000),  # no such meeting
    ]:
        outsider = Client(meeting_id, user)
        frame = await outsider.connect()
        code = await outsider.comm.receive_output(timeout=2)
        refusals.append((frame["code"], frame["message"], code.get("code")))
    # The same answer whether the meeting exists or not: nothing to probe.
    assert set(refusals) == {("forbidden", "你无权进入这个会议室。", 4403)}
    for client in (investor, team, organizer):
        await client.close()


@scenario
async def test_chat_reaches_the_other_side_and_a_reload_misses_nothing(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    await investor.send(
        t="chat", cid="c1", text="  您好，\n\n\n我们 想看中试数据 ", ref="r1"
    )
    assert (await investor.reply("r1"))["t"] == "ack"
    said = await team.event("chat")
    assert said["data"]["text"] == "您好，\n\n我们 想看中试数据"
    assert said["data"]["side"] == "investor"
    # The team's page goes away; the investor says two more things; the team
    # comes back with the last number it saw and gets exactly those two.
    seen = team.seq
    await team.close()
    for n in (2, 3):
        await investor.send(t="chat", cid=f"c{n}", text=f"第{n}条", ref=f"r{n}")
        await investor.reply(f"r{n}")
    # A retried send (same client id) is stored once.
    await investor.send(t="chat", cid="c3", text="第3条", ref="again")
    assert (await investor.reply("again"))["t"] == "ack"
    back = Client(meeting.pk, meet["team"], last=seen)
    resumed = await back.connect()
    assert resumed["t"] == "events" and resumed["resumed"] is True
    assert [e["data"]["text"] for e in resumed["events"]] == ["第2条", "第3条"]
    assert await db(RoomMessage.objects.count)() == 3
    # A fresh page gets them all, in order.
    fresh = Client(meeting.pk, meet["team"])
    snapshot = await fresh.connect()
    assert [m["text"] for m in snapshot["messages"]][1:] == ["第2条", "第3条"]
    for client in (investor, back, fresh):
        await client.close()


@scenario
async def test_a_gap_in_the_broadcasts_is_filled_from_the_log(meet):
    """A message the channel layer lost: the next one (or a ping) brings it."""
    from meetrooms import broadcast

    meeting = meet["meeting"]
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    lost = []
    real = broadcast.publish
    broadcast.publish = lambda room_id, wire: lost.append(wire)
    try:
        await investor.send(t="chat", cid="a", text="丢失的广播", ref="a")
        await investor.reply("a")
    finally:
        broadcast.publish = real
    assert lost
    await investor.send(t="chat", cid="b", text="下一条", ref="b")
    await investor.reply("b")
    frame = await team.until(lambda f: f["t"] == "events")
    assert [e["data"]["text"] for e in frame["events"]] == ["丢失的广播", "下一条"]
    # And a ping catches up when nothing follows.
    broadcast.publish = lambda room_id, wire: None
    try:
        await investor.send(t="chat", cid="c", text="只有日志里有", ref="c")
        await investor.reply("c")
    finally:
        broadcast.publish = real
    await team.send(t="ping", ref="p")
    caught = await team.until(lambda f: f["t"] == "events")
    assert [e["data"]["text"] for e in caught["events"]] == ["只有日志里有"]
    assert (await team.reply("p"))["seq"] == caught["seq"]
    await team.close()
    await investor.close()


@scenario
async def test_presence_of_the_other_side(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    alone = await investor.until(lambda f: f["t"] == "presence")
    assert alone["sides"] == {"team": False, "investor": True}
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    both = await investor.until(lambda f: f["t"] == "presence" and f["sides"]["team"])
    assert {p["side"] for p in both["people"]} == {"team", "investor"}
    await team.close()
    gone = await investor.until(
        lambda f: f["t"] == "presence" and not f["sides"]["team"]
    )
    assert gone["sides"]["investor"] is True
    await investor.close()


@scenario
async def test_video_link_checked_and_shared(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    first = await investor.connect()
    assert first["video"]["url"] == ""
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    for url, message in [
        ("http://meeting.tencent.com/dm/abc", "https://"),
        ("https://evil.example.com/j/1", "只接受以下视频会议平台"),
        ("https://user:pw@zoom.us/j/1", "格式不正确"),
        ("https://meeting.tencent.com.evil.cn/x", "只接受以下视频会议平台"),
        ("javascript:alert(1)", "https://"),
        # Look-alikes a browser reads as another host.
        ("https://evil.com\\.zoom.us/j/1", "格式不正确"),
        ("https://evil.com%2F.zoom.us/j/1", "格式不正确"),
        ("https://evil.com;.zoom.us/j/1", "格式不正确"),
        ("https://zoom.us:8443/j/1", "格式不正确"),
    ]:
        await investor.send(t="video", url=url, ref="v")
        refused = await investor.reply("v")
        assert refused["t"] == "error" and message in refused["message"], url
    await investor.send(t="video", url="https://meeting.tencent.com/dm/abc", ref="ok")
    assert (await investor.reply("ok"))["video"]["provider"] == "腾讯会议"
    shown = await team.event("video")
    assert shown["data"]["url"] == "https://meeting.tencent.com/dm/abc"
    await investor.close()
    await team.close()


@scenario
async def test_the_place_link_is_the_default(meet):
    from matchmaking.models import Place

    meeting = meet["meeting"]
    await db(Place.objects.filter(pk=meeting.place_id).update)(
        video_url="https://vc.feishu.cn/j/123"
    )
    client = Client(meeting.pk, meet["team"])
    first = await client.connect()
    assert first["video"] == {
        "url": "https://vc.feishu.cn/j/123",
        "provider": "飞书会议",
        "default": True,
    }
    await client.close()


@scenario
async def test_notes_are_private(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    await investor.send(t="note", text="估值偏高，回去再议", ref="n")
    assert (await investor.reply("n"))["t"] == "ack"
    assert await team.nothing()
    assert (await db(RoomNote.objects.get)()).text == "估值偏高，回去再议"
    again = Client(meeting.pk, meet["investor"])
    assert (await again.connect())["note"] == "估值偏高，回去再议"
    other = Client(meeting.pk, meet["team"])
    assert (await other.connect())["note"] == ""
    await investor.send(t="note", text="x" * 10_001, ref="long")
    assert (await investor.reply("long"))["t"] == "error"
    for client in (investor, team, again, other):
        await client.close()


@scenario
async def test_bad_frames_are_refused_without_effect(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    await investor.comm.send_to(bytes_data=b"\x00\x01")
    assert (await investor.until(lambda f: f["t"] == "error"))["code"] == "bad_frame"
    await investor.comm.send_to(text_data="{not json")
    assert (await investor.until(lambda f: f["t"] == "error"))["code"] == "bad_json"
    await investor.comm.send_to(text_data="x" * 30_000)
    assert (await investor.until(lambda f: f["t"] == "error"))["code"] == "too_large"
    for frame, code in [
        ({"t": "chat", "cid": "x", "text": ""}, "bad_frame"),
        ({"t": "chat", "cid": "x", "text": "   "}, "invalid"),
        ({"t": "chat", "cid": "x", "text": "长" * 1001}, "invalid"),
        ({"t": "chat", "cid": "x", "text": "hi", "meeting": 1}, "bad_frame"),
        ({"t": "moderate", "id": 1}, "unknown_type"),
        ({"t": "doc_remove", "id": True}, "bad_frame"),
        ({"t": "doc_remove", "id": 99999}, "not_found"),
        ({"t": "video", "url": 5}, "bad_frame"),
        ({"t": "chat", "cid": "x", "text": "a\x00b"}, "bad_frame"),
        ({"t": "note", "text": "\x00"}, "bad_frame"),
    ]:
        await investor.send(ref="bad", **frame)
        answer = await investor.reply("bad")
        assert (answer["t"], answer["code"]) == ("error", code), frame
    assert await team.nothing()
    assert await db(RoomMessage.objects.count)() == 0
    await investor.close()
    await team.close()


@scenario
async def test_a_flood_from_one_user_is_limited(meet, settings):
    settings.MEET_RATE_LIMITS = {"chat": (3, 60)}
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    answers = []
    for n in range(5):
        await investor.send(t="chat", cid=f"f{n}", text=f"刷屏{n}", ref=f"f{n}")
        answers.append(await investor.reply(f"f{n}"))
    assert [a["t"] for a in answers] == ["ack", "ack", "ack", "error", "error"]
    assert answers[3]["code"] == "rate_limited"
    # A retry of a message already stored is answered as stored, over the
    # limit or not, and stored once.
    await investor.send(t="chat", cid="f0", text="刷屏0", ref="again")
    again = await investor.reply("again")
    assert again["t"] == "ack" and again["id"] == answers[0]["id"]
    assert await db(RoomMessage.objects.count)() == 3
    # The other side is not limited by it.
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    await team.send(t="chat", cid="t", text="我方发言", ref="t")
    assert (await team.reply("t"))["t"] == "ack"
    await investor.close()
    await team.close()


@scenario
async def test_the_room_turns_read_only_after_the_slot(meet, settings):
    settings.MEET_ROOM_GRACE_MINUTES = 5
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    await investor.send(t="chat", cid="1", text="会前消息", ref="1")
    await investor.reply("1")
    await investor.close()
    ended = timezone.now() - dt.timedelta(minutes=6)
    await db(MatchSlot.objects.filter(pk=meeting.slot_id).update)(
        start=ended - dt.timedelta(minutes=20), end=ended
    )
    later = Client(meeting.pk, meet["investor"])
    first = await later.connect()
    assert first["state"]["closed"] == "ended"
    assert [m["text"] for m in first["messages"]] == ["会前消息"]
    await later.send(t="chat", cid="2", text="会后消息", ref="2")
    refused = await later.reply("2")
    assert refused["code"] == "closed" and "只能查看" in refused["message"]
    await later.send(t="video", url="https://zoom.us/j/1", ref="3")
    assert (await later.reply("3"))["code"] == "closed"
    # Notes stay one's own to write up.
    await later.send(t="note", text="会后整理", ref="4")
    assert (await later.reply("4"))["t"] == "ack"
    await later.close()


@scenario
async def test_a_party_who_leaves_the_organization_is_disconnected_at_once(meet):
    meeting = meet["meeting"]
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    await db(Membership.objects.filter(user=meet["investor"]).delete)()
    refused = await investor.until(lambda f: f["t"] == "error")
    assert refused["fatal"] is True
    assert (await investor.comm.receive_output(timeout=2))["code"] == 4403
    # The team stays, and its messages go on.
    await team.send(t="chat", cid="x", text="还在吗", ref="x")
    assert (await team.reply("x"))["t"] == "ack"
    await team.close()


@scenario
async def test_a_cancelled_meeting_turns_its_room_read_only(meet):
    meeting = meet["meeting"]
    await db(on_now)(meeting, started_minutes=-30)  # starts in half an hour
    team = Client(meeting.pk, meet["team"])
    await team.connect()
    await db(request_cancel)(request_id=meet["request"].pk, by=meet["investor"])
    state = await team.until(lambda f: f["t"] == "state")
    assert state["state"]["closed"] == "cancelled"
    await team.send(t="chat", cid="x", text="还开吗", ref="x")
    assert (await team.reply("x"))["code"] == "closed"
    await team.close()


@scenario
async def test_a_signed_out_session_closes_its_sockets(meet):
    from livestream import broadcast as live_broadcast

    meeting = meet["meeting"]
    session = type("S", (), {"session_key": "k-123"})()
    client = Client(meeting.pk, meet["team"])
    client.comm.scope["session"] = session
    await client.connect()
    await db(live_broadcast.access_changed)(session_keys=["k-123"])
    refused = await client.until(lambda f: f["t"] == "error")
    assert "退出登录" in refused["message"]
    await client.close()


@scenario
async def test_a_lost_notice_does_not_keep_a_removed_party_reading(meet):
    """Judged again on every ping: a party whose access notice never arrived
    is disconnected at the next one (every 25 s from the page)."""
    from livestream import broadcast as live_broadcast

    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    real = live_broadcast.access_changed
    live_broadcast.access_changed = lambda **kwargs: None  # the notice is lost
    try:
        await db(Membership.objects.filter(user=meet["investor"]).delete)()
    finally:
        live_broadcast.access_changed = real
    await investor.send(t="ping", ref="p")
    refused = await investor.until(lambda f: f["t"] == "error")
    assert refused["fatal"] is True
    assert (await investor.comm.receive_output(timeout=2))["code"] == 4403


@scenario
async def test_a_message_keeps_its_authors_side(meet):
    meeting = meet["meeting"]
    investor = Client(meeting.pk, meet["investor"])
    await investor.connect()
    await investor.send(t="chat", cid="a", text="我方的问题", ref="a")
    await investor.reply("a")
    await investor.close()
    await db(Membership.objects.filter(user=meet["investor"]).delete)()
    team = Client(meeting.pk, meet["team"])
    first = await team.connect()
    assert [(m["text"], m["side"]) for m in first["messages"]] == [
        ("我方的问题", "investor")
    ]
    await team.close()


@pytest.fixture
def managed(roles):
    """A published meeting whose team side is 甲大学's technology manager,
    who accepted the fund's request naming themselves."""
    from django.db import transaction

    from accounts.enums import OrganizationKind
    from events.registrations import registration_create
    from matchmaking.models import Meeting
    from matchmaking.services import (
        request_accept,
        request_create,
        schedule_publish,
        schedule_run,
    )
    from tests.factories import make_manager, make_org
    from tests.factories.matchmaking import make_market

    market = make_market(roles)
    office = make_org(kind=OrganizationKind.TRANSFER_OFFICE)
    manager, delegation = make_manager(
        institution=market["owner"], office=office, by=market["team"]
    )
    with transaction.atomic():
        registration_create(
            roadshow=market["roadshow"], user=manager, attendance="onsite"
        )
    request = request_create(
        by=market["investor"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["fund"],
        direction="to_team",
    )
    request_accept(request_id=request.pk, by=manager, attendee_ids=[manager.pk])
    schedule_run(session_id=market["session"].pk, by=market["organizer"])
    schedule_publish(session_id=market["session"].pk, by=market["organizer"])
    meeting = Meeting.objects.get(request=request)
    on_now(meeting)
    return {**market, "meeting": meeting, "manager": manager, "delegation": delegation}


@scenario
async def test_a_revoked_manager_is_disconnected_at_once(managed):
    from accounts.services import delegation_revoke

    meeting = managed["meeting"]
    manager = Client(meeting.pk, managed["manager"])
    assert (await manager.connect())["me"]["side"] == "team"
    investor = Client(meeting.pk, managed["investor"])
    await investor.connect()
    await db(delegation_revoke)(
        delegation=managed["delegation"], by=managed["organizer"]
    )
    refused = await manager.until(lambda f: f["t"] == "error")
    assert refused["fatal"] is True
    assert (await manager.comm.receive_output(timeout=2))["code"] == 4403
    await investor.send(t="chat", cid="y", text="还在", ref="y")
    assert (await investor.reply("y"))["t"] == "ack"
    await investor.close()
