"""R2: every path that can reach an achievement respects the one visibility rule."""

import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

from achievements.models import Attachment, Demand, IndustryField, Province
from tests.factories import make_achievement

STATES = ["public", "restricted", "submitted", "draft", "withheld", "returned"]
EXPECTED = {
    "anonymous": {"public"},
    "nobody": {"public"},
    "pending_investor": {"public"},
    "other_team": {"public"},
    "investor": {"public", "restricted"},
    "enterprise": {"public", "restricted"},
    "team": set(STATES),
    "reviewer": set(STATES),
    "organizer": set(STATES),
}


@pytest.fixture
def library(roles):
    users, orgs = roles
    items = {
        state: make_achievement(
            owner=orgs["owner"],
            state=state,
            title=f"可见性样本{state}成果",
            keywords="保密测试",
        )
        for state in STATES
    }
    return users, orgs, items


def _client(client, users, who):
    if who != "anonymous":
        client.force_login(users[who])
    return client


def _titles_in(html: str, items) -> set[str]:
    return {state for state, a in items.items() if a.title in html}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_catalogue_list_shows_only_visible(client, library, who):
    users, _orgs, items = library
    html = _client(client, users, who).get("/achievements/").content.decode()
    assert _titles_in(html, items) == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_catalogue_search_shows_only_visible(client, library, who):
    users, _orgs, items = library
    html = (
        _client(client, users, who).get("/achievements/?q=可见性样本").content.decode()
    )
    html = html.replace("<mark>", "").replace("</mark>", "")  # the highlighted term
    assert _titles_in(html, items) == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_detail_page_404_for_hidden(client, library, who):
    users, _orgs, items = library
    c = _client(client, users, who)
    seen = {
        s
        for s, a in items.items()
        if c.get(f"/achievements/{a.pk}/").status_code == 200
    }
    hidden = {
        s
        for s, a in items.items()
        if c.get(f"/achievements/{a.pk}/").status_code == 404
    }
    assert seen == EXPECTED[who]
    assert hidden == set(STATES) - EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_api_list_and_detail_respect_visibility(client, library, who):
    users, _orgs, items = library
    c = _client(client, users, who)
    body = c.get("/api/v1/achievements", {"q": "可见性样本"}).json()
    listed = {item["title"] for item in body["items"]}
    assert {s for s, a in items.items() if a.title in listed} == EXPECTED[who]
    for state, a in items.items():
        status = c.get(f"/api/v1/achievements/{a.pk}").status_code
        assert status == (200 if state in EXPECTED[who] else 404), state


@pytest.mark.parametrize("who", list(EXPECTED))
def test_home_page_lists_only_published_visible(client, library, who):
    users, _orgs, items = library
    html = _client(client, users, who).get("/").content.decode()
    published = EXPECTED[who] & {"public", "restricted"}
    assert _titles_in(html, items) == published


@pytest.mark.parametrize("who", list(EXPECTED))
def test_attachment_download_respects_visibility(client, library, who):
    users, _orgs, items = library
    attachments = {
        state: Attachment.objects.create(
            achievement=a,
            file=ContentFile(b"%PDF-1.4 test", name="x.pdf"),
            original_name="deck.pdf",
            content_type="application/pdf",
            size=13,
            # Files a reviewer has cleared: visibility alone decides.
            cleared_at=timezone.now(),
        )
        for state, a in items.items()
    }
    c = _client(client, users, who)
    for state, f in attachments.items():
        response = c.get(f"/achievements/{f.achievement_id}/files/{f.pk}/")
        if state in EXPECTED[who]:
            assert response.status_code == 200
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "attachment" in response["Content-Disposition"]
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("who", list(EXPECTED))
def test_demand_matches_respect_visibility(client, library, who):
    users, orgs, items = library
    demand = Demand.objects.create(
        organization=orgs["enterprise"],
        title="可见性样本需求",
        field=IndustryField.objects.get(code="new-materials"),
        description="需要可见性样本成果",
        province=Province.objects.get(code="32"),
        status="published",
    )
    html = _client(client, users, who).get(f"/demands/{demand.pk}/").content.decode()
    assert _titles_in(html, items) == EXPECTED[who] & {"public", "restricted"}


def test_export_is_for_organizers_only_and_includes_all(client, library):
    users, _orgs, items = library
    client.force_login(users["investor"])
    assert client.get("/achievements/export.xlsx").status_code == 403
    client.force_login(users["organizer"])
    response = client.get("/achievements/export.xlsx", {"q": "可见性样本"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["成果"]
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {a.title for a in items.values()}


@pytest.mark.parametrize("who", ["anonymous", "team", "reviewer", "investor"])
def test_admin_is_closed_to_non_organizers(client, library, who):
    users, _orgs, _items = library
    c = _client(client, users, who)
    response = c.get("/admin/achievement/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_lists_everything_for_organizers(client, library):
    users, _orgs, items = library
    client.force_login(users["organizer"])
    html = client.get("/admin/achievement/").content.decode()
    assert _titles_in(html, items) == set(STATES)


def test_cached_catalogue_counts_follow_every_change(client, roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="public", title="缓存样本甲")
    make_achievement(owner=orgs["owner"], state="public", title="缓存样本乙")
    assert "共 2 项成果" in client.get("/achievements/").content.decode()
    from achievements.services import achievement_transition

    achievement_transition(
        achievement=a,
        action="withhold",
        by=users["reviewer"],
        comment="涉密",
        seen_revision=a.revision,
    )
    html = client.get("/achievements/").content.decode()
    assert "共 1 项成果" in html and "缓存样本甲" not in html
    assert "江苏省" in client.get("/achievements/").content.decode()
    other = make_achievement(owner=orgs["owner"], state="public", title="缓存样本丙")
    other.set_provinces([Province.objects.get(code="65")])
    html = client.get("/achievements/", {"province": "65"}).content.decode()
    assert "共 1 项成果" in html and "新疆维吾尔自治区" in html
