"""One confirmation link and one login delay under real concurrency
(PostgreSQL; the delay's counters in the shared cache)."""

import re
import time

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_confirmation_link_clicked_twice_at_once_signs_in_once(db):
    Client().post(
        "/accounts/signup/",
        {
            "username": "fund_zhang",
            "name": "张经理",
            "email": "zhang@fund.example.cn",
            "password1": "Roadshow-2026-xyz",
            "password2": "Roadshow-2026-xyz",
            "organization_name": "华南科创基金",
            "kind": "market_fund",
            "credit_code": "91350100M000100Y43",
            "phone": "020-12345678",
        },
    )
    link = re.search(r"http://testserver(/accounts/confirm/\S+/)", mail.outbox[-1].body)
    results = race([lambda: Client().get(link[1]) for _ in range(6)])
    assert sorted(r.status_code for r in results) == [302] + [400] * 5
    assert User.objects.get(username="fund_zhang").is_active


def test_parallel_tries_after_the_login_delay_get_one_password_check(roles, settings):
    settings.LOGIN_DELAY_BASE = 1
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "team", "password": "wrong"})
    time.sleep(1.1)
    results = race(
        [
            lambda: Client().post(
                "/accounts/login/", {"username": "team", "password": "wrong"}
            )
            for _ in range(6)
        ]
    )
    assert sorted(r.status_code for r in results) == [200] + [429] * 5
