"""/api/v1/: reads with the catalogue's filters, token submission validated like imports."""

import secrets

import pytest

from accounts.models import ApiToken
from achievements.models import Achievement
from tests.factories import make_achievement


@pytest.fixture
def token(roles):
    _users, orgs = roles
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        organization=orgs["owner"],
        label="项目管理系统",
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
    )
    return key


def body(**overrides):
    data = {
        "project_number": "2024YFA0100001",
        "title": "接口提交的成果",
        "summary": "简介",
        "field": "new-materials",
        "trl": 7,
        "transfer_modes": ["licence"],
        "target_provinces": ["32", "浙江"],
    }
    data.update(overrides)
    return data


def post(client, data, key):
    return client.post(
        "/api/v1/achievements",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_openapi_description_is_served(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["version"] == "1"
    assert {"/api/v1/achievements", "/api/v1/demands"} <= set(spec["paths"])


def test_list_filters_like_the_catalogue(client, roles):
    _users, orgs = roles
    make_achievement(owner=orgs["owner"], title="玉米基因组设计育种", trl=5)
    make_achievement(owner=orgs["owner"], title="水稻分子育种", trl=8)
    data = client.get("/api/v1/achievements", {"q": "育种", "trl": 8}).json()
    assert data["count"] == 1
    assert data["items"][0]["title"] == "水稻分子育种"
    assert data["items"][0]["field"] == {"code": "new-materials", "name": "新材料"}


def test_token_submission_creates_then_updates(client, roles, token):
    _users, orgs = roles
    response = post(client, body(), token)
    assert response.status_code == 201
    created = response.json()
    a = Achievement.objects.get(pk=created["id"])
    assert (a.owner, a.status, a.trl) == (orgs["owner"], "submitted", 7)
    assert sorted(p.code for p in a.target_provinces.all()) == ["32", "33"]
    response = post(client, body(trl=8), token)
    assert response.status_code == 200
    assert response.json()["created"] is False
    a.refresh_from_db()
    assert a.trl == 8


@pytest.mark.parametrize(
    ("data", "status", "code", "field"),
    [
        (body(trl=10), 400, "invalid", "trl"),
        (body(target_provinces=["火星"]), 400, "invalid", "target_provinces"),
        (body(title=""), 400, "invalid", "title"),
        (body(colour="red"), 400, "unknown_fields", "colour"),
        (body(owner="别的单位"), 400, "owner_mismatch", "owner"),
    ],
)
def test_bad_submissions_get_machine_readable_reasons(
    client, token, data, status, code, field
):
    response = post(client, data, token)
    assert response.status_code == status
    payload = response.json()
    assert payload["code"] == code
    assert field in {e["field"] for e in payload["errors"]}
    assert Achievement.objects.count() == 0


def test_submission_needs_a_valid_token(client, token):
    assert post(client, body(), "wrong").status_code == 401
    response = client.post(
        "/api/v1/achievements", body(), content_type="application/json"
    )
    assert response.status_code == 401
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert post(client, body(), token).status_code == 401
    assert Achievement.objects.count() == 0


def test_project_number_of_another_org_conflicts(client, roles, token):
    _users, orgs = roles
    make_achievement(owner=orgs["other"], project_number="2024YFA0100001")
    response = post(client, body(), token)
    assert response.status_code == 409
    assert response.json()["code"] == "project_number_taken"


def test_malformed_json_is_a_4xx(client, token):
    response = client.post(
        "/api/v1/achievements",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert 400 <= response.status_code < 500
