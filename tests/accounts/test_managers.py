"""Technology managers 技术经理人: who may delegate one, what a delegation
lets the manager do (as the institution's team, on every surface), and that
it ends at once."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts import permissions
from accounts.enums import OrganizationKind, Role
from accounts.models import Delegation, User
from accounts.permissions import user_can
from accounts.services import AccountError, delegation_grant, delegation_revoke
from achievements.selectors import achievements_visible_to
from tests.factories import make_achievement, make_manager, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_org(kind=OrganizationKind.TRANSFER_OFFICE, name="某大学技术转移中心")


def fresh(user):
    """The user as the next request sees them."""
    return User.objects.get(pk=user.pk)


def test_a_delegated_manager_acts_for_the_institution_and_no_other(roles, office):
    users, orgs = roles
    manager, delegation = make_manager(
        institution=orgs["owner"], office=office, by=users["team"]
    )
    assert delegation.granted_by == users["team"]
    assert delegation.since == timezone.localdate()
    own_draft = make_achievement(owner=orgs["owner"], state="draft")
    other_draft = make_achievement(owner=orgs["other"], state="draft")
    assert permissions.organization_ids(manager, role=Role.TEAM) == {
        office.pk,
        orgs["owner"].pk,
    }
    assert permissions.own_organization_ids(manager) == {office.pk}
    assert user_can(manager, "achievement.edit", own_draft) is True
    assert user_can(manager, "achievement.submit", own_draft) is True
    assert user_can(manager, "achievement.edit", other_draft) is False
    visible = set(achievements_visible_to(user=manager).values_list("pk", flat=True))
    assert own_draft.pk in visible
    assert other_draft.pk not in visible
    assert permissions.acting_office_id(manager, orgs["owner"].pk) == office.pk
    assert permissions.acting_office_id(users["team"], orgs["owner"].pk) is None


def test_the_office_alone_cannot_take_a_delegation(roles, office):
    users, orgs = roles
    colleague = make_user(role=Role.TEAM, org=office)
    manager = make_user(role=Role.TEAM, org=office)
    for by in (colleague, manager, users["other_team"], users["investor"]):
        with pytest.raises(AccountError) as refused:
            delegation_grant(
                institution=orgs["owner"],
                manager=manager,
                office=office,
                since=None,
                until=None,
                by=by,
            )
        assert str(refused.value) == (
            "委托须由甲大学本机构的成员或组织方办理；技术转移机构不能自行取得委托。"
        )
    assert Delegation.objects.count() == 0
    assert permissions.organization_ids(fresh(manager)) == {office.pk}


def test_a_delegation_is_refused_with_a_reason_for_bad_input(roles, office):
    users, orgs = roles
    manager = make_user(role=Role.TEAM, org=office)
    stranger = make_user(role=Role.TEAM, org=make_org())
    team = users["team"]
    today = timezone.localdate()
    cases = [
        (
            {"manager": team},
            "不能委托自己为技术经理人，请由机构的其他成员或组织方办理。",
        ),
        ({"manager": stranger}, f"{stranger}不是某大学技术转移中心的成员。"),
        ({"office": orgs["fund"]}, "丙基金不是技术转移机构。"),
        (
            {"until": today - dt.timedelta(days=1)},
            "委托截止日不能早于起始日。",
        ),
        (
            {
                "since": today - dt.timedelta(days=9),
                "until": today - dt.timedelta(days=1),
            },
            "委托截止日已过。",
        ),
    ]
    for change, message in cases:
        args = {
            "institution": orgs["owner"],
            "manager": manager,
            "office": office,
            "since": None,
            "until": None,
            "by": team,
            **change,
        }
        with pytest.raises(AccountError) as refused:
            delegation_grant(**args)
        assert str(refused.value) == message
    with pytest.raises(AccountError) as refused:
        delegation_grant(
            institution=orgs["fund"],
            manager=manager,
            office=office,
            since=None,
            until=None,
            by=users["organizer"],
        )
    assert str(refused.value) == "只有高等学校和科研院所可以委托技术经理人。"
    assert Delegation.objects.count() == 0
    delegation_grant(
        institution=orgs["owner"],
        manager=manager,
        office=office,
        since=None,
        until=None,
        by=users["organizer"],
    )
    with pytest.raises(AccountError) as refused:
        delegation_grant(
            institution=orgs["owner"],
            manager=manager,
            office=office,
            since=None,
            until=None,
            by=team,
        )
    assert str(refused.value) == (
        f"{manager}已受甲大学委托（自 {today.isoformat()} 起）。"
    )
    assert Delegation.objects.count() == 1


def test_revoking_ends_the_delegation_at_once(roles, office):
    users, orgs = roles
    manager, delegation = make_manager(institution=orgs["owner"], office=office)
    draft = make_achievement(owner=orgs["owner"], state="draft")
    assert user_can(manager, "achievement.edit", draft) is True
    delegation_revoke(delegation=delegation, by=users["team"])
    # The next request, and a long-lived socket's user once it forgets.
    assert user_can(fresh(manager), "achievement.edit", draft) is False
    permissions.forget(manager)
    assert user_can(manager, "achievement.edit", draft) is False
    assert permissions.roles_of(manager) == {Role.TEAM}  # the office's own
    delegation.refresh_from_db()
    assert delegation.revoked_by == users["team"]
    with pytest.raises(AccountError) as refused:
        delegation_revoke(delegation=delegation, by=users["team"])
    assert str(refused.value) == "该委托已撤销。"


def test_only_the_institution_organizers_or_the_manager_revoke(roles, office):
    users, orgs = roles
    manager, delegation = make_manager(institution=orgs["owner"], office=office)
    colleague = make_user(role=Role.TEAM, org=office)
    for by in (colleague, users["other_team"]):
        with pytest.raises(AccountError) as refused:
            delegation_revoke(delegation=delegation, by=by)
        assert str(refused.value) == (
            "只有委托机构的成员、组织方或技术经理人本人可以撤销委托。"
        )
    delegation_revoke(delegation=delegation, by=manager)  # gives it up
    assert Delegation.objects.get().revoked_by == manager


def test_a_delegation_counts_only_within_its_dates(roles, office):
    users, orgs = roles
    manager = make_user(role=Role.TEAM, org=office)
    today = timezone.localdate()
    delegation_grant(
        institution=orgs["owner"],
        manager=manager,
        office=office,
        since=today + dt.timedelta(days=3),
        until=today + dt.timedelta(days=10),
        by=users["team"],
    )
    assert permissions.delegated_organization_ids(manager) == set()
    later = today + dt.timedelta(days=3)
    assert permissions.delegated_organization_ids(manager, on=later) == {
        orgs["owner"].pk
    }
    after = today + dt.timedelta(days=11)
    assert permissions.delegated_organization_ids(manager, on=after) == set()


def test_a_manager_who_leaves_the_office_acts_for_no_one(roles, office):
    users, orgs = roles
    manager, _delegation = make_manager(institution=orgs["owner"], office=office)
    manager.memberships.all().delete()
    assert permissions.organization_ids(fresh(manager)) == set()


def test_the_manager_works_on_every_surface_of_the_institution(roles, office):
    from types import SimpleNamespace

    from events.enums import SlotKind
    from events.models import Slot
    from matchmaking.rules import sides_of
    from tests.factories.events import make_roadshow
    from tracker.services import deal_create

    users, orgs = roles
    manager, delegation = make_manager(institution=orgs["owner"], office=office)
    achievement = make_achievement(owner=orgs["owner"], state="public")
    other = make_achievement(owner=orgs["other"], state="public")
    roadshow = make_roadshow()
    slot = Slot.objects.create(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        achievement=achievement,
        team=orgs["owner"],
        position=1,
    )
    other_slot = Slot.objects.create(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        achievement=other,
        team=orgs["other"],
        position=2,
    )
    deal = deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
    )
    other_deal = deal_create(
        by=users["organizer"],
        achievement=other,
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
    )
    request = SimpleNamespace(team_org_id=orgs["owner"].pk, investor_org_id=0)
    other_request = SimpleNamespace(team_org_id=orgs["other"].pk, investor_org_id=0)
    assert user_can(manager, "slot.materials", slot) is True
    assert user_can(manager, "slot.materials", other_slot) is False
    assert sides_of(manager, request) == {"team"}
    assert sides_of(manager, other_request) == set()
    assert user_can(manager, "deal.view", deal) is True
    assert user_can(manager, "deal.move", deal) is True
    assert user_can(manager, "deal.view", other_deal) is False
    assert user_can(manager, "call.apply", achievement) is True
    assert user_can(manager, "call.apply", other) is False
    delegation_revoke(delegation=delegation, by=users["organizer"])
    manager = fresh(manager)
    assert user_can(manager, "slot.materials", slot) is False
    assert sides_of(manager, request) == set()
    assert user_can(manager, "deal.view", deal) is False
    assert user_can(manager, "call.apply", achievement) is False


def test_the_team_grants_and_revokes_from_its_workspace(client, roles, office):
    users, orgs = roles
    manager = make_user(role=Role.TEAM, org=office, username="manager")
    client.force_login(users["team"])
    page = client.get("/workspace/delegations/")
    assert page.status_code == 200
    assert "委托技术经理人" in page.content.decode()
    refused = client.post(
        "/workspace/delegations/grant/",
        {
            "grant-institution": orgs["owner"].pk,
            "grant-manager": "nobody-such",
            "grant-office": office.pk,
        },
    )
    assert refused.status_code == 400
    assert "没有用户名或邮箱为“nobody-such”的用户。" in refused.content.decode()
    done = client.post(
        "/workspace/delegations/grant/",
        {
            "grant-institution": orgs["owner"].pk,
            "grant-manager": "manager",
            "grant-office": office.pk,
        },
    )
    assert done.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.institution, delegation.manager, delegation.office) == (
        orgs["owner"],
        manager,
        office,
    )
    workspace = client.get("/workspace/").content.decode()
    assert "某大学技术转移中心" in workspace
    client.force_login(manager)
    workspace = client.get("/workspace/").content.decode()
    assert "代理机构" in workspace and "甲大学" in workspace
    client.force_login(users["team"])
    assert (
        client.post(
            "/workspace/delegations/revoke/", {"delegation": delegation.pk}
        ).status_code
        == 302
    )
    delegation.refresh_from_db()
    assert delegation.revoked_by == users["team"]


def test_an_office_member_cannot_grant_from_the_workspace(client, roles, office):
    users, orgs = roles
    manager = make_user(role=Role.TEAM, org=office, username="manager")
    client.force_login(manager)
    refused = client.post(
        "/workspace/delegations/grant/",
        {
            "grant-institution": orgs["owner"].pk,
            "grant-manager": "manager",
            "grant-office": office.pk,
        },
    )
    assert refused.status_code == 400
    assert Delegation.objects.count() == 0


def test_organizers_grant_from_the_admin(client, roles, office):
    users, orgs = roles
    manager = make_user(role=Role.TEAM, org=office, username="manager")
    client.force_login(users["organizer"])
    assert client.get("/admin/delegations/").status_code == 200
    done = client.post(
        "/admin/delegations/grant/",
        {
            "institution": orgs["other"].pk,
            "manager": "manager",
            "office": office.pk,
            "until": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert done.status_code == 302
    assert Delegation.objects.get().granted_by == users["organizer"]
    assert permissions.organization_ids(fresh(manager)) == {
        office.pk,
        orgs["other"].pk,
    }
    client.force_login(users["team"])
    assert client.get("/admin/delegations/").status_code in (302, 403)
