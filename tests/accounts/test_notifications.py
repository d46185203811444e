"""Notifications: who is told what, in the change's transaction, once by
email unless turned off; the list shows titles through each subject's
visibility rule now; nobody sees anybody else's."""

import pytest
from django.db import transaction
from django.test import Client

from accounts.enums import InvestorStatus, Role
from accounts.models import Membership, Notification, NotificationSetting
from accounts.notifications import (
    email_settings_of,
    notify,
    shown_to,
    unread_count,
)
from accounts.services import investor_decide
from achievements.services import achievement_transition
from mailing.models import Email
from tests.factories import make_achievement, make_org, make_user


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def _return(achievement, by, comment="请补充专利号"):
    achievement.refresh_from_db()
    return achievement_transition(
        achievement=achievement,
        action="return",
        by=by,
        comment=comment,
        seen_revision=achievement.revision,
    )


def _decide(achievement, action, by, comment=""):
    achievement.refresh_from_db()
    return achievement_transition(
        achievement=achievement,
        action=action,
        by=by,
        comment=comment,
        seen_revision=achievement.revision,
    )


def test_review_return_tells_the_team_by_list_and_email(roles):
    users, orgs = roles
    team = with_email(users["team"], "team@uni.example.cn")
    colleague = with_email(
        make_user(role=Role.TEAM, org=orgs["owner"], username="colleague"),
        "colleague@uni.example.cn",
    )
    with_email(users["other_team"], "other@example.cn")
    achievement = make_achievement(
        owner=orgs["owner"], state="submitted", title="高强碳纤维"
    )
    _return(achievement, users["reviewer"])

    notes = Notification.objects.order_by("user_id")
    assert [(n.user, n.kind, n.link) for n in notes] == [
        (u, "achievements.returned", f"/workspace/achievements/{achievement.pk}/edit/")
        for u in (team, colleague)
    ]
    emails = Email.objects.order_by("to")
    assert [e.to for e in emails] == ["colleague@uni.example.cn", "team@uni.example.cn"]
    email = emails.get(to="team@uni.example.cn")
    assert email.subject == "成果“高强碳纤维”被退回修改"
    assert "原因：请补充专利号" in email.body
    assert f"/workspace/achievements/{achievement.pk}/edit/" in email.body
    assert "/accounts/notifications/" in email.body  # the footer's settings link
    assert email.key == f"notification:{notes.get(user=team).pk}:team@uni.example.cn"


def test_review_decision_names_the_outcome(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="submitted", title="X")
    _decide(achievement, "restrict", users["reviewer"], comment="涉及合作方数据")
    (shown,) = shown_to(
        user=users["team"],
        notifications=Notification.objects.filter(kind__in=["achievements.decided"]),
    )
    assert shown.text == "成果“X”的审查结论：限定公开（仅限已批准投资方）"
    assert shown.note == "审查意见：涉及合作方数据"
    assert shown.link == f"/achievements/{achievement.pk}/"


def test_turned_off_email_still_lists(roles):
    users, orgs = roles
    team = with_email(users["team"], "team@uni.example.cn")
    NotificationSetting.objects.create(
        user=team, kind="achievements.returned", email=False
    )
    achievement = make_achievement(owner=orgs["owner"], state="submitted")
    _return(achievement, users["reviewer"])
    assert Notification.objects.filter(user=team).count() == 1
    assert Email.objects.count() == 0


def test_a_rolled_back_change_tells_nobody(roles):
    users, orgs = roles
    with_email(users["team"], "team@uni.example.cn")
    achievement = make_achievement(owner=orgs["owner"], state="submitted")
    with pytest.raises(RuntimeError), transaction.atomic():
        _return(achievement, users["reviewer"])
        raise RuntimeError
    assert (Notification.objects.count(), Email.objects.count()) == (0, 0)


def test_the_actor_and_people_who_cannot_see_are_not_told(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="withheld")
    written = notify(
        users=[users["team"], users["other_team"], users["investor"]],
        kind="achievements.decided",
        subject=achievement,
        link=f"/achievements/{achievement.pk}/",
        params={"status": "withheld"},
        by=users["team"],
    )
    # The team acted; the others may not see a withheld achievement.
    assert written == []
    with pytest.raises(ValueError):
        notify(
            users=[users["team"]],
            kind="achievements.decided",
            subject=achievement,
            link="https://elsewhere.example/",
        )


def test_interest_and_moves_tell_the_parties_but_not_the_mover(roles):
    from tracker.services import deal_create, deal_move

    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public", title="膜")
    deal = deal_create(
        by=users["enterprise"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
    )
    assert list(
        Notification.objects.filter(kind__startswith="tracker.").values_list(
            "user__username", "kind", "link"
        )
    ) == [("team", "tracker.interest", f"/deals/{deal.pk}/")]
    deal_move(
        deal_id=deal.pk,
        to="negotiation",
        by=users["team"],
        expected="interest",
        note="已约第二次会谈",
    )
    moved = Notification.objects.get(kind="tracker.moved")
    assert moved.user == users["enterprise"]
    (shown,) = shown_to(user=users["enterprise"], notifications=[moved])
    assert shown.text == "转化项目“膜 · 戊企业”从“意向”进入“洽谈”"
    assert shown.note == "说明：已约第二次会谈"


def test_investor_decision_tells_every_member(roles):
    users, _orgs = roles
    org = make_org(name="己基金", investor_status=InvestorStatus.PENDING)
    applicant = with_email(
        make_user(role=Role.INVESTOR, org=org, username="applicant"), "a@fund.cn"
    )
    investor_decide(
        organization=org, approve=False, by=users["organizer"], reason="材料不全"
    )
    (note,) = Notification.objects.filter(user=applicant)
    (shown,) = shown_to(user=applicant, notifications=[note])
    assert (shown.text, shown.note, shown.link) == (
        "贵机构“己基金”的注册申请未通过审核",
        "原因：材料不全",
        "/workspace/",
    )
    email = Email.objects.get(to="a@fund.cn")
    assert email.subject == "贵机构“己基金”的注册申请未通过审核"
    assert "原因：材料不全" in email.body


def test_an_approved_colleague_is_told(roles):
    from accounts.services import member_decide

    users, orgs = roles
    colleague = make_user(role=Role.INVESTOR, org=orgs["fund"], username="c")
    membership = Membership.objects.get(user=colleague)
    Membership.objects.filter(pk=membership.pk).update(approved=False)
    member_decide(membership=membership, approve=True, by=users["organizer"])
    (note,) = Notification.objects.filter(user=colleague)
    (shown,) = shown_to(user=colleague, notifications=[note])
    assert shown.text == "您在“丙基金”的投资方成员资格已获组织方批准"


def test_a_subject_no_longer_visible_is_not_named_or_linked(roles, client):
    """An investor told of a deal on a restricted achievement, whose
    organization then loses its membership: the list no longer names it,
    nor links to it, and opening it goes back to the list."""
    from tracker.services import deal_create, deal_move

    users, orgs = roles
    achievement = make_achievement(
        owner=orgs["owner"], state="restricted", title="ZQSECRET材料"
    )
    deal = deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["fund"],
        transfer_mode="assignment",
    )
    deal_move(deal_id=deal.pk, to="negotiation", by=users["team"], expected="interest")
    note = Notification.objects.get(user=users["investor"])
    client.force_login(users["investor"])
    page = client.get("/workspace/notifications/").content.decode()
    assert "ZQSECRET材料" in page and f"/workspace/notifications/{note.pk}/" in page

    Membership.objects.filter(user=users["investor"]).delete()
    page = client.get("/workspace/notifications/").content.decode()
    assert "ZQSECRET材料" not in page
    assert "转化项目进展：相关内容您已无权查看。" in page
    assert f'href="/workspace/notifications/{note.pk}/"' not in page
    response = client.get(f"/workspace/notifications/{note.pk}/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/workspace/notifications/",
    )


def test_nobody_sees_or_marks_anybody_elses_notifications(roles):
    users, orgs = roles
    achievement = make_achievement(
        owner=orgs["owner"], state="submitted", title="甲的成果"
    )
    _return(achievement, users["reviewer"])
    note = Notification.objects.get(user=users["team"])
    other = Client()
    other.force_login(users["other_team"])
    assert "甲的成果" not in other.get("/workspace/notifications/").content.decode()
    assert other.get(f"/workspace/notifications/{note.pk}/").status_code == 404
    assert other.post(f"/workspace/notifications/{note.pk}/read/").status_code == 404
    other.post("/workspace/notifications/read/")
    note.refresh_from_db()
    assert note.read_at is None
    anonymous = Client().get("/workspace/notifications/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_open_and_mark_read_one_and_all(roles, client):
    users, orgs = roles
    first = make_achievement(owner=orgs["owner"], state="submitted", title="一")
    second = make_achievement(owner=orgs["owner"], state="submitted", title="二")
    third = make_achievement(owner=orgs["owner"], state="submitted", title="三")
    for achievement in (first, second, third):
        _return(achievement, users["reviewer"])
    team = users["team"]
    client.force_login(team)
    header = client.get("/workspace/").content.decode()
    assert 'aria-label="3 条未读">3</span>' in header
    n1, n2, _n3 = Notification.objects.filter(user=team).order_by("pk")
    response = client.get(f"/workspace/notifications/{n1.pk}/")
    assert response["Location"] == f"/workspace/achievements/{first.pk}/edit/"
    response = client.post(
        f"/workspace/notifications/{n2.pk}/read/",
        {"next": "/workspace/notifications/?unread=1"},
    )
    assert response["Location"] == "/workspace/notifications/?unread=1"
    assert unread_count(user=team) == 1
    unread = client.get("/workspace/notifications/?unread=1").content.decode()
    assert "成果“三”被退回修改" in unread and "成果“一”" not in unread
    client.post("/workspace/notifications/read/", {"next": "https://evil.example/"})
    assert unread_count(user=team) == 0
    assert "badge count" not in client.get("/workspace/").content.decode()


def test_list_is_paginated(roles, client):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    Notification.objects.all().delete()  # the review's own
    for _ in range(23):
        notify(
            users=[users["team"]],
            kind="achievements.decided",
            subject=achievement,
            link=f"/achievements/{achievement.pk}/",
            params={"status": "cleared"},
        )
    client.force_login(users["team"])
    first = client.get("/workspace/notifications/").content.decode()
    second = client.get("/workspace/notifications/?page=2").content.decode()
    assert first.count('class="notification unread"') == 20
    assert second.count('class="notification unread"') == 3
    assert "第 1 / 2 页" in first


def test_settings_page_offers_ones_own_kinds_and_saves(roles, client):
    users, _orgs = roles
    investor = users["investor"]
    client.force_login(investor)
    page = client.get("/accounts/notifications/").content.decode()
    assert "机构注册审核结果" in page and "每周推荐邮件" in page
    assert "成果被退回修改" not in page  # a team's kind
    response = client.post(
        "/accounts/notifications/",
        {
            "email_accounts__investor_decided": "on",
            # Not offered to an investor: ignored.
            "email_achievements__returned": "",
        },
    )
    assert response.status_code == 302
    settings = email_settings_of(user=investor)
    assert settings["accounts.investor_decided"] is True
    assert settings["matchmaking.digest"] is False
    assert settings["tracker.moved"] is False
    assert not NotificationSetting.objects.filter(
        user=investor, kind="achievements.returned"
    ).exists()
    team_page = Client()
    team_page.force_login(users["team"])
    assert (
        "成果被退回修改" in team_page.get("/accounts/notifications/").content.decode()
    )


def test_deal_digest_respects_the_setting(roles):
    import datetime as dt

    from django.utils import timezone

    from tracker.digest import send_digest
    from tracker.models import Deal
    from tracker.services import deal_create

    users, orgs = roles
    team = with_email(users["team"], "team@uni.example.cn")
    achievement = make_achievement(owner=orgs["owner"], state="public")
    deal = deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        owner_contact=team,
    )
    Deal.objects.filter(pk=deal.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=60),
        stage_entered_at=timezone.now() - dt.timedelta(days=60),
    )
    Email.objects.all().delete()
    NotificationSetting.objects.create(user=team, kind="tracker.digest", email=False)
    assert send_digest() == 0
    NotificationSetting.objects.filter(user=team).update(email=True)
    assert send_digest() == 1
    (email,) = Email.objects.all()
    assert "/accounts/notifications/" in email.body
