import pytest

from accounts import permissions
from accounts.permissions import user_can
from tests.factories import make_achievement


def test_roles_come_from_memberships(roles):
    users, _orgs = roles
    assert permissions.roles_of(users["organizer"]) == {"organizer"}
    assert permissions.is_approved_investor(users["investor"])
    assert not permissions.is_approved_investor(users["pending_investor"])
    assert permissions.roles_of(users["nobody"]) == set()


def test_inactive_user_has_no_roles(roles):
    users, _orgs = roles
    organizer = users["organizer"]
    organizer.is_active = False
    assert permissions.roles_of(organizer) == set()
    assert not user_can(organizer, "admin.access")


def test_unknown_action_is_an_error(roles):
    users, _orgs = roles
    with pytest.raises(KeyError):
        user_can(users["organizer"], "achievement.teleport")


@pytest.mark.parametrize(
    ("who", "edit", "review", "history"),
    [
        ("organizer", True, False, True),
        ("reviewer", False, True, True),
        ("team", True, False, True),
        ("other_team", False, False, False),
        ("investor", False, False, False),
    ],
)
def test_achievement_rules(roles, who, edit, review, history):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="submitted")
    assert user_can(users[who], "achievement.edit", a) is edit
    assert user_can(users[who], "achievement.review", a) is review
    assert user_can(users[who], "achievement.history", a) is history


def test_wagtail_admin_gate_follows_roles(roles, client):
    users, _orgs = roles
    client.force_login(users["organizer"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    client.force_login(users["reviewer"])
    assert client.get("/admin/").status_code == 302


def test_login_page_and_workspace(roles, client):
    users, _orgs = roles
    response = client.post(
        "/accounts/login/", {"username": "team", "password": "wrong"}
    )
    assert "请输入一个正确的" in response.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "team", "password": "pw-123456"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/workspace/"
    assert "我的成果" in response.content.decode()
