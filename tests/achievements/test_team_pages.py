"""The team's side of the library: its list, the return reason, the history,
the new-achievement form, and where an interest may be registered."""

import re

from achievements.enums import ReviewStatus
from achievements.models import ReviewEvent
from achievements.services import achievement_transition, achievement_update
from tests.factories import make_achievement


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/achievements/\d+/">([^<]+)</a></h3>', html)


def test_team_list_paginates_twenty_a_page(client, roles):
    users, orgs = roles
    for n in range(23):
        make_achievement(owner=orgs["owner"], state="draft", title=f"成果{n:02d}")
    client.force_login(users["team"])
    first = client.get("/workspace/achievements/").content.decode()
    second = client.get("/workspace/achievements/?page=2").content.decode()
    assert "共 23 项成果" in first
    assert len(_titles(first)) == 20
    assert len(_titles(second)) == 3
    assert set(_titles(first)) | set(_titles(second)) == {
        f"成果{n:02d}" for n in range(23)
    }
    # Newest change first by default.
    assert _titles(first)[0] == "成果22"


def test_team_list_sorts_by_title_and_status(client, roles):
    users, orgs = roles
    make_achievement(owner=orgs["owner"], state="public", title="丙 已公开")
    make_achievement(owner=orgs["owner"], state="draft", title="甲 草稿")
    make_achievement(owner=orgs["owner"], state="returned", title="乙 退回")
    make_achievement(owner=orgs["other"], state="returned", title="别人的成果")
    client.force_login(users["team"])
    by_title = client.get("/workspace/achievements/?sort=title").content.decode()
    assert _titles(by_title) == sorted(["丙 已公开", "甲 草稿", "乙 退回"])
    by_status = client.get("/workspace/achievements/?sort=status").content.decode()
    # What needs the team comes first: returned, then drafts, then published.
    assert _titles(by_status) == ["乙 退回", "甲 草稿", "丙 已公开"]


def test_team_list_filters_by_status_and_shows_the_reason(client, roles):
    users, orgs = roles
    make_achievement(owner=orgs["owner"], state="draft", title="草稿成果")
    returned = make_achievement(owner=orgs["owner"], state="returned", title="退回成果")
    client.force_login(users["team"])
    html = client.get("/workspace/achievements/?status=returned").content.decode()
    assert _titles(html) == ["退回成果"]
    assert "退回原因：" in html and "测试意见" in html
    assert f"/workspace/achievements/{returned.pk}/edit/" in html
    empty = client.get("/workspace/achievements/?status=withheld").content.decode()
    assert _titles(empty) == [] and "没有处于该状态的成果。" in empty
    # An unknown status or sort is ignored, not an error.
    odd = client.get("/workspace/achievements/?status=nope&sort=nope")
    assert sorted(_titles(odd.content.decode())) == ["草稿成果", "退回成果"]


def test_team_list_is_for_teams_only(client, roles):
    users, _orgs = roles
    client.force_login(users["investor"])
    assert client.get("/workspace/achievements/").status_code == 403


def test_workspace_panel_stays_short_and_links_the_list(client, roles):
    users, orgs = roles
    for n in range(7):
        make_achievement(owner=orgs["owner"], state="draft", title=f"面板成果{n}")
    make_achievement(owner=orgs["owner"], state="returned", title="面板退回")
    client.force_login(users["team"])
    html = client.get("/workspace/").content.decode()
    shown = re.findall(r"面板(?:成果\d|退回)", html)
    assert len(shown) == 5
    assert "查看全部 8 项成果" in html
    assert "1 项成果被退回" in html
    assert "/workspace/achievements/?status=returned" in html


def test_return_reason_is_on_top_while_returned(client, roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    a = achievement_transition(
        achievement=a,
        action="return",
        by=users["reviewer"],
        comment="请删去第三段中的试验基地地址",
        seen_revision=a.revision,
    )
    client.force_login(users["team"])
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    reason = page.index("请删去第三段中的试验基地地址")
    assert "审查退回：请按意见修改后重新提交" in page
    # Above the record itself, not at the bottom of the history.
    assert reason < page.index("成果持有单位")
    assert f"/workspace/achievements/{a.pk}/edit/" in page
    edit = client.get(f"/workspace/achievements/{a.pk}/edit/").content.decode()
    assert edit.index("请删去第三段中的试验基地地址") < edit.index("achievement-form")
    # Once resubmitted the notice is gone (the history keeps the reason).
    achievement_transition(achievement=a, action="submit", by=users["team"])
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "审查退回：请按意见修改后重新提交" not in page
    assert page.count("请删去第三段中的试验基地地址") == 1


def test_return_reason_is_for_the_team_not_for_investors(client, roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public", title="已发布成果")
    # An edit of the published version is returned; the published one stays.
    a = achievement_update(
        achievement=a, data={"summary": "新的简介"}, by=users["team"]
    )
    a = achievement_transition(
        achievement=a,
        action="return",
        by=users["reviewer"],
        comment="新简介里有未公开的工艺参数",
        seen_revision=a.revision,
    )
    assert (a.status, a.publication) == (ReviewStatus.RETURNED, "public")
    client.force_login(users["investor"])
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "已发布成果" in page and "新简介里有未公开的工艺参数" not in page
    client.force_login(users["team"])
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "新简介里有未公开的工艺参数" in page


def test_history_shows_creation_and_hides_rows_without_a_change(client, roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    # Older data may hold a line that changed nothing: it stays stored.
    ReviewEvent.objects.create(
        achievement=a,
        from_status=ReviewStatus.SUBMITTED,
        to_status=ReviewStatus.SUBMITTED,
        comment="无变化的记录",
    )
    client.force_login(users["team"])
    page = client.get(f"/achievements/{a.pk}/").content.decode()
    assert "创建（草稿）" in page
    assert "草稿 → 已提交" in page
    assert "草稿 → 草稿" not in page
    assert "已提交 → 已提交" not in page and "无变化的记录" not in page
    assert ReviewEvent.objects.filter(achievement=a).count() == 3


def test_interest_is_offered_only_where_it_can_be_registered(client, roles):
    users, orgs = roles
    returned = make_achievement(owner=orgs["owner"], state="returned")
    published = make_achievement(owner=orgs["owner"], state="public")
    client.force_login(users["team"])
    assert (
        "登记合作意向"
        not in client.get(f"/achievements/{returned.pk}/").content.decode()
    )
    assert (
        "登记合作意向" in client.get(f"/achievements/{published.pk}/").content.decode()
    )
    # And the offer on the published one works.
    response = client.get(f"/deals/new/?achievement={published.pk}")
    assert response.status_code == 200


def test_new_achievement_form_has_sections_required_marks_and_help(client, roles):
    users, _orgs = roles
    client.force_login(users["team"])
    html = client.get("/workspace/achievements/new/").content.decode()
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert legends == [
        "基本信息",
        "项目来源",
        "转化意向",
        "知识产权",
        "联系方式",
        "农业成果分类",
    ]
    marked = re.findall(
        r'<label for="id_(\w+)">[^<]+ <span class="required-mark"', html
    )
    assert sorted(marked) == ["field", "owner", "summary", "title", "trl"]
    assert "按 GB/T 22900-2022 的技术成熟度等级选择当前达到的级别。" in html
    assert "每行一项专利号或软件著作权登记号。" in html


def test_new_achievement_form_says_what_is_wrong(client, roles):
    users, orgs = roles
    client.force_login(users["team"])
    response = client.post("/workspace/achievements/new/", {"owner": orgs["owner"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请修改下面标出的内容后再保存。" in html
    assert html.count("必需字段") == 4
