"""Roadshows in /api/v1/: the public roadshows with the pages' filters, and one
roadshow with its programme through the visibility rule."""

import datetime as dt

import pytest
from django.utils import timezone

from achievements.models import Province
from events.enums import SlotKind
from events.registrations import registration_create
from events.services import SHANGHAI, slot_add
from tests.factories import make_achievement
from tests.factories.events import make_roadshow

INVALID = "请求参数无效。"


@pytest.fixture
def shows(roles):
    users, orgs = roles
    now = timezone.now()
    public = make_achievement(owner=orgs["owner"], title="公开的碳纤维成果")
    restricted = make_achievement(
        owner=orgs["owner"], state="restricted", title="限定公开的储能成果"
    )
    coming = make_roadshow(
        lead_host=orgs["torch"],
        title="新材料领域成果路演",
        day=(now + dt.timedelta(days=30)).astimezone(SHANGHAI).date(),
        status="published",
        first_published_at=now,
        capacity=100,
        summary="新材料领域的月度路演。",
    )
    coming.co_hosts.set([orgs["owner"]])
    slot_add(
        roadshow=coming, kind=SlotKind.PITCH, duration_minutes=20, achievement=public
    )
    slot_add(roadshow=coming, kind=SlotKind.QA, duration_minutes=10, title="互动问答")
    closed_door = make_roadshow(
        lead_host=orgs["torch"],
        title="四川区域投资方专场",
        kind="region",
        field=None,
        region_kind="province",
        province=Province.objects.get(code="51"),
        day=dt.date(2026, 10, 20),
        hours=(9, 12),
        status="closed",
        first_published_at=now,
        investors_only=True,
    )
    slot_add(
        roadshow=closed_door,
        kind=SlotKind.PITCH,
        duration_minutes=20,
        achievement=restricted,
    )
    slot_add(
        roadshow=closed_door,
        kind=SlotKind.PITCH,
        duration_minutes=20,
        achievement=public,
    )
    draft = make_roadshow(
        lead_host=orgs["torch"], title="尚未发布的路演", day=dt.date(2026, 10, 22)
    )
    called_off = make_roadshow(
        lead_host=orgs["torch"],
        title="已取消的路演",
        day=dt.date(2025, 12, 8),
        status="cancelled",
        first_published_at=now,
        cancel_reason="场地调整",
    )
    registration_create(roadshow=coming, user=users["investor"], attendance="onsite")
    return {
        "users": users,
        "coming": coming,
        "closed_door": closed_door,
        "draft": draft,
        "called_off": called_off,
        "restricted": restricted,
        "public": public,
    }


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_the_list_has_the_public_roadshows_in_order(client, shows):
    data = client.get("/api/v1/roadshows").json()
    assert data["count"] == 3
    assert [i["id"] for i in data["items"]] == [
        shows["called_off"].pk,
        shows["closed_door"].pk,
        shows["coming"].pk,
    ]
    item = data["items"][1]
    pk = shows["closed_door"].pk
    assert item == {
        "id": pk,
        "title": "四川区域投资方专场",
        "kind": "region",
        "level": "national",
        "status": "closed",
        "field": None,
        "region_kind": "province",
        "province": "51",
        "region": "四川省",
        "start": "2026-10-20T01:00:00Z",
        "end": "2026-10-20T04:00:00Z",
        "format": "hybrid",
        "venue": "科技会堂",
        "investors_only": True,
        "url": f"/r/{pk}/",
        "calendar": f"/calendar/roadshows/{pk}.ics",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"month": "2026-10"}, ["closed_door"]),
        ({"month": "2025-12"}, ["called_off"]),
        ({"month": "2024-10"}, []),
        ({"kind": "region"}, ["closed_door"]),
        ({"province": "51"}, ["closed_door"]),
        ({"province": "32"}, []),
        ({"field": "new-materials"}, ["called_off", "coming"]),
        ({"status": "cancelled"}, ["called_off"]),
        ({"status": "published"}, ["coming"]),
        ({"month": "", "kind": ""}, ["called_off", "closed_door", "coming"]),
    ],
)
def test_the_filters(client, shows, params, expected):
    response = client.get("/api/v1/roadshows", params)
    assert ids(response) == [shows[name].pk for name in expected]


def test_a_month_is_read_in_shanghai_time(client, shows):
    # 1 October 2026 00:30 in Shanghai is still September in UTC.
    early = make_roadshow(
        lead_host=shows["coming"].lead_host,
        start=dt.datetime(2026, 10, 1, 0, 30, tzinfo=SHANGHAI),
        end=dt.datetime(2026, 10, 1, 2, 0, tzinfo=SHANGHAI),
        status="published",
        first_published_at=timezone.now(),
    )
    response = client.get("/api/v1/roadshows", {"month": "2026-10"})
    assert ids(response) == [early.pk, shows["closed_door"].pk]
    assert ids(client.get("/api/v1/roadshows", {"month": "2026-09"})) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"month": "2026-13"}, "month", "月份应写作 YYYY-MM，如 2026-10。"),
        ({"month": "2026/10"}, "month", "月份应写作 YYYY-MM，如 2026-10。"),
        ({"month": "202610"}, "month", "月份应写作 YYYY-MM，如 2026-10。"),
        ({"kind": "online"}, "kind", "取值无效，可选：'', 'field', 'region'。"),
        (
            {"status": "draft"},
            "status",
            "取值无效，可选：'', 'published', 'live', 'closed', 'archived', "
            "'cancelled'。",
        ),
        ({"province": "5\x001"}, "province", "包含不允许的字符。"),
        ({"page": 0}, "page", "不能小于 1。"),
        ({"page_size": 101}, "page_size", "不能大于 100。"),
    ],
)
def test_bad_filters_are_a_400_that_says_why(client, shows, params, field, message):
    response = client.get("/api/v1/roadshows", params)
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": INVALID,
        "errors": [{"field": field, "message": message}],
    }


def test_a_bad_filter_is_explained_in_the_callers_language(client, shows):
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/roadshows", {"month": "10/2026"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Invalid request parameters.",
        "errors": [
            {"field": "month", "message": "Write the month as YYYY-MM, e.g. 2026-10."}
        ],
    }


def test_the_detail_has_programme_registration_room_and_feed(client, shows):
    coming = shows["coming"]
    response = client.get(f"/api/v1/roadshows/{coming.pk}")
    assert response.status_code == 200
    data = response.json()
    start = coming.start.astimezone(dt.UTC)
    at = [start + dt.timedelta(minutes=m) for m in (0, 20, 30)]

    def iso(moment):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    public = shows["public"]
    assert data["programme"] == [
        {
            "position": 1,
            "kind": "pitch",
            "title": "",
            "start": iso(at[0]),
            "end": iso(at[1]),
            "team": "甲大学",
            "presenters": "",
            "achievement": {
                "id": public.pk,
                "title": "公开的碳纤维成果",
                "url": f"/achievements/{public.pk}/",
            },
        },
        {
            "position": 2,
            "kind": "qa",
            "title": "互动问答",
            "start": iso(at[1]),
            "end": iso(at[2]),
            "team": "",
            "presenters": "",
            "achievement": None,
        },
    ]
    assert data["registration"] == {
        "opens": None,
        "closes": iso(start),
        "open": True,
        "capacity": 100,
        "seats_left": 99,
    }
    assert data["live_room"] == f"/live/{coming.pk}/"
    assert data["calendar"] == f"/calendar/roadshows/{coming.pk}.ics"
    assert (data["summary"], data["lead_host"], data["co_hosts"]) == (
        "新材料领域的月度路演。",
        "火炬中心",
        ["甲大学"],
    )


def test_an_achievement_the_caller_may_not_see_leaves_no_trace(client, shows):
    """The investors-only roadshow pitches a restricted achievement: outside
    approved investors its slot is not there at all."""
    pk = shows["closed_door"].pk
    restricted = shows["restricted"]
    for who in (None, "pending_investor", "other_team"):
        if who:
            client.force_login(shows["users"][who])
        response = client.get(f"/api/v1/roadshows/{pk}")
        data = response.json()
        assert [s["achievement"]["id"] for s in data["programme"]] == [
            shows["public"].pk
        ], who
        assert "限定公开的储能成果" not in response.content.decode("unicode_escape")
        assert str(restricted.pk) not in [
            str(s["achievement"]["id"]) for s in data["programme"]
        ]
        assert data["registration"]["open"] is False
    client.force_login(shows["users"]["investor"])
    data = client.get(f"/api/v1/roadshows/{pk}").json()
    titles = [s["achievement"]["title"] for s in data["programme"]]
    assert titles == ["限定公开的储能成果", "公开的碳纤维成果"]


def test_a_draft_is_unknown_like_a_missing_id(client, shows):
    client.force_login(shows["users"]["organizer"])
    body = {"code": "not_found", "message": "路演不存在或未发布。", "errors": []}
    for pk in (shows["draft"].pk, 999_999):
        response = client.get(f"/api/v1/roadshows/{pk}")
        assert response.status_code == 404
        assert response.json() == body
    assert shows["draft"].pk not in ids(client.get("/api/v1/roadshows"))


def test_a_cancelled_roadshow_has_no_live_room(client, shows):
    data = client.get(f"/api/v1/roadshows/{shows['called_off'].pk}").json()
    assert (data["status"], data["cancel_reason"]) == ("cancelled", "场地调整")
    assert data["live_room"] is None
    assert data["registration"]["open"] is False


@pytest.mark.parametrize("raw", [str(2**63), "0", "abc"])
def test_an_id_that_cannot_exist_is_a_400(client, db, raw):
    response = client.get(f"/api/v1/roadshows/{raw}")
    assert response.status_code == 400
    message = {
        str(2**63): f"不能大于 {2**63 - 1}。",
        "0": "不能小于 1。",
        "abc": "必须是整数。",
    }[raw]
    assert response.json() == {
        "code": "invalid",
        "message": INVALID,
        "errors": [{"field": "roadshow_id", "message": message}],
    }


def test_the_openapi_description_documents_both_routes(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    listing = spec["paths"]["/api/v1/roadshows"]["get"]
    assert set(listing["responses"]) == {"200", "400"}
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert params["month"]["pattern"] == "^([12][0-9]{3}-(0[1-9]|1[0-2]))?$"
    assert params["kind"]["enum"] == ["", "field", "region"]
    assert "draft" not in params["status"]["enum"]
    assert (params["page"]["minimum"], params["page"]["maximum"]) == (1, 10_000)
    detail = spec["paths"]["/api/v1/roadshows/{roadshow_id}"]["get"]
    assert set(detail["responses"]) == {"200", "400", "404"}
    error_body = {"$ref": "#/components/schemas/ErrorOut"}
    for status in ("400", "404"):
        content = detail["responses"][status]["content"]["application/json"]
        assert content["schema"] == error_body
    assert "/api/v1/{path}" not in spec["paths"]
