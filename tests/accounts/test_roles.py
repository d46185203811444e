"""Roles do not spread by themselves (#12, finding 9): colleagues get team or
investor roles only, an investor's colleague waits for an organizer (or the
organizers' rule for the organization), and organizer and reviewer roles are
granted by organizers, every change recorded."""

import pytest

from accounts.enums import Role, RoleChangeKind
from accounts.models import Membership, RoleChange, User
from tests.factories import make_achievement

pytestmark = pytest.mark.django_db


def colleague(org, username="colleague"):
    return {
        "organization": org.pk,
        "username": username,
        "name": "李同事",
        "email": f"{username}@example.cn",
        "password1": "Roadshow-2026-abc",
        "password2": "Roadshow-2026-abc",
    }


@pytest.mark.parametrize("adder", ["organizer", "reviewer"])
def test_a_colleague_is_never_given_an_organizer_or_reviewer_role(client, roles, adder):
    users, orgs = roles
    client.force_login(users[adder])
    response = client.post("/workspace/members/", colleague(orgs["torch"]))
    assert response.status_code == 400
    assert (
        "组织方和保密审查员角色只能由组织方在管理后台授予，不能由同事添加。"
        in response.content.decode()
    )
    assert not User.objects.filter(username="colleague").exists()
    assert not RoleChange.objects.exists()


def test_a_team_member_adds_a_team_colleague(client, roles):
    users, orgs = roles
    client.force_login(users["team"])
    response = client.post("/workspace/members/", colleague(orgs["owner"]))
    assert response["Location"] == "/workspace/members/"
    membership = Membership.objects.get(user__username="colleague")
    assert (membership.role, membership.approved, membership.added_by) == (
        Role.TEAM,
        True,
        users["team"],
    )
    assert list(RoleChange.objects.values_list("kind", "role", "by__username")) == [
        (RoleChangeKind.GRANTED, Role.TEAM, "team")
    ]


def test_an_investors_colleague_sees_restricted_achievements_once_approved(
    client, roles
):
    users, orgs = roles
    secret = make_achievement(owner=orgs["owner"], state="restricted", title="限定成果")
    client.force_login(users["investor"])
    assert client.get(f"/achievements/{secret.pk}/").status_code == 200
    response = client.post("/workspace/members/", colleague(orgs["fund"]))
    assert response["Location"] == "/workspace/members/"
    assert "李同事" in client.get("/workspace/members/").content.decode()
    assert "待组织方批准" in client.get("/workspace/members/").content.decode()

    new = User.objects.get(username="colleague")
    client.force_login(new)
    assert client.get(f"/achievements/{secret.pk}/").status_code == 404
    assert "限定成果" not in client.get("/achievements/").content.decode()

    client.force_login(users["organizer"])
    page = client.get("/admin/approvals/").content.decode()
    assert "待批准的同事" in page and "colleague@example.cn" in page
    membership = Membership.objects.get(user=new)
    response = client.post(
        "/admin/approvals/members/",
        {"membership": membership.pk, "decision": "approve"},
    )
    assert response["Location"] == "/admin/approvals/"
    membership.refresh_from_db()
    assert membership.approved

    client.force_login(new)
    assert client.get(f"/achievements/{secret.pk}/").status_code == 200
    assert list(
        RoleChange.objects.order_by("pk").values_list(
            "kind", "role", "user__username", "by__username"
        )
    ) == [
        (RoleChangeKind.GRANTED, Role.INVESTOR, "colleague", "investor"),
        (RoleChangeKind.APPROVED, Role.INVESTOR, "colleague", "organizer"),
    ]


def test_an_approval_counts_at_the_colleagues_next_request(client, roles):
    """The cached memberships carry the member's approval (and drop it)."""
    users, orgs = roles
    secret = make_achievement(owner=orgs["owner"], state="restricted")
    client.force_login(users["investor"])
    client.post("/workspace/members/", colleague(orgs["fund"]))
    new = User.objects.get(username="colleague")
    client.force_login(new)
    assert client.get(f"/achievements/{secret.pk}/").status_code == 404
    membership = Membership.objects.get(user=new)
    membership.approved = True
    membership.save()
    assert client.get(f"/achievements/{secret.pk}/").status_code == 200
    membership.approved = False
    membership.save()
    assert client.get(f"/achievements/{secret.pk}/").status_code == 404


def test_an_organizer_refuses_a_colleague(client, roles):
    users, orgs = roles
    client.force_login(users["investor"])
    client.post("/workspace/members/", colleague(orgs["fund"]))
    membership = Membership.objects.get(user__username="colleague")
    client.force_login(users["organizer"])
    client.post(
        "/admin/approvals/members/", {"membership": membership.pk, "decision": "reject"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert RoleChange.objects.filter(
        kind=RoleChangeKind.REJECTED, by=users["organizer"]
    ).exists()
    response = client.post(
        "/admin/approvals/members/",
        {"membership": membership.pk, "decision": "approve"},
        follow=True,
    )
    assert "该成员不在待批准队列中。" in response.content.decode()


def test_colleagues_are_approved_at_once_when_organizers_set_the_rule(client, roles):
    users, orgs = roles
    secret = make_achievement(owner=orgs["owner"], state="restricted")
    client.force_login(users["investor"])
    response = client.post(
        "/admin/approvals/auto/", {"organization": orgs["fund"].pk, "enabled": "on"}
    )
    orgs["fund"].refresh_from_db()
    assert not orgs["fund"].colleagues_auto_approved  # not an investor's to set
    client.force_login(users["organizer"])
    response = client.post(
        "/admin/approvals/auto/", {"organization": orgs["fund"].pk, "enabled": "on"}
    )
    assert response["Location"] == "/admin/approvals/"
    orgs["fund"].refresh_from_db()
    assert orgs["fund"].colleagues_auto_approved
    client.force_login(users["investor"])
    client.post("/workspace/members/", colleague(orgs["fund"]))
    client.force_login(User.objects.get(username="colleague"))
    assert client.get(f"/achievements/{secret.pk}/").status_code == 200


def test_organizers_grant_and_revoke_roles_on_record(client, roles):
    users, orgs = roles
    client.force_login(users["organizer"])
    response = client.post(
        "/admin/roles/grant/",
        {"username": "team", "organization": orgs["torch"].pk, "role": "reviewer"},
    )
    assert response["Location"] == "/admin/roles/"
    granted = Membership.objects.get(user=users["team"], role=Role.REVIEWER)
    page = client.get("/admin/roles/").content.decode()
    assert "变更记录" in page and "保密审查员" in page
    response = client.post(
        "/admin/roles/grant/",
        {
            "username": "nobody-here",
            "organization": orgs["torch"].pk,
            "role": "organizer",
        },
    )
    assert response.status_code == 400
    assert "没有用户名为“nobody-here”的用户。" in response.content.decode()
    client.post("/admin/roles/revoke/", {"membership": granted.pk})
    assert not Membership.objects.filter(pk=granted.pk).exists()
    assert list(
        RoleChange.objects.order_by("pk").values_list(
            "kind", "role", "user__username", "organization__name", "by__username"
        )
    ) == [
        (RoleChangeKind.GRANTED, Role.REVIEWER, "team", "火炬中心", "organizer"),
        (RoleChangeKind.REVOKED, Role.REVIEWER, "team", "火炬中心", "organizer"),
    ]


@pytest.mark.parametrize("who", ["reviewer", "investor", "team"])
def test_only_organizers_grant_roles(client, roles, who):
    users, orgs = roles
    client.force_login(users[who])
    response = client.post(
        "/admin/roles/grant/",
        {
            "username": users[who].username,
            "organization": orgs["torch"].pk,
            "role": "organizer",
        },
    )
    assert response["Location"].startswith("/admin/login/")  # not admin at all
    assert not Membership.objects.filter(user=users[who], role=Role.ORGANIZER).exists()
    assert not RoleChange.objects.exists()


def test_the_users_admin_makes_no_superusers(client, roles):
    """A superuser counts as an organizer: not a switch in the users admin,
    where the grant would go unrecorded."""
    users, _orgs = roles
    team = users["team"]
    client.force_login(users["organizer"])
    assert client.get("/admin/users/new/").status_code == 200
    page = client.get(f"/admin/users/edit/{team.pk}/").content.decode()
    assert 'name="is_superuser"' not in page
    response = client.post(
        f"/admin/users/edit/{team.pk}/",
        {
            "username": "team",
            "email": "team@example.edu.cn",
            "first_name": "团队",
            "last_name": "成员",
            "is_active": "on",
            "is_superuser": "on",
            "password1": "",
            "password2": "",
        },
    )
    assert response["Location"] == "/admin/users/"
    team.refresh_from_db()
    assert (team.email, team.is_superuser) == ("team@example.edu.cn", False)


def test_an_unapproved_colleague_passes_on_no_approval(client, roles):
    users, orgs = roles
    client.force_login(users["investor"])
    client.post("/workspace/members/", colleague(orgs["fund"]))
    orgs["fund"].colleagues_auto_approved = True
    orgs["fund"].save()
    client.force_login(User.objects.get(username="colleague"))
    assert "待组织方批准" in client.get("/workspace/").content.decode()
    client.post("/workspace/members/", colleague(orgs["fund"], username="second"))
    assert list(
        Membership.objects.filter(organization=orgs["fund"])
        .order_by("user__username")
        .values_list("user__username", "approved")
    ) == [("colleague", False), ("investor", True), ("second", False)]
