"""One click on a region roadshow's invitations page invites the
institutions of the provinces paired with it (结对), through the
invitations' own sending: no second invitation where one is live."""

import pytest
from django.core import mail

from accounts.enums import InvestorStatus, OrganizationKind
from achievements.models import Province
from invitations.enums import InvitationSource
from invitations.models import Invitation
from tests.events.test_pairs import located, pair
from tests.factories import make_org
from tests.factories.invitations import invite, make_bank, make_published_roadshow

pytestmark = pytest.mark.django_db


def test_one_click_invites_the_paired_provinces_institutions(
    client, roles, django_capture_on_commit_callbacks
):
    users, orgs = roles
    pair("52", "44")
    roadshow = make_published_roadshow(
        lead_host=orgs["torch"],
        kind="region",
        field=None,
        province=Province.objects.get(code="52"),
        title="贵州区域路演",
    )
    located(make_bank("广发银行", contact_email="gf@bank.example"), "44")
    firm = make_org(kind=OrganizationKind.ENTERPRISE, name="广州某公司")
    firm.contact_email = "gz@firm.example"
    located(firm, "44")
    invited = located(make_bank("招商银行", contact_email="cmb@bank.example"), "44")
    located(make_org(kind=OrganizationKind.UNIVERSITY, name="中山大学"), "44")
    located(make_bank("贵阳银行", contact_email="gy@bank.example"), "52")
    fund = make_org(
        kind=OrganizationKind.MARKET_FUND,
        name="深圳某基金",
        investor_status=InvestorStatus.APPROVED,
    )
    located(fund, "44")  # no contact email: said, not invited
    invite(roadshow=roadshow, organization=invited, by=users["organizer"])

    client.force_login(users["organizer"])
    url = f"/admin/roadshows/{roadshow.pk}/invitations/"
    page = client.get(url).content.decode()
    assert "邀请结对省份的机构" in page and "贵州省 ↔ 广东省" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "invite-pair/", follow=True)
    body = response.content.decode()
    assert "已向 2 家机构发出邀请。" in body
    assert "已受邀，未重复邀请：招商银行" in body
    assert "没有联系邮箱，请逐个邀请：深圳某基金" in body
    made = Invitation.objects.filter(batch__source=InvitationSource.PAIR)
    assert sorted(i.organization.name for i in made) == ["广发银行", "广州某公司"]
    assert Invitation.objects.filter(organization=invited).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gf@bank.example",
        "gz@firm.example",
    ]
    # A second click invites nobody twice.
    again = client.post(url + "invite-pair/", follow=True).content.decode()
    assert "已受邀，未重复邀请：" in again
    assert Invitation.objects.filter(roadshow=roadshow).count() == 3


def test_the_pair_button_is_the_organizers_and_needs_a_pair(client, roles):
    users, orgs = roles
    roadshow = make_published_roadshow(
        lead_host=orgs["torch"],
        kind="region",
        field=None,
        province=Province.objects.get(code="52"),
    )
    url = f"/admin/roadshows/{roadshow.pk}/invitations/"
    client.force_login(users["organizer"])
    assert "邀请结对省份的机构" not in client.get(url).content.decode()
    response = client.post(url + "invite-pair/", follow=True)
    assert "本场路演的省份或园区没有结对。" in response.content.decode()
    pair("52", "44")
    client.force_login(users["team"])
    assert client.post(url + "invite-pair/").status_code in (302, 403)
    assert not Invitation.objects.exists()
