import pytest
from django.test import Client

from accounts.enums import Role
from calls.enums import ApplicationStatus
from calls.models import Application
from tests.factories import make_achievement, make_org, make_user
from tests.factories.calls import apply, deck, make_call, pass_deadline
from tests.factories.events import make_roadshow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(roles):
    users, orgs = roles
    expert = make_user(role=Role.TEAM, org=make_org(name="专家单位"), username="expert")
    roadshow = make_roadshow(lead_host=orgs["torch"])
    call = make_call(
        roadshow=roadshow, by=users["organizer"], reviewers=[expert], anonymised=True
    )
    mine = make_achievement(
        owner=orgs["owner"], state="public", title="甲的成果", team="甲大学张团队"
    )
    app = apply(
        call=call, achievement=mine, by=users["team"], deck=deck("甲大学-路演.pdf")
    )
    return {"users": users, "orgs": orgs, "call": call, "app": app, "expert": expert}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_call_list_shows_open_calls_to_anyone_without_applications(world):
    body = _client().get("/calls/").content.decode()
    assert "新材料路演征集" in body
    assert "甲的成果" not in body
    detail = _client().get(f"/calls/{world['call'].pk}/").content.decode()
    assert "技术创新性" in detail and "甲的成果" not in detail


def test_apply_page_refuses_someone_elses_achievement(world):
    other = world["users"]["other_team"]
    response = _client(other).post(
        f"/workspace/calls/{world['call'].pk}/apply/",
        {
            "achievement": world["app"].achievement_id,
            "summary": "冒名申请",
            "deck": deck(),
        },
    )
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert Application.objects.count() == 1


def test_apply_page_says_twice_is_refused(world):
    response = _client(world["users"]["team"]).post(
        f"/workspace/calls/{world['call'].pk}/apply/",
        {
            "achievement": world["app"].achievement_id,
            "summary": "再次申请",
            "deck": deck(),
        },
    )
    assert response.status_code == 400
    assert "该成果已申请本次征集" in response.content.decode()


def test_team_page_and_withdraw(world):
    team = _client(world["users"]["team"])
    app = world["app"]
    page = team.get(f"/workspace/applications/{app.pk}/").content.decode()
    assert "甲大学-路演.pdf" in page
    assert (
        _client(world["users"]["other_team"])
        .get(f"/workspace/applications/{app.pk}/")
        .status_code
        == 404
    )
    team.post(f"/workspace/applications/{app.pk}/withdraw/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.WITHDRAWN


def test_anonymised_reviewer_sees_no_institution(world):
    expert = _client(world["expert"])
    app = world["app"]
    listing = expert.get(f"/workspace/calls/{world['call'].pk}/review/")
    page = expert.get(f"/workspace/applications/{app.pk}/score/")
    for response in (listing, page):
        body = response.content.decode()
        assert response.status_code == 200
        assert "甲的成果" in body
        assert "甲大学" not in body
    download = expert.get(f"/workspace/applications/{app.pk}/deck/")
    disposition = download["Content-Disposition"]
    assert "甲大学" not in disposition and "%E7%94%B2" not in disposition
    assert f"{app.pk}.pdf" in disposition


def test_reviewer_scores_through_the_page_and_bad_scores_are_refused(world):
    expert = _client(world["expert"])
    app = world["app"]
    a, b = app.call.criteria.all()
    url = f"/workspace/applications/{app.pk}/score/"
    bad = expert.post(url, {f"score_{a.pk}": "6", f"score_{b.pk}": "3"})
    assert bad.status_code == 400
    assert "评分必须是 1 到 5 的整数" in bad.content.decode()
    ok = expert.post(url, {f"score_{a.pk}": "4", f"score_{b.pk}": "5", "comment": "好"})
    assert ok.status_code == 302
    assert sorted(app.reviews.get().scores.values_list("value", flat=True)) == [4, 5]


def test_reviewer_of_the_applying_institution_gets_404(world):
    # A member of the applying university, though not of its team.
    colleague = make_user(role=Role.INVESTOR, org=world["orgs"]["owner"])
    world["call"].reviewers.add(colleague)
    client = _client(colleague)
    app = world["app"]
    assert client.get(f"/workspace/applications/{app.pk}/score/").status_code == 404
    assert client.get(f"/workspace/applications/{app.pk}/deck/").status_code == 404
    listing = client.get(f"/workspace/calls/{world['call'].pk}/review/")
    assert "甲的成果" not in listing.content.decode()


def test_organizer_decides_and_exports(world, downloads):
    organizer = _client(world["users"]["organizer"])
    call = pass_deadline(world["call"])
    app = world["app"]
    page = organizer.get(f"/admin/calls/{call.pk}/").content.decode()
    assert "甲的成果" in page and "甲大学" in page
    response = organizer.post(
        f"/admin/calls/{call.pk}/decide/", {"accept": [app.pk], "waitlist": "0"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACCEPTED
    assert app.slot.roadshow == call.roadshow
    book = downloads.workbook(organizer, f"/admin/calls/{call.pk}/export.xlsx")
    assert book.sheetnames == ["说明", "排名", "评分明细", "操作记录"]
    ranking = list(book["排名"].iter_rows(values_only=True))
    assert ranking[1][:4] == (1, "甲的成果", "甲大学", "已入选")
    actions = [row[2] for row in book["操作记录"].iter_rows(values_only=True)][1:]
    assert actions == ["开启征集", "提交申请", "入选"]


def test_organizer_pages_refused_to_teams(world):
    team = _client(world["users"]["team"])
    call = world["call"]
    assert team.get(f"/admin/calls/{call.pk}/").status_code in (302, 403)
    team.post(f"/admin/calls/{call.pk}/decide/", {"accept": [world["app"].pk]})
    world["app"].refresh_from_db()
    assert world["app"].status == ApplicationStatus.SUBMITTED
