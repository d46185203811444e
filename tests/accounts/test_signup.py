"""Investor and demand-side sign-up, email confirmation, approval, lockout."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.credit_code import validate_credit_code
from accounts.enums import InvestorStatus
from accounts.models import Organization, User
from tests.factories import make_achievement

VALID = "91350100M000100Y43"


@pytest.mark.parametrize("code", [VALID, "91110000802100433B", " 91350100m000100y43 "])
def test_valid_credit_codes(code):
    validate_credit_code(code.strip().upper())


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y44", "校验位不正确"),
        ("91350100M000100Y4", "应为 18 位"),
        ("91350100M0001O0Y43", "无效字符“O”"),
        ("913501A0M000100Y43", "行政区划代码"),
    ],
)
def test_invalid_credit_codes(code, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert fragment in exc.value.messages[0]


def form(**overrides):
    data = {
        "username": "fund_zhang",
        "name": "张经理",
        "email": "zhang@fund.example.cn",
        "password1": "Roadshow-2026-xyz",
        "password2": "Roadshow-2026-xyz",
        "organization_name": "华南科创基金",
        "kind": "market_fund",
        "credit_code": VALID,
        "phone": "020-12345678",
    }
    data.update(overrides)
    return data


def test_sign_up_confirm_approve_then_see_restricted(
    client, roles, django_capture_on_commit_callbacks
):
    users, orgs = roles
    secret = make_achievement(owner=orgs["owner"], state="restricted", title="限定成果")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", form())
    assert response.status_code == 200 and "确认邮件已发送" in response.content.decode()
    user = User.objects.get(username="fund_zhang")
    org = Organization.objects.get(name="华南科创基金")
    assert (user.is_active, org.investor_status) == (False, InvestorStatus.PENDING)
    link = re.search(r"http://testserver(/accounts/confirm/\S+/)", mail.outbox[0].body)[
        1
    ]
    assert (
        client.post(
            "/accounts/login/",
            {"username": "fund_zhang", "password": "Roadshow-2026-xyz"},
        ).status_code
        == 200
    )
    response = client.get(link, follow=True)
    assert "邮箱已确认" in response.content.decode()
    assert (
        f"/achievements/{secret.pk}/"
        not in client.get("/achievements/").content.decode()
    )

    client.force_login(users["organizer"])
    page = client.get("/admin/approvals/").content.decode()
    assert "华南科创基金" in page and VALID in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/approvals/", {"organization": org.pk, "decision": "approve"}
        )
    org.refresh_from_db()
    assert org.investor_status == InvestorStatus.APPROVED
    assert org.investor_decided_by == users["organizer"]
    assert mail.outbox[-1].to == ["zhang@fund.example.cn"]
    assert "已通过" in mail.outbox[-1].subject
    client.force_login(user)
    assert client.get(f"/achievements/{secret.pk}/").status_code == 200


def test_reject_needs_a_reason_and_tells_the_applicant(
    client, roles, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", form())
    org = Organization.objects.get(name="华南科创基金")
    client.force_login(users["organizer"])
    response = client.post(
        "/admin/approvals/", {"organization": org.pk, "decision": "reject"}, follow=True
    )
    assert "拒绝时必须填写原因" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/approvals/",
            {"organization": org.pk, "decision": "reject", "reason": "材料不全"},
        )
    org.refresh_from_db()
    assert (org.investor_status, org.investor_reject_reason) == ("rejected", "材料不全")
    assert "材料不全" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"credit_code": "91350100M000100Y44"}, "校验位不正确"),
        ({"password2": "other"}, "两次输入的密码不一致"),
        ({"password1": "123", "password2": "123"}, "密码"),
        ({"email": "not-an-email"}, "有效的 Email 地址"),
        ({"kind": "university"}, "选择一个有效的选项"),
    ],
)
def test_bad_sign_ups_are_refused_in_chinese(client, db, overrides, fragment):
    response = client.post("/accounts/signup/", form(**overrides))
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not User.objects.filter(username="fund_zhang").exists()
    assert not Organization.objects.filter(name="华南科创基金").exists()


def test_a_registered_credit_code_cannot_sign_up_again(client, db):
    client.post("/accounts/signup/", form())
    response = client.post(
        "/accounts/signup/", form(username="other", organization_name="另一家")
    )
    assert "已经注册" in response.content.decode()
    assert User.objects.filter(username="other").count() == 0


def test_tampered_confirmation_link_is_refused(client, db):
    response = client.get("/accounts/confirm/not-a-token/")
    assert response.status_code == 400
    assert "确认链接无效" in response.content.decode()


def test_repeated_failures_lock_the_login(client, roles, settings):
    """From one address (the username alone waits a delay: test_ratelimit)."""
    users, _orgs = roles
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"team{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "team", "password": "pw-123456"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link(client, roles):
    users, _orgs = roles
    users["team"].email = "team@example.edu.cn"
    users["team"].save()
    response = client.post(
        "/accounts/password-reset/", {"email": "team@example.edu.cn"}
    )
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox[-1].to == ["team@example.edu.cn"]
    assert "/accounts/reset/" in mail.outbox[-1].body


def test_first_user_adds_a_colleague(client, roles):
    users, orgs = roles
    client.force_login(users["investor"])
    response = client.post(
        "/workspace/members/",
        {
            "organization": orgs["fund"].pk,
            "username": "colleague",
            "name": "李同事",
            "email": "li@fund.example.cn",
            "password1": "Roadshow-2026-abc",
            "password2": "Roadshow-2026-abc",
        },
    )
    assert response.status_code == 302
    colleague = User.objects.get(username="colleague")
    assert list(colleague.memberships.values_list("organization__name", "role")) == [
        ("丙基金", "investor")
    ]


def test_investor_fills_in_the_investment_profile(client, roles):
    from achievements.models import IndustryField, InvestorProfile, Province

    users, orgs = roles
    client.force_login(users["investor"])
    assert "填写投资偏好" in client.get("/workspace/").content.decode()
    data = {
        "industries": [IndustryField.objects.get(code="new-materials").pk],
        "provinces": [Province.objects.get(code="32").pk],
        "trl_min": "6",
        "trl_max": "4",
        "transfer_modes": ["licence"],
        "ticket_min": "500",
        "ticket_max": "100",
    }
    response = client.post("/workspace/profile/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "技术成熟度上限不能低于下限" in html and "投资上限不能小于下限" in html
    data.update(trl_max="9", ticket_max="3000")
    assert client.post("/workspace/profile/", data).status_code == 302
    profile = InvestorProfile.objects.get(organization=orgs["fund"])
    assert (profile.trl_min, profile.trl_max, profile.transfer_modes) == (
        6,
        9,
        ["licence"],
    )
    assert [f.code for f in profile.industries.all()] == ["new-materials"]
    client.force_login(users["team"])
    assert client.get("/workspace/profile/").status_code == 403


def _sign_up_and_link(client, capture) -> tuple[User, str]:
    with capture(execute=True):
        client.post("/accounts/signup/", form())
    link = re.search(r"http://testserver(/accounts/confirm/\S+/)", mail.outbox[-1].body)
    return User.objects.get(username="fund_zhang"), link[1]


def test_confirmation_link_works_once_and_never_signs_in_again(
    client, db, django_capture_on_commit_callbacks
):
    user, link = _sign_up_and_link(client, django_capture_on_commit_callbacks)
    response = client.get(link)
    assert response["Location"] == "/workspace/profile/"
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    client.logout()
    response = client.get(link)
    assert response.status_code == 400
    assert (
        "该确认链接已经使用过：邮箱已确认，请用密码登录。" in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_confirmation_link_never_reactivates_a_deactivated_account(
    client, roles, django_capture_on_commit_callbacks
):
    from accounts.services import confirmation_token

    users, _orgs = roles
    user, link = _sign_up_and_link(client, django_capture_on_commit_callbacks)
    client.get(link)
    client.logout()
    # An organizer deactivates the account in the admin.
    client.force_login(users["organizer"])
    response = client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "username": user.username,
            "email": user.email,
            "first_name": "经理",
            "last_name": "张",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()
    assert (user.is_active, user.deactivated_by) == (False, users["organizer"])
    assert user.deactivated_at is not None
    client.logout()
    # Neither the old link nor one made for the account as it is now.
    for url in (link, f"/accounts/confirm/{confirmation_token(user)}/"):
        response = client.get(url)
        assert response.status_code == 400
        assert "该账号已被组织方停用，请联系组织方。" in response.content.decode()
        assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert not user.is_active


def test_confirmation_link_for_an_active_account_does_not_sign_in(client, roles):
    """Even with the instance's key, a link is no way to sign in as an
    account that is not waiting for its confirmation (an organizer's)."""
    from django.core import signing

    from accounts.services import CONFIRM_SALT, confirmation_token

    users, _orgs = roles
    organizer = users["organizer"]
    for token in (
        confirmation_token(organizer),
        signing.dumps({"user": organizer.pk, "email": ""}, salt=CONFIRM_SALT),
    ):
        response = client.get(f"/accounts/confirm/{token}/")
        assert response.status_code == 400
        assert "确认链接无效。" in response.content.decode()
        assert "_auth_user_id" not in client.session
