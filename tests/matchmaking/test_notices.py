"""What matchmaking tells people goes through the notifications: the
workspace's list (in the reader's language, the title read through the
visibility rule each time) and an email unless the kind is switched off."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.models import Notification
from accounts.notifications import notification_settings_set, shown_to
from achievements.enums import Publication
from achievements.models import Achievement
from matchmaking.enums import Direction
from matchmaking.notices import MEETING, REQUEST_ANSWERED, REQUEST_NEW
from matchmaking.services import (
    request_accept,
    request_cancel,
    request_create,
    request_decline,
)
from tests.factories.matchmaking import make_emailed_market, make_meeting


@pytest.fixture
def market(roles):
    return make_emailed_market(roles)


def _ask(m, message=""):
    return request_create(
        by=m["investor"],
        session=m["session"],
        achievement=m["achievement"],
        investor_org=m["fund"],
        direction=Direction.TO_TEAM,
        message=message,
    )


def _texts(user):
    return [
        s.text
        for s in shown_to(
            user=user,
            notifications=Notification.objects.filter(
                user=user, kind__startswith="matchmaking."
            ),
        )
    ]


def test_a_request_is_listed_for_the_asked_side_and_emailed(
    market, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(market, message="想了解中试数据")
    [told] = Notification.objects.filter(user=market["team"], kind=REQUEST_NEW)
    assert (told.kind, told.link) == (
        REQUEST_NEW,
        f"/matchmaking/requests/{request.pk}/",
    )
    title = market["achievement"].title
    [text] = _texts(market["team"])
    assert text.startswith(f"{market['fund'].name} 希望就“{title}”与贵单位见面")
    # The requester is not told of their own request.
    assert not _texts(market["investor"])
    [message] = [m for m in mail.outbox if m.to == [market["team"].email]]
    assert message.subject == text
    assert "留言：想了解中试数据" in message.body
    assert "/workspace/notifications/" in message.body
    # In English for an English reader, from the same record.
    with translation.override("en"):
        [english] = _texts(market["team"])
    assert english != text and title in english


def test_answers_are_listed_for_the_requester(market):
    request = _ask(market)
    request_decline(
        request_id=request.pk, by=market["team"], reason="price", note="请先做中试"
    )
    [shown] = shown_to(
        user=market["investor"],
        notifications=Notification.objects.filter(
            user=market["investor"], kind=REQUEST_ANSWERED
        ),
    )
    assert shown.notification.kind == REQUEST_ANSWERED
    assert shown.text.startswith(
        f"{market['achievement'].owner.name} 婉拒了约见请求（价格不合适）"
    )
    assert shown.note == "说明：请先做中试"


def test_cancelling_tells_the_other_side_who_called_it_off(market):
    request = _ask(market)
    request_accept(request_id=request.pk, by=market["team"])
    request_cancel(request_id=request.pk, by=market["investor"], note="行程有变")
    texts = _texts(market["team"])
    assert any(t.startswith(f"{market['fund'].name} 取消了约见") for t in texts)
    # Whoever called it off is not told of it.
    assert not [t for t in _texts(market["investor"]) if "取消" in t]


def test_switched_off_email_still_lists_the_notification(
    market, django_capture_on_commit_callbacks
):
    notification_settings_set(
        user=market["team"], emails={REQUEST_NEW: False}, by=market["team"]
    )
    page = Client()
    page.force_login(market["team"])
    settings_page = page.get("/accounts/notifications/").content.decode()
    for label in (
        "新的约见请求",
        "约见请求的答复",
        "会面的安排与变动",
        "对方记录的会面结果",
    ):
        assert label in settings_page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(market)
    assert [m for m in mail.outbox if m.to == [market["team"].email]] == []
    assert Notification.objects.filter(user=market["team"], kind=REQUEST_NEW).exists()


def test_a_meeting_placed_names_its_time_and_place(market):
    make_meeting(market)
    kinds = Notification.objects.filter(user=market["investor"]).values_list(
        "kind", "params"
    )
    placed = [params for kind, params in kinds if kind == MEETING]
    assert placed and placed[0]["change"] == "placed"
    text = [t for t in _texts(market["investor"]) if t.startswith("会面已安排")][0]
    assert placed[0]["when"] in text and placed[0]["place"] in text


def test_the_title_is_hidden_once_the_reader_may_no_longer_see_it(market):
    request = _ask(market)
    request_decline(request_id=request.pk, by=market["team"], reason="other")
    title = market["achievement"].title
    assert any(title in t for t in _texts(market["investor"]))
    Achievement.objects.filter(pk=market["achievement"].pk).update(
        publication=Publication.NONE
    )
    texts = _texts(market["investor"])
    assert texts and not any(title in t for t in texts)
    assert any("（该成果已不公开）" in t for t in texts)
    # The team still sees its own achievement's title.
    assert any(title in t for t in _texts(market["team"]))
