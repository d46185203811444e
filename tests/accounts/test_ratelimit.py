"""Throttles keyed on the right thing (#12, finding 8): the client address is
taken from the trusted proxy hop; a username that fails too often waits a
growing delay (it is never locked out for long); an address that fails too
often is locked out; the objection limit is per client and deal."""

import time

import pytest
from django.core import signing
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import make_achievement
from tests.tracker.helpers import walk_to_registration
from tracker.models import Objection
from tracker.services import deal_create, deal_move
from tracker.views.public import FORM_SALT

BALANCER = "10.0.0.1"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", BALANCER),  # no proxy configured: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # never the left-most
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", BALANCER),  # fewer hops than proxies
        (1, "1.2.3.4, not-an-address", BALANCER),
        (1, "", BALANCER),
    ],
)
def test_client_address_is_the_trusted_hop(settings, count, forwarded, expected):
    from accounts.ratelimit import client_address

    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get(
        "/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected


def test_client_address_without_one_is_none(settings):
    from accounts.ratelimit import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="x")
    assert client_address(request) is None


def _login(client, username, password, client_ip, spoofed=""):
    forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.fixture
def balancer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_DELAY_BASE = 1


def test_wrong_passwords_do_not_lock_the_owner_out(client, roles, balancer):
    """Five wrong passwords from an attacker behind the same balancer: the
    organizer waits a short delay, then signs in."""
    for _ in range(5):
        response = _login(client, "organizer", "wrong", ATTACKER)
        assert "请输入一个正确的" in response.content.decode()
    response = _login(client, "organizer", "pw-123456", OWNER)
    assert response.status_code == 429
    assert "该账号登录失败次数过多，请 1 秒后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    time.sleep(1.1)
    response = _login(client, "organizer", "pw-123456", OWNER)
    assert response["Location"] == "/workspace/"
    assert client.session["_auth_user_id"] == str(roles[0]["organizer"].pk)


def test_login_delay_grows_and_a_try_during_it_is_not_checked(client, roles, balancer):
    for _ in range(5):
        _login(client, "team", "wrong", ATTACKER)
    time.sleep(1.1)
    # One try after the delay: checked, wrong, and the next delay is longer.
    response = _login(client, "team", "wrong", ATTACKER)
    assert "请输入一个正确的" in response.content.decode()
    for _ in range(3):  # tries meanwhile are refused unchecked and do not count
        response = _login(client, "team", "pw-123456", OWNER)
        assert response.status_code == 429
        assert "请 2 秒后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    time.sleep(2.1)
    response = _login(client, "team", "pw-123456", OWNER)
    assert response["Location"] == "/workspace/"
    # A success forgets the failures: the next wrong password is not delayed.
    client.logout()
    response = _login(client, "team", "wrong", OWNER)
    assert "请输入一个正确的" in response.content.decode()


def test_an_address_that_fails_too_often_is_locked_out_not_its_neighbours(
    client, roles, balancer, settings
):
    """Guessing across usernames from one client (whatever it writes in
    X-Forwarded-For itself) locks that client out; the other clients behind
    the same balancer sign in."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong", ATTACKER, spoofed=f"192.0.2.{n}")
    response = _login(client, "team", "pw-123456", ATTACKER, spoofed="192.0.2.99")
    assert response.status_code == 429
    assert "从您的网络登录失败的次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = _login(client, "team", "pw-123456", OWNER)
    assert response["Location"] == "/workspace/"


def _disclosed_deal(users, orgs):
    achievement = make_achievement(owner=orgs["owner"], state="public")
    deal = deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
        path="listed",
    )
    walk_to_registration(deal, users["organizer"], price="500", agreed="480")
    deal_move(
        deal_id=deal.pk,
        to="disclosure",
        by=users["organizer"],
        expected=deal.stage,
        data={"disclosure_starts": timezone.localdate()},
    )
    return deal


def _object(client, deal, client_ip):
    token = signing.dumps({"deal": deal.pk, "t": time.time() - 10}, salt=FORM_SALT)
    return client.post(
        f"/disclosures/{deal.pk}/",
        {
            "token": token,
            "name": "张三",
            "contact": "13800000000",
            "reason": "该成果的部分专利权属存在争议。",
        },
        REMOTE_ADDR=BALANCER,
        HTTP_X_FORWARDED_FOR=client_ip,
    )


def test_objection_limit_is_per_client_and_deal(client, roles, balancer, settings):
    users, orgs = roles
    settings.OBJECTIONS_PER_DAY = 2
    first, second = _disclosed_deal(users, orgs), _disclosed_deal(users, orgs)
    for _ in range(2):
        assert _object(client, first, ATTACKER)["Location"].startswith(
            f"/disclosures/{first.pk}/"
        )
    response = _object(client, first, ATTACKER)
    assert response.status_code == 400
    assert "今天从您的网络提交的异议已达上限" in response.content.decode()
    # Neither the public behind the same balancer, nor another deal, is silenced.
    assert _object(client, first, OWNER).status_code == 302
    assert _object(client, second, ATTACKER).status_code == 302
    assert sorted(Objection.objects.values_list("deal_id", flat=True)) == [
        first.pk,
        first.pk,
        first.pk,
        second.pk,
    ]
