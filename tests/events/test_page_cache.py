"""Anonymous page cache: fast for visitors, never stale after a change."""

from events.services import roadshow_transition, roadshow_update
from tests.factories import make_achievement
from tests.factories.events import make_roadshow


def test_second_anonymous_visit_is_a_hit_and_publishing_invalidates(
    client, roles, django_capture_on_commit_callbacks
):
    users, orgs = roles
    first = client.get("/roadshows/")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/roadshows/")["X-Page-Cache"] == "hit"
    roadshow = make_roadshow(lead_host=orgs["torch"], title="新发布的路演")
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    response = client.get("/roadshows/")
    assert response["X-Page-Cache"] == "miss"
    assert "新发布的路演" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_update(roadshow=roadshow, data={"title": "改名的路演"}, by=None)
    html = client.get("/roadshows/").content.decode()
    assert "改名的路演" in html and "新发布的路演" not in html


def test_home_page_follows_achievement_changes(client, roles):
    users, orgs = roles
    client.get("/")
    make_achievement(owner=orgs["owner"], title="刚发布的成果")
    assert "刚发布的成果" in client.get("/").content.decode()


def test_signed_in_users_are_never_served_cached_pages(client, roles):
    users, _orgs = roles
    client.get("/")
    client.force_login(users["organizer"])
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "退出" in response.content.decode()


def test_languages_are_cached_apart(client, db):
    assert "科技成果路演平台" in client.get("/roadshows/").content.decode()
    client.get("/lang/en/")
    html = client.get("/roadshows/").content.decode()
    assert "Technology Roadshow Platform" in html
