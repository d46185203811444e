"""The reviewer's queue: count, age, order, filters, and the next item after
a decision."""

import datetime as dt
import re

from django.utils import timezone

from achievements.enums import ReviewStatus
from achievements.models import IndustryField, ReviewEvent
from achievements.services import achievement_transition
from tests.factories import make_achievement


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/achievements/\d+/">([^<]+)</a></h3>', html)


def _submitted_days_ago(achievement, days: int) -> None:
    ReviewEvent.objects.filter(
        achievement=achievement, to_status=ReviewStatus.SUBMITTED
    ).update(created_at=timezone.now() - dt.timedelta(days=days, hours=1))


def _queue(orgs):
    """Three submissions: five days, two days and an hour old."""
    old = make_achievement(owner=orgs["owner"], state="submitted", title="最早提交")
    mid = make_achievement(owner=orgs["other"], state="submitted", title="中间提交")
    new = make_achievement(owner=orgs["owner"], state="submitted", title="最新提交")
    _submitted_days_ago(old, 5)
    _submitted_days_ago(mid, 2)
    _submitted_days_ago(new, 0)
    return old, mid, new


def test_queue_counts_ages_and_puts_the_oldest_first(client, roles):
    users, orgs = roles
    _queue(orgs)
    make_achievement(owner=orgs["owner"], state="public", title="已公开的")
    client.force_login(users["reviewer"])
    html = client.get("/workspace/reviews/").content.decode()
    assert "共 3 项" in html
    assert _titles(html) == ["最早提交", "中间提交", "最新提交"]
    assert "已等 5 天" in html and "已等 2 天" in html and "今天提交" in html
    newest = client.get("/workspace/reviews/?sort=newest").content.decode()
    assert _titles(newest) == ["最新提交", "中间提交", "最早提交"]


def test_age_counts_from_the_latest_submission(client, roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="returned", title="再次提交")
    _submitted_days_ago(a, 9)
    achievement_transition(achievement=a, action="submit", by=users["team"])
    client.force_login(users["reviewer"])
    html = client.get("/workspace/reviews/").content.decode()
    assert "今天提交" in html and "已等 9 天" not in html


def test_queue_filters_by_field_and_status(client, roles):
    users, orgs = roles
    old, mid, _new = _queue(orgs)
    agri = IndustryField.objects.get(code="modern-agriculture")
    type(mid).objects.filter(pk=mid.pk).update(field=agri)
    achievement_transition(achievement=old, action="start_review", by=users["reviewer"])
    client.force_login(users["reviewer"])
    by_field = client.get("/workspace/reviews/?field=modern-agriculture")
    assert _titles(by_field.content.decode()) == ["中间提交"]
    under_review = client.get("/workspace/reviews/?status=under_review")
    assert _titles(under_review.content.decode()) == ["最早提交"]
    submitted = client.get("/workspace/reviews/?status=submitted").content.decode()
    assert _titles(submitted) == ["中间提交", "最新提交"]
    # The count above stays the whole queue; the filtered count says so.
    assert "共 3 项" in submitted and "符合条件的 2 项" in submitted


def test_queue_is_for_reviewers_and_leaves_out_their_own(client, roles):
    users, orgs = roles
    make_achievement(owner=orgs["torch"], state="submitted", title="本单位的")
    make_achievement(owner=orgs["owner"], state="submitted", title="他单位的")
    client.force_login(users["reviewer"])
    assert _titles(client.get("/workspace/reviews/").content.decode()) == ["他单位的"]
    client.force_login(users["team"])
    assert client.get("/workspace/reviews/").status_code == 403


def _decide(client, achievement, action, comment=""):
    achievement.refresh_from_db()
    return client.post(
        f"/workspace/achievements/{achievement.pk}/review/",
        {"action": action, "comment": comment, "revision": achievement.revision},
        follow=True,
    )


def test_a_decision_leads_to_the_next_item_then_back_to_the_queue(client, roles):
    users, orgs = roles
    old, mid, new = _queue(orgs)
    client.force_login(users["reviewer"])
    # Deciding the middle one leads to the one waiting longest.
    response = _decide(client, mid, "clear")
    assert response.redirect_chain[-1][0] == f"/achievements/{old.pk}/"
    html = response.content.decode()
    assert "审查结论已记录（中间提交）。下一项：最早提交" in html
    response = _decide(client, old, "return", comment="请补充专利号")
    assert response.redirect_chain[-1][0] == f"/achievements/{new.pk}/"
    response = _decide(client, new, "restrict")
    assert response.redirect_chain[-1][0] == "/workspace/reviews/"
    html = response.content.decode()
    assert "审查结论已记录。待审查的成果已全部处理完毕。" in html
    assert "没有待审查的成果。" in html
    statuses = {
        a.title: a.status
        for a in type(old).objects.filter(pk__in=[old.pk, mid.pk, new.pk])
    }
    assert statuses == {
        "最早提交": ReviewStatus.RETURNED,
        "中间提交": ReviewStatus.CLEARED,
        "最新提交": ReviewStatus.RESTRICTED,
    }


def test_starting_a_review_stays_on_the_item(client, roles):
    users, orgs = roles
    old, _mid, _new = _queue(orgs)
    client.force_login(users["reviewer"])
    response = _decide(client, old, "start_review")
    assert response.redirect_chain[-1][0] == f"/achievements/{old.pk}/"
    assert "已开始审查。" in response.content.decode()


def test_a_refused_decision_stays_on_the_item(client, roles):
    users, orgs = roles
    old, _mid, _new = _queue(orgs)
    client.force_login(users["reviewer"])
    response = _decide(client, old, "return")  # a return needs a reason
    assert response.redirect_chain[-1][0] == f"/achievements/{old.pk}/"
    assert "退回时必须填写原因。" in response.content.decode()


def test_workspace_panel_shows_count_age_and_links_the_queue(client, roles):
    users, orgs = roles
    _queue(orgs)
    client.force_login(users["reviewer"])
    html = client.get("/workspace/").content.decode()
    assert "打开审查队列（3 项，等待最久的在前）" in html
    assert html.index("最早提交") < html.index("中间提交") < html.index("最新提交")
    assert "已等 5 天" in html
