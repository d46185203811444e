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


def _get(path, cookie=None, method="GET", host=b"testserver"):
    """A request through the ASGI application, as Daphne would make it."""
    from asgiref.sync import async_to_sync
    from channels.testing import HttpCommunicator

    from roadshow.asgi import application

    headers = [(b"host", host)]
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
    # Another host name apart (pages carry absolute webcal:// addresses).
    status, other, body = _get("/roadshows/", host=b"localhost")
    assert other[b"x-page-cache"] == b"miss" and b"webcal://localhost/" in body
    assert _get("/roadshows/", host=b"localhost")[1][b"x-page-cache"] == b"hit"
    # A change makes every cached page stale at once.
    from cms.cache import content_changed

    content_changed()
    assert _get("/roadshows/")[1][b"x-page-cache"] == b"miss"


@pytest.mark.postgres  # two connections at once: the test SQLite is in memory
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_rendered_before_the_commit_is_not_served_after_it(roles):
    """A visitor whose request reads the old rows while a withdrawal is being
    committed must not leave the old page in the cache under the new version."""
    import threading

    from django.db import connections, transaction
    from django.test import Client

    from achievements.services import achievement_transition

    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], title="即将撤回的成果")
    assert "即将撤回的成果" in Client().get("/").content.decode()
    seen = []

    def visitor():
        try:
            seen.append(Client().get("/").content.decode())
        finally:
            connections.close_all()

    with transaction.atomic():
        achievement_transition(
            achievement=a,
            action="withhold",
            by=users["reviewer"],
            comment="涉密",
            seen_revision=a.revision,
        )
        thread = threading.Thread(target=visitor)
        thread.start()
        thread.join()
    # The visitor read the committed (old) rows, as a concurrent request would.
    assert "即将撤回的成果" in seen[0]
    assert "即将撤回的成果" not in Client().get("/").content.decode()


def _stored_keys() -> set:
    """Every key in the cache, whichever backend (local memory or Redis)."""
    from django.core.cache import cache

    if hasattr(cache._cache, "get_client"):
        return set(cache._cache.get_client(None).scan_iter("*"))
    return set(cache._cache)


def test_unknown_query_strings_are_not_stored(client, db):
    client.get("/roadshows/")
    before = _stored_keys()
    for n in range(5):
        response = client.get(f"/roadshows/?utm={n}")
        assert response.status_code == 200
        assert response.get("X-Page-Cache") != "hit"
    for query in ("kind=nonsense", "field=x&field=y", "year=99999", "kind=field&x=1"):
        client.get(f"/roadshows/?{query}")
        assert client.get(f"/roadshows/?{query}").get("X-Page-Cache") != "hit"
    assert _stored_keys() == before
    # A recognised filter, spelled plainly, is cached like the page itself.
    assert client.get("/roadshows/?kind=field")["X-Page-Cache"] == "miss"
    assert client.get("/roadshows/?kind=field")["X-Page-Cache"] == "hit"


def test_unpublishing_in_wagtail_removes_the_cached_page(
    client, roles, django_capture_on_commit_callbacks
):
    from django.test import Client

    from cms.models import RoadshowPage

    users, orgs = roles
    roadshow = make_roadshow(lead_host=orgs["torch"], title="将被下线的路演")
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    page = RoadshowPage.objects.get(roadshow=roadshow)
    url = page.url
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "hit"
    admin = Client()
    admin.force_login(users["organizer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/pages/{page.pk}/unpublish/")
    assert response.status_code == 302
    assert client.get(url).status_code == 404
