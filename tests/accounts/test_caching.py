"""The signed-in user and their roles are read from the shared cache, not
the database, on each request — and every change to them takes effect on
the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.enums import InvestorStatus, Role
from accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_roles_and_user_are_not_read_again_on_each_request(client, roles):
    users, _orgs = roles
    client.force_login(users["organizer"])
    client.get("/deals/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/deals/").status_code == 200
    tables = " ".join(q["sql"] for q in queries)
    assert 'AS "role"' not in tables  # permissions._memberships' read
    assert 'FROM "accounts_user" WHERE "accounts_user"."id" =' not in tables


def test_a_role_given_or_taken_counts_at_the_next_request(client, roles):
    users, orgs = roles
    client.force_login(users["team"])
    assert client.get("/deals/dashboard/").status_code == 403
    membership = Membership.objects.create(
        user=users["team"], organization=orgs["torch"], role=Role.ORGANIZER
    )
    assert client.get("/deals/dashboard/").status_code == 200
    membership.delete()
    assert client.get("/deals/dashboard/").status_code == 403


def test_an_investor_status_change_counts_at_the_next_request(client, roles):
    from tests.factories import make_achievement

    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    client.force_login(users["investor"])
    url = f"/deals/new/?achievement={achievement.pk}"
    assert client.get(url).status_code == 200
    orgs["fund"].investor_status = InvestorStatus.REJECTED
    orgs["fund"].save()
    assert client.get(url).status_code == 403


def test_a_deactivated_or_repassworded_user_is_signed_out_at_once(client, roles):
    users, _orgs = roles
    user = users["team"]
    client.force_login(user)
    assert client.get("/workspace/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/workspace/").status_code == 302
    user.is_active = True
    user.save()
    client.force_login(user)
    assert client.get("/workspace/").status_code == 200
    user.set_password("a-new-Passw0rd-2026")
    user.save()
    assert client.get("/workspace/").status_code == 302
