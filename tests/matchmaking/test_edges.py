"""The edges an independent review found: what emails may say, replans of
cancelled meetings, the day under way, expiry without the sweep, people on
both sides, deals before the meeting, hostile input."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from accounts.enums import Role
from accounts.models import Membership
from accounts.permissions import user_can
from achievements.enums import Publication
from achievements.models import Achievement
from matchmaking.enums import Direction, MeetingStatus, RequestStatus
from matchmaking.models import MatchSlot, Meeting, MeetingRequest, MeetingSeat
from matchmaking.services import (
    MatchError,
    meeting_mark,
    request_accept,
    request_cancel,
    request_create,
    request_decline,
    schedule_publish,
    schedule_run,
    session_update,
)
from matchmaking.services.sessions import SETTINGS
from tests.factories import make_user
from tests.factories.matchmaking import make_emailed_market, make_meeting
from tracker.models import Deal


@pytest.fixture
def market(roles):
    return make_emailed_market(roles)


def _ask(m, by="investor", org="fund"):
    return request_create(
        by=m[by],
        session=m["session"],
        achievement=m["achievement"],
        investor_org=m[org],
        direction=Direction.TO_TEAM,
    )


def _placed(m):
    return make_meeting(m)


def _started(meeting, *, minutes_ago=60):
    now = timezone.now()
    MatchSlot.objects.filter(pk=meeting.slot_id).update(
        start=now - dt.timedelta(minutes=minutes_ago),
        end=now - dt.timedelta(minutes=minutes_ago - 20),
    )


def test_email_never_names_an_achievement_the_reader_may_no_longer_see(
    market, django_capture_on_commit_callbacks
):
    request = _ask(market)
    Achievement.objects.filter(pk=market["achievement"].pk).update(
        publication=Publication.NONE
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_decline(request_id=request.pk, by=market["team"], reason="other")
    [message] = mail.outbox
    assert message.to == ["investor@example.com"]
    assert market["achievement"].title not in message.subject + message.body
    assert "（该成果已不公开）" in message.subject


def test_email_is_in_the_platforms_language_whoever_acts(
    market, django_capture_on_commit_callbacks
):
    request = _ask(market)
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        request_decline(request_id=request.pk, by=market["team"], reason="price")
    [message] = mail.outbox
    assert message.subject.startswith("甲大学 婉拒了约见请求（价格不合适）")
    assert "价格不合适" in message.body


def test_a_meeting_a_replan_called_off_is_placed_again_as_a_draft(market):
    session = market["session"]
    request, meeting = _placed(market)
    settings = {k: getattr(session, k) for k in SETTINGS}
    session_update(
        session_id=session.pk, by=market["organizer"], pitch_buffer_minutes=240
    )
    schedule_run(session_id=session.pk, by=market["organizer"], replan=True)
    meeting.refresh_from_db()
    assert (meeting.status, MeetingSeat.objects.count()) == (MeetingStatus.CANCELLED, 0)
    session_update(
        session_id=session.pk,
        by=market["organizer"],
        pitch_buffer_minutes=settings["pitch_buffer_minutes"],
    )
    summary = schedule_run(session_id=session.pk, by=market["organizer"])
    meeting.refresh_from_db()
    assert (summary.placed, meeting.status, meeting.published_at) == (
        1,
        MeetingStatus.SCHEDULED,
        None,
    )
    assert meeting.sequence == 2
    assert MeetingSeat.objects.filter(meeting=meeting).count() == 2
    schedule_publish(session_id=session.pk, by=market["organizer"])
    meeting.refresh_from_db()
    assert meeting.published_at is not None


def test_a_meeting_under_way_or_held_cannot_be_cancelled(market):
    request, meeting = _placed(market)
    _started(meeting)
    with pytest.raises(MatchError, match="已经开始或已举行"):
        request_cancel(request_id=request.pk, by=market["investor"])
    meeting_mark(meeting_id=meeting.pk, by=market["organizer"], status="held")
    with pytest.raises(MatchError, match="已经开始或已举行"):
        request_cancel(request_id=request.pk, by=market["team"])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_an_accept_on_the_day_is_never_placed_in_a_slot_that_began(market):
    schedule_publish(session_id=market["session"].pk, by=market["organizer"])
    now = timezone.now()
    for i, slot in enumerate(market["slots"][:4]):
        MatchSlot.objects.filter(pk=slot.pk).update(
            start=now - dt.timedelta(hours=5 - i),
            end=now - dt.timedelta(hours=5 - i) + dt.timedelta(minutes=20),
        )
    request = _ask(market, by="enterprise", org="enterprise_org")
    colleague = make_user(role=Role.TEAM, org=market["owner"])
    request_accept(
        request_id=request.pk, by=market["team"], attendee_ids=[colleague.pk]
    )
    assert Meeting.objects.get(request=request).slot.start > now


def test_a_request_past_its_time_holds_nothing_even_before_the_sweep(market):
    request = _ask(market)
    MeetingRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(MatchError, match="已过回复期限"):
        request_decline(request_id=request.pk, by=market["team"], reason="other")
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED
    again = _ask(market)
    assert again.status == RequestStatus.PENDING


def test_someone_in_both_organizations_answers_for_the_side_asked(market, roles):
    users, orgs = roles
    both = make_user(role=Role.INVESTOR, org=orgs["fund"], username="both")
    Membership.objects.create(user=both, organization=orgs["owner"], role=Role.TEAM)
    request = request_create(
        by=market["team"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=orgs["fund"],
        direction=Direction.TO_INVESTOR,
    )
    assert user_can(both, "match.respond", request)
    assert not user_can(market["team"], "match.respond", request)


def test_no_deal_from_a_meeting_before_it_happened_or_without_continue(market):
    request, meeting = _placed(market)
    investor = Client()
    investor.force_login(market["investor"])
    data = {"counterparty": market["fund"].pk, "transfer_mode": "licence"}
    assert investor.post(f"/deals/new/?meeting={meeting.pk}", data).status_code == 403
    _started(meeting)
    assert investor.post(f"/deals/new/?meeting={meeting.pk}", data).status_code == 403
    assert Deal.objects.count() == 0


@pytest.mark.parametrize(
    "who,method,path,data",
    [
        ("investor", "get", "/matchmaking/request/?achievement={a}&session=9" * 1, {}),
        (
            "investor",
            "post",
            "/matchmaking/request/?achievement={a}&session={s}",
            {"priority": "1", "place_kind": "onsite", "preferred_slots": ["abc"]},
        ),
        (
            "investor",
            "post",
            "/matchmaking/request/?achievement={a}&session={s}",
            {"priority": "99999999999999999999999", "place_kind": "onsite"},
        ),
        ("team", "post", "/matchmaking/requests/{r}/accept/", {"attendees": ["x"]}),
        ("team", "post", "/matchmaking/requests/{r}/decline/", {}),
        (
            "team",
            "post",
            "/matchmaking/requests/{r}/decline/",
            {"reason": "other", "note": "a\x00b"},
        ),
        ("investor", "post", "/matchmaking/meetings/99999999999/outcome/", {}),
        (
            "organizer",
            "post",
            "/admin/matchmaking/{s}/meetings/99999999999/move/",
            {"slot": "99999999999999999999999", "place": "1"},
        ),
        (
            "organizer",
            "post",
            "/admin/matchmaking/{s}/settings/",
            {"starts_at": "2026-13-45", "slot_minutes": "x"},
        ),
        ("investor", "get", "/deals/new/?meeting=99999999999999999999999", {}),
        (
            "investor",
            "post",
            "/matchmaking/sessions/{s}/slots/99999999999/block/",
            {"blocked": "on"},
        ),
    ],
)
def test_hostile_input_gets_an_answer_not_a_crash(market, who, method, path, data):
    request = _ask(market)
    client = Client()
    client.force_login(market[who])
    url = path.format(a=market["achievement"].pk, s=market["session"].pk, r=request.pk)
    response = getattr(client, method)(url, data)
    assert 400 <= response.status_code < 500 or response.status_code in (200, 302)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
