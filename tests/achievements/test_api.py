"""/api/v1/: reads with the catalogue's filters, token submission validated like imports."""

import json
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


def test_list_filters_by_trl_range(client, roles):
    _users, orgs = roles
    for title, level in (("三级", 3), ("五级", 5), ("七级", 7), ("九级", 9)):
        make_achievement(owner=orgs["owner"], title=title, trl=level)
    data = client.get("/api/v1/achievements", {"trl_min": 5, "trl_max": 7}).json()
    assert sorted(item["title"] for item in data["items"]) == ["七级", "五级"]
    data = client.get("/api/v1/achievements", {"trl_min": 7}).json()
    assert sorted(item["title"] for item in data["items"]) == ["七级", "九级"]


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


def test_malformed_json_is_a_400_with_its_code(client, token):
    response = client.post(
        "/api/v1/achievements",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed",
        "message": "请求体不是有效的 JSON。",
        "errors": [{"field": "body", "message": "无法解析。"}],
    }


# Hostile input (#12, item 18): each case below was found by the fuzzing in
# test_api_fuzz.py; before, each answered a 500, a 422 {"detail": …} in
# English, an HTML page, or silently stored what the database cannot hold.

INVALID = "请求参数无效。"


def invalid(field, message):
    return {
        "code": "invalid",
        "message": INVALID,
        "errors": [{"field": field, "message": message}],
    }


@pytest.mark.parametrize("path", ["/api/v1/achievements", "/api/v1/demands"])
def test_page_beyond_2_63_is_a_documented_400(client, roles, path):
    response = client.get(path, {"page": 2**63})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == invalid("page", "不能大于 10000。")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": 0}, "page", "不能小于 1。"),
        ({"page": "abc"}, "page", "必须是整数。"),
        ({"page_size": 10**20}, "page_size", "不能大于 100。"),
        ({"page_size": 0}, "page_size", "不能小于 1。"),
    ],
)
def test_page_and_page_size_outside_their_bounds_are_a_400(
    client, roles, params, field, message
):
    response = client.get("/api/v1/achievements", params)
    assert response.status_code == 400
    assert response.json() == invalid(field, message)


def test_last_allowed_page_answers_an_empty_page(client, roles):
    make_achievement(owner=roles[1]["owner"])
    response = client.get("/api/v1/demands", {"page": 10_000, "page_size": 100})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}
    response = client.get("/api/v1/achievements", {"page": 10_000})
    assert response.json() == {"items": [], "count": 1}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"trl": "null"}, "trl", "必须是整数。"),
        ({"trl": 10**20}, "trl", "不能大于 9。"),
        ({"trl": 0}, "trl", "不能小于 1。"),
        (
            {"mode": "teleport"},
            "mode",
            "取值无效，可选：'', 'assignment', 'licence', 'open_licence', "
            "'equity', 'joint_development'。",
        ),
        ({"sort": "random"}, "sort", "取值无效，可选：'newest', 'trl', 'title'。"),
    ],
)
def test_odd_filter_values_are_a_400(client, roles, params, field, message):
    response = client.get("/api/v1/achievements", params)
    assert response.status_code == 400
    assert response.json() == invalid(field, message)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/achievements", "q"),
        ("/api/v1/achievements", "field"),
        ("/api/v1/achievements", "province"),
        ("/api/v1/achievements", "programme"),
        ("/api/v1/demands", "field"),
    ],
)
def test_nul_in_a_text_filter_is_a_400(client, roles, path, field):
    # PostgreSQL cannot compare text with NUL: this was a 500 there.
    response = client.get(path, {field: "水稻\x00育种"})
    assert response.status_code == 400
    assert response.json() == invalid(field, "包含不允许的字符。")


@pytest.mark.parametrize("resource", ["achievements", "demands"])
@pytest.mark.parametrize("raw", [str(2**63), "0", "abc"])
def test_an_id_that_cannot_exist_is_a_400(client, roles, resource, raw):
    response = client.get(f"/api/v1/{resource}/{raw}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    field = "achievement_id" if resource == "achievements" else "demand_id"
    message = {
        str(2**63): f"不能大于 {2**63 - 1}。",
        "0": "不能小于 1。",
        "abc": "必须是整数。",
    }[raw]
    assert response.json() == invalid(field, message)


def test_a_missing_demand_answers_the_documented_404(client, roles):
    response = client.get("/api/v1/demands/999999")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "需求不存在或无权查看。",
        "errors": [],
    }


def test_a_missing_achievement_answers_the_same_404(client, roles):
    response = client.get("/api/v1/achievements/999999")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "成果不存在或无权查看。",
        "errors": [],
    }


def test_submission_without_a_valid_token_is_a_401_with_its_code(client, token):
    response = post(client, body(), "wrong")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "code": "unauthorized",
        "message": "缺少接口令牌，或令牌无效、已吊销。",
        "errors": [],
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [("[1, 2]", "必须是 JSON 对象。"), ("", "必填项不能为空。")],
)
def test_submission_body_that_is_not_an_object_is_a_400(client, token, raw, message):
    response = client.post(
        "/api/v1/achievements",
        raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json() == invalid("body", message)
    assert Achievement.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(project_number="2024YFA\x000001"), "project_number"),
        (body(title="接口\x00提交"), "title"),
        (body(target_provinces=["32", "\x00"]), "target_provinces.1"),
        (body(keywords="\ud800"), "keywords"),
    ],
)
def test_text_the_database_cannot_hold_is_refused(client, token, data, field):
    # SQLite stored the NUL; PostgreSQL answered a 500.
    response = client.post(
        "/api/v1/achievements",
        json.dumps(data),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "数据校验未通过。",
        "errors": [{"field": field, "message": "包含不允许的字符。"}],
    }
    assert Achievement.objects.count() == 0


def test_openapi_documents_the_bounds_and_the_error_responses(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    listing = spec["paths"]["/api/v1/achievements"]["get"]
    params = {p["name"]: p["schema"] for p in listing["parameters"]}
    assert (params["page"]["minimum"], params["page"]["maximum"]) == (1, 10_000)
    assert params["page_size"]["anyOf"][0] == {
        "maximum": 100,
        "minimum": 1,
        "type": "integer",
    }
    assert params["trl"]["anyOf"][0] == {"maximum": 9, "minimum": 1, "type": "integer"}
    assert params["sort"]["enum"] == ["newest", "trl", "title"]
    error_body = {"$ref": "#/components/schemas/ErrorOut"}
    expected = {
        ("/api/v1/achievements", "get"): {"200", "400"},
        ("/api/v1/achievements", "post"): {"200", "201", "400", "401", "409"},
        ("/api/v1/achievements/{achievement_id}", "get"): {"200", "400", "404"},
        ("/api/v1/demands", "get"): {"200", "400"},
        ("/api/v1/demands/{demand_id}", "get"): {"200", "400", "404"},
    }
    for (path, method), statuses in expected.items():
        responses = spec["paths"][path][method]["responses"]
        assert set(responses) == statuses
        for status in statuses - {"200", "201"}:
            content = responses[status]["content"]["application/json"]
            assert content["schema"] == error_body
    submission = spec["paths"]["/api/v1/achievements"]["post"]["requestBody"]
    schema = submission["content"]["application/json"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["project_number", "title", "summary", "field", "trl"]
    assert set(spec["components"]["schemas"]["ErrorOut"]["required"]) == {
        "code",
        "message",
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1/achievements/5/", "/api/v1/v2/demands"]
)
def test_an_unknown_api_path_answers_the_api_404(client, db, path):
    # Before, the site's HTML "page not found" (or a redirect to it).
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "code": "not_found",
        "message": "接口地址不存在。",
        "errors": [],
    }
