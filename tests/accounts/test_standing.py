"""An investor who is waiting is told where they stand, what they can do now,
what approval unlocks and how long it usually takes; nobody who may not do
something ends on a bare refusal."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from accounts.models import Membership, Organization
from accounts.standing import typical_review_days, waiting
from tests.factories import make_org, make_user

BANNER = "投资方资格正在审核中"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_a_pending_investor_sees_a_banner_everywhere_and_the_details_in_the_workspace(
    client, roles
):
    users, _orgs = roles
    client.force_login(users["pending_investor"])
    catalogue = text(client.get("/achievements/"))
    assert "“丁基金”的" + BANNER in catalogue
    assert "现在能做什么、审核需要多久" in catalogue
    workspace = text(client.get("/workspace/"))
    assert "“丁基金”正在审核中" in workspace
    # Fewer than five decisions on record: the organizers' stated target.
    assert "组织方通常在 3 个工作日内完成审核" in workspace
    assert "报名投资方专场路演" in workspace and "报名公开路演" in workspace
    assert BANNER not in workspace  # the card says it; no banner on top of it


@pytest.mark.django_db
def test_the_review_time_quoted_is_measured_once_there_are_enough_decisions(roles):
    now = timezone.now()
    for days in (1, 2, 2, 3, 9):
        org = make_org(
            kind=OrganizationKind.MARKET_FUND, investor_status=InvestorStatus.APPROVED
        )
        Organization.objects.filter(pk=org.pk).update(
            created_at=now - dt.timedelta(days=days + 1),
            investor_decided_at=now - dt.timedelta(days=1),
        )
    # An old decision (outside the half year) does not count.
    old = make_org(investor_status=InvestorStatus.REJECTED)
    Organization.objects.filter(pk=old.pk).update(
        created_at=now - dt.timedelta(days=400),
        investor_decided_at=now - dt.timedelta(days=300),
    )
    assert typical_review_days(now) == (2, True)


@pytest.mark.django_db
def test_a_colleague_waiting_and_a_rejected_organization_are_told_so(client, roles):
    users, orgs = roles
    colleague = make_user(username="colleague")
    Membership.objects.create(
        user=colleague, organization=orgs["fund"], role=Role.INVESTOR, approved=False
    )
    assert [w.state for w in waiting(colleague)] == ["colleague"]
    client.force_login(colleague)
    assert "您在“丙基金”的投资方身份正等待组织方批准" in text(
        client.get("/achievements/")
    )

    turned_down = make_org(
        kind=OrganizationKind.MARKET_FUND, investor_status=InvestorStatus.REJECTED
    )
    Organization.objects.filter(pk=turned_down.pk).update(
        investor_reject_reason="统一社会信用代码与名称不符"
    )
    rejected = make_user(role=Role.INVESTOR, org=turned_down, username="rejected")
    client.force_login(rejected)
    page = text(client.get("/workspace/"))
    assert "投资方申请未获批准" in page
    assert "原因：统一社会信用代码与名称不符" in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["investor", "team", "organizer", "nobody"])
def test_nobody_else_sees_the_banner(client, roles, who):
    users, _orgs = roles
    client.force_login(users[who])
    assert waiting(users[who]) == []
    assert BANNER not in text(client.get("/achievements/"))
    assert "投资方资格审核" not in text(client.get("/workspace/"))


@pytest.mark.django_db
def test_registering_an_interest_explains_instead_of_a_bare_refusal(client, roles):
    users, _orgs = roles
    client.force_login(users["pending_investor"])
    workspace = client.get("/workspace/").content.decode()
    assert 'href="/deals/new/"' not in workspace  # not offered
    refused = client.get("/deals/new/")
    assert refused.status_code == 403
    page = text(refused)
    assert "审核通过后开放" in page and "这项功能只向已批准的投资方开放" in page
    assert "登记合作意向，跟踪成果转化进展" in page
    # An approved investor is offered the picker.
    client.force_login(users["investor"])
    assert client.get("/deals/new/").status_code == 200


@pytest.mark.django_db
def test_any_other_refusal_offers_a_way_on(client, roles):
    users, _orgs = roles
    client.force_login(users["team"])
    refused = client.get("/deals/?format=xlsx")
    assert refused.status_code == 403
    page = text(refused)
    assert "请联系您所在机构的管理人员或路演组织方" in page
    assert "返回工作台" in page


@pytest.mark.django_db
def test_sign_up_says_what_is_open_now_and_what_approval_unlocks(client):
    page = text(client.get("/accounts/signup/"))
    assert "注册后即可" in page and "报名公开路演" in page
    assert "审核通过后还可以" in page and "报名投资方专场路演" in page
