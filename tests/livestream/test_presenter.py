"""The presenter view (issue #15): the team on stage and the moderators get
the moderators' messages to the team; viewers never do, not live and not on
resume; another team's pitch closes the previous team's presenter sockets."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from events.enums import SlotKind
from events.models import Slot
from livestream import services
from livestream.enums import Audience
from livestream.errors import LiveError
from livestream.limits import NOTE_MAX
from livestream.models import RoomEvent
from tests.factories import make_achievement
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _second_pitch(live, roles_orgs_other):
    achievement = make_achievement(owner=roles_orgs_other, state="public")
    return Slot.objects.create(
        roadshow=live["roadshow"],
        kind=SlotKind.PITCH,
        achievement=achievement,
        team=roles_orgs_other,
        position=2,
    )


def _other_org(live):
    return live["other_team"].memberships.get().organization


def test_a_note_reaches_the_team_on_stage_and_moderators_never_the_viewers(live):
    pk = live["roadshow"].pk

    async def scenario():
        moderator = Client(pk, live["organizer"])
        presenter = Client(pk, live["team"], view="presenter")
        team_viewer = Client(pk, live["team"])  # the same team, the room page
        viewer = Client(pk, live["investor"])
        first = await presenter.connect()
        assert first["t"] == "snapshot"
        assert first["me"]["presenter"] is True and first["notes"] == []
        for client in (moderator, team_viewer, viewer):
            assert (await client.connect())["t"] == "snapshot"
        await moderator.send(t="presenter_note", ref="n", text="还剩  两分钟 ")
        ack = await moderator.reply("n")
        assert ack["t"] == "ack"
        for client in (presenter, moderator):
            note = await client.event("presenter_note")
            assert note["data"]["text"] == "还剩 两分钟"
            assert note["data"]["by"] == live["organizer"].name
        # Something everyone sees comes after: the viewers get it, not the note.
        await viewer.send(t="chat", ref="c", cid="c1", text="大家好")
        await viewer.reply("c")
        for client in (viewer, team_viewer):
            frame = await client.until(lambda f: f["t"] == "events")
            assert [e["kind"] for e in frame["events"]] == ["chat"]
            assert frame["seq"] == ack["seq"] + 1
        # Resuming from before the note: the viewer misses nothing, gets no note.
        again = Client(pk, live["investor"], last=ack["seq"] - 1)
        missed = await again.connect()
        assert [e["kind"] for e in missed["events"]] == ["chat"]
        back = Client(pk, live["team"], view="presenter", last=ack["seq"] - 1)
        missed = await back.connect()
        assert [e["kind"] for e in missed["events"]] == ["presenter_note", "chat"]
        # A fresh snapshot of the presenter view holds the note; a viewer's not.
        fresh = Client(pk, live["team"], view="presenter")
        assert [n["text"] for n in (await fresh.connect())["notes"]] == ["还剩 两分钟"]
        plain = Client(pk, live["team"])
        assert (await plain.connect())["notes"] == []
        for client in (moderator, presenter, team_viewer, viewer, again, back):
            await client.close()
        await fresh.close()
        await plain.close()

    run(scenario)
    event = RoomEvent.objects.get(kind="presenter_note")
    assert event.audience == Audience.PRESENTERS


def test_only_the_team_on_stage_and_moderators_open_the_presenter_view(live):
    pk = live["roadshow"].pk

    async def scenario():
        for user in (live["other_team"], live["investor"], None):
            client = Client(pk, user, view="presenter")
            await client.comm.connect()
            await client.refused("not_presenting")
        moderator = Client(pk, live["organizer"], view="presenter")
        assert (await moderator.connect())["me"]["presenter"] is True
        await moderator.close()

    run(scenario)


def test_when_another_team_goes_on_the_previous_teams_presenter_view_closes(live):
    pk = live["roadshow"].pk
    second = _second_pitch(live, _other_org(live))

    async def scenario():
        moderator = Client(pk, live["organizer"])
        first_team = Client(pk, live["team"], view="presenter")
        await moderator.connect()
        await first_team.connect()
        await moderator.send(t="room", ref="r", current_slot=second.pk)
        await moderator.reply("r")
        await first_team.refused("not_presenting")
        second_team = Client(pk, live["other_team"], view="presenter")
        assert (await second_team.connect())["room"]["current_slot"] == second.pk
        await moderator.send(t="presenter_note", ref="n", text="请回答中金资本的问题")
        await moderator.reply("n")
        note = await second_team.event("presenter_note")
        assert note["data"]["text"] == "请回答中金资本的问题"
        # The first team cannot come back while the other team presents.
        again = Client(pk, live["team"], view="presenter")
        await again.comm.connect()
        await again.refused("not_presenting")
        await moderator.close()
        await second_team.close()

    run(scenario)


def test_a_pitch_ending_by_the_clock_closes_its_presenter_view(live, settings):
    """No moderator action: the programme's clock moves on (checked at the
    hub's upkeep, and before any note goes out)."""
    pk = live["roadshow"].pk

    def clock_moves_on():
        slot = live["slot"]
        roadshow = live["roadshow"]
        roadshow.start = timezone.now() - dt.timedelta(minutes=30)
        roadshow.save(update_fields=["start"])
        assert slot.duration_minutes == 15

    async def scenario():
        presenter = Client(pk, live["team"], view="presenter")
        await presenter.connect()
        await database_sync_to_async(clock_moves_on)()
        await presenter.refused("not_presenting")

    run(scenario)


def test_bad_notes_are_refused_and_nothing_is_logged(live):
    pk = live["roadshow"].pk

    async def scenario():
        moderator = Client(pk, live["organizer"])
        viewer = Client(pk, live["investor"])
        await moderator.connect()
        await viewer.connect()
        for ref, text, code in (
            ("blank", "   ", "invalid"),
            ("long", "长" * (NOTE_MAX + 1), "invalid"),
        ):
            await moderator.send(t="presenter_note", ref=ref, text=text)
            assert (await moderator.reply(ref))["code"] == code
        await moderator.send(t="presenter_note", ref="none", text="")
        assert (await moderator.reply("none"))["code"] == "bad_frame"
        await viewer.send(t="presenter_note", ref="v", text="我也想说")
        assert (await viewer.reply("v"))["code"] == "forbidden"
        await moderator.close()
        await viewer.close()

    run(scenario)
    assert not RoomEvent.objects.exists()


def test_notes_are_rate_limited(live, settings):
    settings.LIVE_RATE_LIMITS = {"note": (2, 60)}
    room = live["room"]
    for text in ("一", "二"):
        services.presenter_note(user=live["organizer"], room_id=room.pk, text=text)
    with pytest.raises(LiveError) as refused:
        services.presenter_note(user=live["organizer"], room_id=room.pk, text="三")
    assert refused.value.code == "rate_limited"
    assert RoomEvent.objects.filter(kind="presenter_note").count() == 2


def test_presenter_page_for_the_teams_and_moderators_only(client, live):
    url = reverse("livestream:presenter", args=[live["roadshow"].pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name, status in (
        ("investor", 403),
        ("other_team", 403),
        ("nobody", 403),
        ("team", 200),
        ("organizer", 200),
    ):
        client.force_login(live[name])
        response = client.get(url)
        assert response.status_code == status, name
    assert 'data-presenter="1"' in response.content.decode()
    roadshow = live["roadshow"]
    roadshow.investors_only = True
    roadshow.save()
    client.force_login(live["pending_investor"])
    assert client.get(url).status_code == 404


def test_the_timer_runs_to_the_programmes_end_or_from_when_the_pitch_went_on(live):
    from livestream.selectors import current_slot_end, room_by_id, snapshot

    room = room_by_id(live["room"].pk)
    roadshow = live["roadshow"]
    by_clock = roadshow.start + dt.timedelta(minutes=live["slot"].duration_minutes)
    assert current_slot_end(room) == by_clock
    second = _second_pitch(live, _other_org(live))
    before = timezone.now()
    services.room_update(
        user=live["organizer"], room_id=room.pk, current_slot=second.pk
    )
    room = room_by_id(room.pk)
    end = current_slot_end(room)
    assert (
        before + dt.timedelta(minutes=15)
        <= end
        <= timezone.now() + dt.timedelta(minutes=15)
    )
    told = RoomEvent.objects.filter(kind="room").last().data
    assert told["current_slot"] == second.pk
    assert told["current_end"] == end.isoformat()
    assert snapshot(user=live["team"], room_id=room.pk)["room"]["current_end"] == (
        end.isoformat()
    )
    services.room_update(user=live["organizer"], room_id=room.pk, current_slot=None)
    room = room_by_id(room.pk)
    assert (room.current_since, current_slot_end(room)) == (None, by_clock)
