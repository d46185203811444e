"""R2 review workflow: transitions, history, published version kept during re-review."""

import pytest

from achievements.enums import Publication, ReviewStatus
from achievements.models import ReviewEvent
from achievements.services import (
    ReviewError,
    achievement_transition,
    achievement_update,
)
from tests.factories import make_achievement


def test_full_path_records_every_transition(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    a = achievement_transition(achievement=a, action="submit", by=users["team"])
    a = achievement_transition(
        achievement=a, action="start_review", by=users["reviewer"]
    )
    a = achievement_transition(
        achievement=a,
        action="clear",
        by=users["reviewer"],
        comment="无涉密内容",
        seen_revision=a.revision,
    )
    assert (a.status, a.publication) == (ReviewStatus.CLEARED, Publication.PUBLIC)
    assert a.published_at is not None
    moves = list(
        ReviewEvent.objects.filter(achievement=a).values_list(
            "from_status", "to_status", "actor__username", "comment"
        )
    )
    assert moves[1:] == [
        ("draft", "submitted", "team", ""),
        ("submitted", "under_review", "reviewer", ""),
        ("under_review", "cleared", "reviewer", "无涉密内容"),
    ]


def test_return_requires_a_reason(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    with pytest.raises(ReviewError, match="原因"):
        achievement_transition(
            achievement=a,
            action="return",
            by=users["reviewer"],
            seen_revision=a.revision,
        )
    a.refresh_from_db()
    assert a.status == ReviewStatus.SUBMITTED


def test_draft_cannot_be_cleared_without_submission(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    with pytest.raises(ReviewError):
        achievement_transition(
            achievement=a,
            action="clear",
            by=users["reviewer"],
            seen_revision=a.revision,
        )
    a.refresh_from_db()
    assert (a.status, a.publication) == (ReviewStatus.DRAFT, Publication.NONE)


def test_edit_of_cleared_keeps_published_version_until_cleared(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public", title="原标题成果")
    a = achievement_update(
        achievement=a, data={"title": "新标题成果", "trl": 8}, by=users["team"]
    )
    assert a.status == ReviewStatus.SUBMITTED
    assert a.publication == Publication.PUBLIC
    # The public still sees the cleared version, and search finds only it.
    html = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "原标题成果" in html and "新标题成果" not in html
    assert (
        "<mark>新标题</mark>成果"
        not in client.get("/achievements/?q=新标题").content.decode()
    )
    a = achievement_transition(
        achievement=a, action="clear", by=users["reviewer"], seen_revision=a.revision
    )
    assert (a.title, a.trl, a.pending_changes) == ("新标题成果", 8, None)
    assert (
        "<mark>新标题</mark>成果"
        in client.get("/achievements/?q=新标题").content.decode()
    )


def test_returned_edit_keeps_old_version_published(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public", title="稳定版本成果")
    a = achievement_update(
        achievement=a, data={"title": "有问题的修改"}, by=users["team"]
    )
    a = achievement_transition(
        achievement=a,
        action="return",
        by=users["reviewer"],
        comment="含敏感参数",
        seen_revision=a.revision,
    )
    assert a.status == ReviewStatus.RETURNED
    assert a.publication == Publication.PUBLIC
    assert "稳定版本成果" in client.get(f"/achievements/{a.pk}/").content.decode()


def test_edit_is_refused_while_under_review(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    a = achievement_transition(
        achievement=a, action="start_review", by=users["reviewer"]
    )
    with pytest.raises(ReviewError, match="审查中"):
        achievement_update(achievement=a, data={"title": "改"}, by=users["team"])


def test_withhold_unpublishes(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public")
    a = achievement_transition(
        achievement=a,
        action="withhold",
        by=users["reviewer"],
        comment="涉密",
        seen_revision=a.revision,
    )
    assert a.publication == Publication.NONE
    assert client.get(f"/achievements/{a.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["organizer", "team", "investor"])
def test_only_reviewers_may_decide_via_the_web(roles, client, who):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    client.force_login(users[who])
    response = client.post(
        f"/workspace/achievements/{a.pk}/review/", {"action": "clear"}
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == ReviewStatus.SUBMITTED


def test_reviewer_decides_via_the_web_and_history_is_shown(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    client.force_login(users["reviewer"])
    response = client.post(
        f"/workspace/achievements/{a.pk}/review/",
        {"action": "restrict", "comment": "仅限投资方", "revision": a.revision},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.publication) == ("restricted", "restricted")
    client.force_login(users["team"])
    html = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "仅限投资方" in html and "审查记录" in html


def test_team_creates_edits_and_submits_through_forms(roles, client):
    users, orgs = roles
    client.force_login(users["team"])
    form = {
        "owner": orgs["owner"].pk,
        "title": "表单登记的成果",
        "summary": "简介",
        "field": 1,
        "trl": "5",
        "transfer_modes": ["licence", "open_licence"],
        "open_licence_terms": "",
        "target_provinces": [],
    }
    response = client.post("/workspace/achievements/new/", form)
    assert response.status_code == 200
    assert "选择开放许可时必须公布许可条件" in response.content.decode()
    form["open_licence_terms"] = "普通许可 3 年"
    response = client.post("/workspace/achievements/new/", form)
    assert response.status_code == 302
    from achievements.models import Achievement

    a = Achievement.objects.get(title="表单登记的成果")
    assert (a.owner, a.status, a.transfer_modes) == (
        orgs["owner"],
        "draft",
        ["licence", "open_licence"],
    )
    client.post(f"/workspace/achievements/{a.pk}/submit/")
    a.refresh_from_db()
    assert a.status == "submitted"


def test_other_team_cannot_edit(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    client.force_login(users["other_team"])
    assert client.get(f"/workspace/achievements/{a.pk}/edit/").status_code == 403
    assert client.post(f"/workspace/achievements/{a.pk}/submit/").status_code == 403


def test_team_cannot_create_for_another_organization(roles, client):
    users, orgs = roles
    client.force_login(users["team"])
    response = client.post(
        "/workspace/achievements/new/",
        {
            "owner": orgs["other"].pk,
            "title": "冒名",
            "summary": "x",
            "field": 1,
            "trl": "5",
        },
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors


def test_reviewer_sees_the_pending_changes_side_by_side(roles, client):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public", title="旧标题", trl=5)
    from achievements.models import Province

    achievement_update(
        achievement=a,
        data={
            "title": "新标题",
            "trl": 5,
            "target_provinces": [Province.objects.get(code="44")],
        },
        by=users["team"],
    )
    client.force_login(users["reviewer"])
    rows = client.get(f"/achievements/{a.pk}/").context["pending_diff"]
    assert rows == [
        {"field": "成果名称", "old": "旧标题", "new": "新标题"},
        {"field": "拟重点转化区域", "old": "江苏省", "new": "广东省"},
    ]


def test_reimport_of_a_published_achievement_waits_for_review(roles, client):
    import io

    from achievements.importing import import_achievements
    from tests.achievements.test_import import csv_bytes, row

    users, orgs = roles
    a = make_achievement(
        owner=orgs["owner"], state="public", title="已发布版本", project_number="P-1"
    )
    report = import_achievements(
        file=io.BytesIO(csv_bytes([row("P-1", title="导入的新版本", owner="甲大学")])),
        name="x.csv",
    )
    assert (report.ok, report.updated) == (True, 1)
    a.refresh_from_db()
    assert (a.title, a.status, a.publication) == ("已发布版本", "submitted", "public")
    assert a.pending_changes["title"] == "导入的新版本"
