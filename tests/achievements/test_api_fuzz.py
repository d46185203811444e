"""/api/v1/ under hostile input: property-based fuzzing from its own OpenAPI
description (schemathesis), with confidential achievements in the database
(and in the programme of an investors-only roadshow)."""

import json
import secrets

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import CHECKS

from accounts.models import ApiToken
from achievements.models import Demand, IndustryField, Province
from tests.factories import make_achievement

SEED = 20260712

# The application as Daphne serves it (same URLconf and middleware), called
# in-process so that it sees the test's transaction.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=schemathesis.Config(seed=SEED),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: the end of a request must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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


@pytest.fixture
def confidential(roles):
    """Public records, and the confidential ones nobody outside may see."""
    _users, orgs = roles
    public = make_achievement(
        owner=orgs["owner"], title="公开的成果", project_number="PUB-1"
    )
    hidden = [
        make_achievement(
            owner=orgs["other"],
            state=state,
            title=f"保密成果{state}",
            project_number=f"SECRET-{state.upper()}-0001",
        )
        for state in ("restricted", "withheld", "draft", "submitted")
    ]
    common = {
        "organization": orgs["enterprise"],
        "field": IndustryField.objects.get(code="new-materials"),
        "description": "需求描述",
        "province": Province.objects.get(code="32"),
    }
    Demand.objects.create(title="公开的需求", status="published", **common)
    Demand.objects.create(title="草稿需求保密", status="draft", **common)
    # Roadshows: an investors-only one pitching the restricted achievement
    # beside a public one, and a draft nobody outside may know of.
    from django.utils import timezone

    from events.services import slot_add
    from tests.factories.events import make_roadshow

    closed_door = make_roadshow(
        lead_host=orgs["torch"],
        title="投资方专场",
        investors_only=True,
        status="published",
        first_published_at=timezone.now(),
    )
    for achievement in (hidden[0], public):
        slot_add(
            roadshow=closed_door,
            kind="pitch",
            duration_minutes=20,
            achievement=achievement,
        )
    make_roadshow(lead_host=orgs["torch"], title="草稿路演保密")
    words = [a.title for a in hidden] + [a.project_number for a in hidden]
    return [*words, "草稿需求保密", "草稿路演保密"]


@pytest.fixture
def callers(roles):
    """Anonymous, and an investor whose approval is still pending."""
    users, _orgs = roles
    client = Client()
    client.force_login(users["pending_investor"])
    name = django_settings.SESSION_COOKIE_NAME
    return {"anonymous": {}, "pending": {name: client.cookies[name].value}}


def assert_discloses_nothing(response, words, *, caller):
    text = response.text
    # schemathesis keeps headers with lowercase names and lists of values.
    if "json" in "".join(response.headers.get("content-type", [])):
        # JSON escapes Chinese: compare with the decoded body as well.
        text += json.dumps(response.json(), ensure_ascii=False)
    leaked = [w for w in words if w in text]
    assert not leaked, f"{response.request.url} disclosed {leaked} to {caller}"


@schema.parametrize()
@seed(SEED)
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_description(case, token, confidential, callers):
    if case.operation.method.upper() == "POST":
        # A body can conform to the JSON Schema and still name an unknown
        # field or province (the importer's rules): positive data may be 400.
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            excluded_checks=[CHECKS.get_by_names(["positive_data_acceptance"])[0]],
        )
        assert_discloses_nothing(response, confidential, caller="a team's token")
        return
    for caller, cookies in callers.items():
        response = case.call_and_validate(cookies=cookies)
        assert_discloses_nothing(response, confidential, caller=caller)


@pytest.mark.parametrize("caller", ["anonymous", "pending"])
def test_confidential_records_are_unknown_to_outsiders(client, roles, caller):
    """The fuzzing rarely hits their ids: ask for each one by id and by text."""
    users, orgs = roles
    if caller == "pending":
        client.force_login(users["pending_investor"])
    hidden = {
        state: make_achievement(
            owner=orgs["other"], state=state, title=f"保密成果{state}"
        )
        for state in ("restricted", "withheld", "draft", "submitted")
    }
    for state, achievement in hidden.items():
        response = client.get(f"/api/v1/achievements/{achievement.pk}")
        assert response.status_code == 404, state
        assert response.json() == {
            "code": "not_found",
            "message": "成果不存在或无权查看。",
            "errors": [],
        }
        for params in (
            {"q": achievement.title},
            {"programme": achievement.source_programme},
        ):
            listing = client.get("/api/v1/achievements", params).json()
            assert listing == {"items": [], "count": 0}, (state, params)
