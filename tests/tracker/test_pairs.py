"""The dashboard counts and lists the deals within each pair 结对 (the
achievement's institution in one province, the counterparty in the other),
and says seeds/004 四's figure in its words: 东部、南部 → 东北、西部."""

import pytest

from accounts.enums import OrganizationKind
from achievements.models import Province
from tests.events.test_pairs import located, pair
from tests.factories import make_achievement, make_org
from tests.tracker.test_dashboard import land, period  # noqa: F401 - fixture
from tracker.services import deal_create

pytestmark = pytest.mark.django_db


def deal(by, owner, counterparty):
    return deal_create(
        by=by,
        achievement=make_achievement(owner=owner, state="public"),
        counterparty=counterparty,
        transfer_mode="licence",
        path="listed",
    )


def test_deals_within_a_pair_are_counted_and_listed(client, roles, period):  # noqa: F811
    users, orgs = roles
    organizer = users["organizer"]
    guizhou_guangdong = pair("52", "44")
    pair("23", "44")
    guizhou_university = located(orgs["owner"], "52")
    guangdong_firm = located(make_org(kind=OrganizationKind.ENTERPRISE), "44")
    sichuan_firm = located(make_org(kind=OrganizationKind.ENTERPRISE), "51")
    within = deal(organizer, guizhou_university, guangdong_firm)
    # The other way round is within the pair too; and it lands.
    guangdong_lab = located(make_org(kind=OrganizationKind.INSTITUTE), "44")
    back = deal(organizer, guangdong_lab, located(orgs["enterprise"], "52"))
    land(back, organizer, Province.objects.get(code="52"))
    outside = deal(organizer, guizhou_university, sichuan_firm)

    client.force_login(organizer)
    page = client.get("/deals/dashboard/")
    rows = {row.record.pk: row for row in page.context["pairs"].rows}
    row = rows[guizhou_guangdong.pk]
    assert (row.label, row.values) == ("贵州省 ↔ 广东省", [2, 1, 1])
    listed = client.get(row.href).content.decode()
    assert within.achievement.title in listed
    assert back.achievement.title in listed
    assert outside.achievement.title not in listed
    landed = client.get(row.links["landed"]).content.decode()
    assert back.achievement.title in landed
    assert within.achievement.title not in landed
    body = page.content.decode()
    assert "东部、南部成果落地东北、西部" in body
    assert "东部、中部" not in body


def test_east_and_south_to_northeast_and_west(client, roles, period):  # noqa: F811
    """Hunan (central, south of the Qinling–Huaihe line) is a source; Henan
    (central, northern) is not."""
    users, orgs = roles
    organizer = users["organizer"]
    client.force_login(organizer)
    for origin in ("43", "41"):
        made = deal_create(
            by=organizer,
            achievement=make_achievement(owner=orgs["owner"], state="public"),
            counterparty=orgs["enterprise"],
            transfer_mode="licence",
            path="listed",
            origin_province=Province.objects.get(code=origin),
        )
        land(made, organizer, Province.objects.get(code="22"))  # Jilin
    page = client.get("/deals/dashboard/")
    row = next(r for r in page.context["rows"] if r["key"] == "cross_region")
    assert (row["label"], row["value"]) == ("东部、南部成果落地东北、西部（项）", 1)
    assert row["href"].startswith("/deals/?cross=to_northwest")
    listed = client.get(row["href"]).context["page"]
    assert [d.origin_province.code for d in listed] == ["43"]
