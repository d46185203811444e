"""The public's roadshow pages (#17): the index lists what is coming first,
then what is live, then what is over, in the public's words; a roadshow's
page tells the places left and the deadline, and someone registered is
shown their ticket instead of the registration button; online participants
are sent to the live room, never to the raw stream."""

import datetime as dt

import pytest
import vobject
from django.core import mail
from django.utils import timezone

from cms.models import RoadshowPage
from events.registrations import registration_create
from events.services import roadshow_transition
from tests.factories import make_user
from tests.factories.events import make_roadshow

STREAM = "https://live.example.cn/hls/roadshow.m3u8"


def _shown(days: float, **fields):
    now = timezone.now()
    start = now + dt.timedelta(days=days)
    fields.setdefault("status", "published")
    return make_roadshow(
        start=start,
        end=start + dt.timedelta(hours=3),
        first_published_at=now - dt.timedelta(days=90),
        **fields,
    )


def test_index_lists_upcoming_then_live_then_past_in_the_publics_words(client, db):
    _shown(-40, status="closed", title="ROADSHOW-OLD")
    _shown(-8, status="closed", title="ROADSHOW-RECENT")
    _shown(-0.05, status="live", title="ROADSHOW-LIVE")
    _shown(30, title="ROADSHOW-LATER")
    _shown(4, title="ROADSHOW-SOON")
    _shown(
        6,
        title="ROADSHOW-WINDOW-LATER",
        registration_opens=timezone.now() + dt.timedelta(days=1),
    )
    html = client.get("/roadshows/").content.decode()
    titles = [
        "即将举行",
        "ROADSHOW-SOON",
        "ROADSHOW-WINDOW-LATER",
        "ROADSHOW-LATER",
        "正在直播",
        "ROADSHOW-LIVE",
        "往期路演",
        "ROADSHOW-RECENT",
        "ROADSHOW-OLD",
    ]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)
    for badge in ("报名中", "即将开始", "直播中", "已结束"):
        assert f">{badge}</span>" in html, badge
    assert "已发布" not in html


def test_index_says_when_filters_leave_nothing(client, db):
    _shown(4, title="ROADSHOW-SOON")
    html = client.get("/roadshows/", {"kind": "region"}).content.decode()
    assert "没有符合筛选条件的路演。" in html and "ROADSHOW-SOON" not in html


@pytest.fixture
def roadshow_page(roles, django_capture_on_commit_callbacks):
    users, orgs = roles
    day = timezone.localdate() + dt.timedelta(days=20)
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        day=day,
        capacity=2,
        stream_url=STREAM,
        format="hybrid",
        registration_closes=dt.datetime.combine(
            day - dt.timedelta(days=1),
            dt.time(18, 0),
            tzinfo=timezone.get_default_timezone(),
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        roadshow = roadshow_transition(
            roadshow=roadshow, action="publish", by=users["organizer"]
        )
    page = RoadshowPage.objects.get(roadshow=roadshow)
    return roadshow, page.url, day


def _person(name):
    user = make_user(username=name)
    user.email = f"{name}@example.cn"
    user.save()
    return user


def test_page_tells_places_left_and_the_deadline(client, roadshow_page):
    roadshow, url, day = roadshow_page
    deadline = f"{(day - dt.timedelta(days=1)).isoformat()} 18:00"
    html = client.get(url).content.decode()
    assert f'href="/r/{roadshow.pk}/register/"' in html
    assert f"报名中，{deadline} 截止" in html
    assert "剩余 2 席（共 2 席）" in html
    assert ">报名中</span>" in html and "已发布" not in html
    registration_create(roadshow=roadshow, user=_person("a"), attendance="onsite")
    registration_create(roadshow=roadshow, user=_person("b"), attendance="onsite")
    html = client.get(url, {"kind": "x"}).content.decode()  # past the page cache
    assert "已满：报名将进入候补名单" in html
    assert "现场名额已满，可报名候补" in html


def test_registered_reader_is_shown_the_ticket_not_the_button(client, roadshow_page):
    roadshow, url, _day = roadshow_page
    reader = _person("reader")
    mine = registration_create(roadshow=roadshow, user=reader, attendance="onsite")
    client.force_login(reader)
    html = client.get(url).content.decode()
    assert "您已报名 · 查看电子票" in html
    assert f'href="/workspace/registrations/{mine.pk}/"' in html
    assert f"/r/{roadshow.pk}/register/" not in html
    # Others, and the same reader once the place is given up, may register.
    client.force_login(_person("other"))
    assert f'href="/r/{roadshow.pk}/register/"' in client.get(url).content.decode()


def test_waitlisted_reader_is_told_so(client, roadshow_page):
    roadshow, url, _day = roadshow_page
    for name in ("a", "b"):
        registration_create(roadshow=roadshow, user=_person(name), attendance="onsite")
    waiting = _person("waiting")
    mine = registration_create(roadshow=roadshow, user=waiting, attendance="onsite")
    assert mine.status == "waitlisted"
    client.force_login(waiting)
    html = client.get(url).content.decode()
    assert "您在候补名单中 · 查看报名" in html
    assert f"/r/{roadshow.pk}/register/" not in html


def test_online_participants_are_sent_to_the_live_room(
    client, roadshow_page, django_capture_on_commit_callbacks
):
    roadshow, url, _day = roadshow_page
    room = f"/live/{roadshow.pk}/"
    viewer = _person("viewer")
    with django_capture_on_commit_callbacks(execute=True):
        mine = registration_create(roadshow=roadshow, user=viewer, attendance="online")
    # The confirmation email and its calendar entry.
    (email,) = mail.outbox
    assert f"http://127.0.0.1:8000{room}" in email.body and STREAM not in email.body
    (ics,) = [a for a in email.attachments if a[0] == "roadshow.ics"]
    event = vobject.readOne(ics[1]).vevent
    assert event.conference.value == f"http://127.0.0.1:8000{room}"
    assert STREAM not in ics[1]
    # The ticket page and the roadshow's page.
    client.force_login(viewer)
    html = client.get(f"/workspace/registrations/{mine.pk}/").content.decode()
    assert f'href="{room}"' in html and STREAM not in html
    html = client.get(url).content.decode()
    assert f'href="{room}"' in html and STREAM not in html
    # The public feed too.
    feed = client.get(f"/calendar/roadshows/{roadshow.pk}.ics").content.decode()
    assert room in feed and STREAM not in feed


def test_live_room_and_achievement_page_show_the_public_status(client, live):
    roadshow = live["roadshow"]
    html = client.get(f"/live/{roadshow.pk}/").content.decode()
    assert 'class="badge public-status public-live">直播中</span>' in html
    assert "进行中" not in html
    achievement = live["slot"].achievement
    html = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert ">直播中</span>" in html


def test_calendar_links_offer_webcal_subscription_beside_the_download(
    client, roadshow_page
):
    roadshow, url, _day = roadshow_page
    html = client.get(url).content.decode()
    one = f"/calendar/roadshows/{roadshow.pk}.ics"
    assert f'href="webcal://testserver{one}"' in html
    assert f'href="{one}" download' in html
    field = "/calendar/field/new-materials.ics"
    assert f'href="webcal://testserver{field}"' in html and f'href="{field}"' in html
    index = client.get("/roadshows/").content.decode()
    assert 'href="webcal://testserver/calendar/roadshows.ics"' in index
    assert 'href="/calendar/roadshows.ics" download' in index


def test_a_cached_page_keeps_each_hosts_own_addresses(client, roadshow_page):
    first = client.get("/roadshows/", HTTP_HOST="localhost")
    assert first["X-Page-Cache"] == "miss"
    assert client.get("/roadshows/", HTTP_HOST="localhost")["X-Page-Cache"] == "hit"
    other = client.get("/roadshows/", HTTP_HOST="127.0.0.1")
    assert other["X-Page-Cache"] == "miss"
    assert "webcal://127.0.0.1/calendar/roadshows.ics" in other.content.decode()
    assert "webcal://localhost/" not in other.content.decode()


def test_ticket_and_workspace_offer_webcal_subscription(client, roadshow_page):
    roadshow, _url, _day = roadshow_page
    reader = _person("reader")
    mine = registration_create(roadshow=roadshow, user=reader, attendance="onsite")
    client.force_login(reader)
    html = client.get(f"/workspace/registrations/{mine.pk}/").content.decode()
    assert f'href="webcal://testserver/calendar/roadshows/{roadshow.pk}.ics"' in html
    html = client.get("/workspace/").content.decode()
    assert 'href="webcal://testserver/calendar/u/' in html
