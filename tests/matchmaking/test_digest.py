"""The weekly digest of new recommendations: once per person per ISO week,
only fits not sent before, never to those who opted out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import NotificationSetting
from matchmaking.digest import send_match_digest
from matchmaking.models import DigestSent, RecommendationSent
from tests.factories import make_achievement
from tests.matchmaking.helpers import field, make_profile, province

MONDAY = dt.datetime(2027, 3, 8, 9, tzinfo=dt.UTC)


def energy(owner, title, **overrides):
    data = {
        "field": field("modern-energy"),
        "trl": 6,
        "transfer_modes": ["licence"],
        "target_provinces": [province("51")],
        "price_min": Decimal("500"),
        "title": title,
    }
    data.update(overrides)
    return make_achievement(owner=owner, **data)


@pytest.fixture
def digest(django_capture_on_commit_callbacks):
    """Send the digest; the emails leave once its transaction commits."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send_match_digest(**kwargs)

    return run


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_digest_sends_once_a_week_and_only_new_fits(roles, digest):
    users, orgs = roles
    make_profile(org=orgs["fund"])
    investor = with_email(users["investor"], "fund@example.com")
    first = energy(orgs["owner"], "第一项")
    assert digest(now=MONDAY) == 1
    assert digest(now=MONDAY + dt.timedelta(days=2)) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fund@example.com"]
    assert message.subject == "本周有 1 项新成果符合您的投资偏好"
    assert "第一项" in message.body
    assert "领域：现代能源 · 拟转化地区含四川省 · TRL 6 在 5–8 内" in message.body
    assert f"/achievements/{first.pk}/" in message.body
    energy(orgs["owner"], "第二项")
    next_week = MONDAY + dt.timedelta(days=7)
    assert digest(now=next_week) == 1
    second = mail.outbox[1]
    assert "第二项" in second.body and "第一项" not in second.body
    assert list(
        DigestSent.objects.filter(user=investor).values_list("week", "count")
    ) == [("2027-W10", 1), ("2027-W11", 1)]
    assert set(
        RecommendationSent.objects.filter(user=investor).values_list(
            "achievement__title", flat=True
        )
    ) == {"第一项", "第二项"}
    # Nothing new: no email, and the week stays free for a later fit.
    assert digest(now=next_week + dt.timedelta(days=7)) == 0
    assert len(mail.outbox) == 2


def test_digest_honours_opt_out_missing_email_and_inactive(
    roles, digest, django_capture_on_commit_callbacks
):
    users, orgs = roles
    make_profile(org=orgs["fund"])
    make_profile(org=orgs["enterprise"])
    pending_org = users["pending_investor"].memberships.get().organization
    make_profile(org=pending_org)
    energy(orgs["owner"], "公开成果")
    with_email(users["investor"], "fund@example.com")
    NotificationSetting.objects.create(
        user=users["investor"], kind="matchmaking.digest", email=False
    )
    # The enterprise's member has no email address.
    pending = with_email(users["pending_investor"], "pending@example.com")
    pending.is_active = False
    pending.save(update_fields=["is_active"])
    assert digest(now=MONDAY) == 0
    assert mail.outbox == []
    NotificationSetting.objects.filter(user=users["investor"]).update(email=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_match_digest")
    assert [m.to for m in mail.outbox] == [["fund@example.com"]]


def test_digest_never_carries_what_the_reader_may_not_see(roles, digest):
    users, orgs = roles
    pending_org = users["pending_investor"].memberships.get().organization
    make_profile(org=pending_org)
    with_email(users["pending_investor"], "pending@example.com")
    energy(orgs["owner"], "限定公开成果", state="restricted")
    energy(orgs["owner"], "撤回的成果", state="withheld")
    energy(orgs["owner"], "公开成果")
    assert digest(now=MONDAY) == 1
    body = mail.outbox[0].body
    assert "公开成果" in body
    assert "限定公开成果" not in body and "撤回的成果" not in body
