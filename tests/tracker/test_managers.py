"""A technology manager on a deal: acts for the owner while delegated, and
the deal shows the office that handles it."""

import pytest

from accounts.enums import OrganizationKind
from accounts.models import User
from accounts.permissions import user_can
from accounts.services import delegation_revoke
from tests.factories import make_achievement, make_manager, make_org
from tracker.services import deal_create, deal_note

pytestmark = pytest.mark.django_db


def test_a_managers_office_handles_the_deal_it_registers(client, roles):
    users, orgs = roles
    office = make_org(kind=OrganizationKind.TRANSFER_OFFICE, name="某技术转移中心")
    manager, delegation = make_manager(institution=orgs["owner"], office=office)
    deal = deal_create(
        by=manager,
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
    )
    assert (deal.office, deal.manager) == (office, manager)
    client.force_login(users["enterprise"])
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "承办机构（技术转移机构）" in page and "某技术转移中心" in page
    delegation_revoke(delegation=delegation, by=users["team"])
    client.force_login(manager)
    assert client.get(f"/deals/{deal.pk}/").status_code == 404
    assert user_can(User.objects.get(pk=manager.pk), "deal.move", deal) is False


def test_a_deal_the_team_registered_gets_the_office_when_the_manager_acts(roles):
    users, orgs = roles
    office = make_org(kind=OrganizationKind.TRANSFER_OFFICE)
    manager, _delegation = make_manager(institution=orgs["owner"], office=office)
    deal = deal_create(
        by=users["team"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
    )
    assert deal.office is None
    deal_note(deal_id=deal.pk, by=users["enterprise"], note="对方询问报价")
    deal.refresh_from_db()
    assert deal.office is None  # the counterparty is no manager of the owner
    deal_note(deal_id=deal.pk, by=manager, note="已发送技术说明")
    deal.refresh_from_db()
    assert (deal.office, deal.manager) == (office, manager)
