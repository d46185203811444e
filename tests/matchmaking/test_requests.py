import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from matchmaking.enums import Direction, RequestStatus
from matchmaking.models import MeetingRequest, RequestEvent
from matchmaking.services import (
    MatchError,
    request_accept,
    request_cancel,
    request_create,
    request_decline,
    requests_expire,
)
from tests.factories import make_achievement
from tests.factories.matchmaking import make_market


@pytest.fixture
def market(roles):
    return make_market(roles)


def _ask(market, by="investor", **overrides):
    data = {
        "by": market[by],
        "session": market["session"],
        "achievement": market["achievement"],
        "investor_org": market["fund"],
        "direction": Direction.TO_TEAM,
        "message": "希望了解中试情况",
    }
    data.update(overrides)
    return request_create(**data)


def test_request_by_investor_reaches_the_team(market):
    mail.outbox.clear()
    request = _ask(market)
    assert request.status == RequestStatus.PENDING
    assert request.team_org == market["owner"]
    assert request.requester == market["investor"]
    assert [m.to for m in mail.outbox] == []  # sent after commit
    assert list(request.events.values_list("kind", flat=True)) == ["created"]


def test_request_twice_for_the_same_pair_is_refused(market):
    _ask(market)
    with pytest.raises(MatchError, match="请勿重复发送"):
        _ask(market)
    assert MeetingRequest.objects.count() == 1


def test_request_back_when_the_other_side_asked_points_to_the_reply(market):
    _ask(market)
    with pytest.raises(MatchError, match="对方已向您发出约见请求"):
        _ask(market, by="team", direction=Direction.TO_INVESTOR)


def test_request_about_a_hidden_achievement_is_refused(market, roles):
    _users, orgs = roles
    hidden = make_achievement(owner=orgs["owner"], state="withheld")
    with pytest.raises(MatchError, match="找不到该成果"):
        _ask(market, achievement=hidden)
    draft = make_achievement(owner=orgs["owner"], state="draft")
    with pytest.raises(MatchError, match="尚未发布"):
        _ask(market, by="team", achievement=draft, direction=Direction.TO_INVESTOR)
    assert MeetingRequest.objects.count() == 0


def test_request_to_oneself_is_refused(market, roles):
    _users, orgs = roles
    with pytest.raises(MatchError, match="只有已获批准"):
        _ask(market, by="team", investor_org=orgs["owner"])
    with pytest.raises(MatchError, match="不是已获批准的投资方"):
        _ask(
            market,
            by="team",
            investor_org=orgs["owner"],
            direction=Direction.TO_INVESTOR,
        )


def test_request_by_a_pending_investor_is_refused(market, roles):
    users, orgs = roles
    from accounts.models import Organization

    pending = Organization.objects.get(name="丁基金")
    with pytest.raises(MatchError, match="只有已获批准"):
        _ask(market, by="pending_investor", investor_org=pending)


def test_request_over_quota_is_refused_and_cancel_refunds(market, roles):
    session = market["session"]
    session.investor_quota = 1
    session.save()
    first = _ask(market)
    other = make_achievement(owner=market["other"], state="public")
    from events.models import Slot

    Slot.objects.create(
        roadshow=market["roadshow"], kind="pitch", achievement=other, position=2
    )
    with pytest.raises(MatchError, match="已达上限（1 个）"):
        _ask(market, achievement=other)
    request_cancel(request_id=first.pk, by=market["investor"])
    assert _ask(market, achievement=other).status == RequestStatus.PENDING


def test_request_after_the_window_is_refused(market):
    session = market["session"]
    session.requests_close = timezone.now() - dt.timedelta(minutes=1)
    session.requests_open = timezone.now() - dt.timedelta(days=1)
    session.save()
    with pytest.raises(MatchError, match="不在预约时间内"):
        _ask(market)


def test_request_needs_a_registration(market, roles):
    from events.models import Registration

    Registration.objects.filter(user=market["investor"]).update(status="cancelled")
    with pytest.raises(MatchError, match="请先报名"):
        _ask(market)


def test_accept_names_attendees_and_tells_the_requester(
    market, django_capture_on_commit_callbacks
):
    market["investor"].email = "inv@example.com"
    market["investor"].save()
    request = _ask(market)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_accept(
            request_id=request.pk, by=market["team"], attendee_ids=[market["team"].pk]
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert list(request.attendees.all()) == [market["team"]]
    assert [m.to for m in mail.outbox] == [["inv@example.com"]]
    assert "已接受" in mail.outbox[0].subject


def test_accept_by_the_requesting_side_is_forbidden(market):
    request = _ask(market)
    with pytest.raises(PermissionDenied):
        request_accept(request_id=request.pk, by=market["investor"])
    with pytest.raises(PermissionDenied):
        request_accept(request_id=request.pk, by=market["other_team"])


def test_accept_of_someone_outside_the_organization_is_refused(market):
    request = _ask(market)
    with pytest.raises(MatchError, match="必须是本单位的成员"):
        request_accept(
            request_id=request.pk,
            by=market["team"],
            attendee_ids=[market["other_team"].pk],
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_accept_after_expiry_is_refused_and_the_request_expires(market):
    request = _ask(market)
    MeetingRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(MatchError, match="已过回复期限"):
        request_accept(request_id=request.pk, by=market["team"])
    request.refresh_from_db()
    assert request.status == RequestStatus.EXPIRED


def test_expiry_sweep_tells_both_sides(market, django_capture_on_commit_callbacks):
    market["investor"].email = "inv@example.com"
    market["investor"].save()
    market["team"].email = "team@example.com"
    market["team"].save()
    request = _ask(market)
    MeetingRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_expire() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "inv@example.com",
        "team@example.com",
    ]
    assert requests_expire() == 0


def test_decline_needs_a_reason_from_the_list(market):
    request = _ask(market)
    with pytest.raises(MatchError, match="请选择婉拒原因"):
        request_decline(request_id=request.pk, by=market["team"], reason="whatever")
    request_decline(
        request_id=request.pk, by=market["team"], reason="too_early", note="明年再谈"
    )
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == ("declined", "too_early")
    with pytest.raises(MatchError, match="不能再接受"):
        request_accept(request_id=request.pk, by=market["team"])


def test_organizer_accepts_on_behalf_and_it_is_recorded(market):
    request = _ask(market)
    request_accept(
        request_id=request.pk,
        by=market["organizer"],
        attendee_ids=[market["team"].pk],
    )
    event = RequestEvent.objects.get(request=request, kind="accepted")
    assert (event.actor, event.on_behalf) == (market["organizer"], True)
