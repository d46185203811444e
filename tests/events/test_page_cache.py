"""Anonymous page cache: fast for visitors, never stale after a change."""

import pytest

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


def _get(path, cookie=None, method="GET"):
    """A request through the ASGI application, as Daphne would make it."""
    from asgiref.sync import async_to_sync
    from channels.testing import HttpCommunicator

    from roadshow.asgi import application

    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))

    async def run():
        communicator = HttpCommunicator(application, method, path, headers=headers)
        return await communicator.get_response(timeout=30)

    response = async_to_sync(run)()
    headers = {name.lower(): value for name, value in response["headers"]}
    return response["status"], headers, response["body"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_under_asgi_a_cached_page_is_served_before_django_with_its_headers():
    status, headers, body = _get("/roadshows/")
    assert status == 200 and headers[b"x-page-cache"] == b"miss"
    status, again, cached = _get("/roadshows/")
    assert status == 200 and again[b"x-page-cache"] == b"hit"
    assert cached == body
    for name in (b"content-type", b"x-frame-options", b"x-content-type-options"):
        assert again[name] == headers[name]
    # Not for signed-in visitors (a session), other languages apart, not HEAD.
    assert b"x-page-cache" not in _get("/roadshows/", "sessionid=abc")[1]
    english = _get("/roadshows/", "django_language=en")
    assert english[1][b"x-page-cache"] == b"miss"
    assert b"Technology Roadshow Platform" in english[2]
    assert _get("/roadshows/", method="HEAD")[1].get(b"x-page-cache") != b"hit"
    # A change makes every cached page stale at once.
    from cms.cache import content_changed

    content_changed()
    assert _get("/roadshows/")[1][b"x-page-cache"] == b"miss"
