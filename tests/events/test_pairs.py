"""Cross-region pairs 结对 (seeds/004 四): organizers enter them in the admin
(nobody else), a pair is two different provinces, entered once whichever
way round, and a region roadshow knows the other side of its pairs."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from accounts.credit_code import check_character
from accounts.enums import OrganizationKind
from achievements.models import Province
from achievements.selectors import organizations_in_provinces, province_code_of
from events.models import RegionPair
from events.selectors import paired_sides
from tests.factories import make_org
from tests.factories.events import make_roadshow

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)


def credit_code(province: str) -> str:
    """A well-formed unified social credit code registered in a province."""
    first17 = f"91{province}0100MA{next(_serial):07d}"
    return first17 + check_character(first17)


def located(org, province: str):
    org.credit_code = credit_code(province)
    org.save()
    return org


def pair(a: str, b: str, **zones) -> RegionPair:
    made = RegionPair(
        province_a=Province.objects.get(code=a),
        province_b=Province.objects.get(code=b),
        **zones,
    )
    made.full_clean()
    made.save()
    return made


def test_an_organization_is_where_its_credit_code_was_registered(db):
    guizhou = located(make_org(kind=OrganizationKind.ENTERPRISE), "52")
    make_org(kind=OrganizationKind.ENTERPRISE)  # no code: nowhere
    assert province_code_of(guizhou) == "52"
    assert list(organizations_in_provinces(codes={"52"})) == [guizhou]
    assert list(organizations_in_provinces(codes={"44"})) == []


def test_a_pair_is_two_provinces_entered_once_either_way(db):
    pair("52", "44")
    with pytest.raises(ValidationError, match="这两方已经结对"):
        pair("44", "52")
    with pytest.raises(ValidationError):
        pair("52", "44")
    with pytest.raises(ValidationError, match="不同的省份"):
        pair("52", "52")
    university = make_org(kind=OrganizationKind.UNIVERSITY)
    with pytest.raises(ValidationError):
        pair("62", "31", zone_b=university)
    zone = make_org(kind=OrganizationKind.HI_TECH_ZONE, name="张江高新区")
    made = pair("62", "31", zone_b=zone)
    assert str(made) == "甘肃省 ↔ 上海市 · 张江高新区"


def test_a_region_roadshow_knows_the_other_sides_of_its_pairs(db):
    guizhou_guangdong = pair("52", "44")
    pair("23", "44")
    zone = make_org(kind=OrganizationKind.AGRI_HI_TECH_ZONE, name="黄河三角洲农高区")
    located(zone, "37")
    delta = pair("37", "15", zone_a=zone)
    guizhou = make_roadshow(
        kind="region", field=None, province=Province.objects.get(code="52")
    )
    sides = paired_sides(roadshow=guizhou)
    assert [(s.pair, s.province.code) for s in sides] == [(guizhou_guangdong, "44")]
    guangdong = make_roadshow(
        kind="region", field=None, province=Province.objects.get(code="44")
    )
    assert sorted(s.province.code for s in paired_sides(roadshow=guangdong)) == [
        "23",
        "52",
    ]
    at_zone = make_roadshow(kind="region", field=None, zone=zone)
    assert [(s.pair, s.province.code) for s in paired_sides(roadshow=at_zone)] == [
        (delta, "15")
    ]
    assert paired_sides(roadshow=make_roadshow()) == []  # a field roadshow


def test_only_organizers_edit_pairs_in_the_admin(client, roles):
    users, _orgs = roles
    form = {
        "province_a": Province.objects.get(code="52").pk,
        "province_b": Province.objects.get(code="44").pk,
        "note": "黔粤技术转移合作",
    }
    for name in ("team", "investor", "reviewer"):
        client.force_login(users[name])
        assert client.get("/admin/roadshows/pairs/").status_code in (302, 403)
        client.post("/admin/roadshows/pairs/new/", form)
    assert not RegionPair.objects.exists()
    client.force_login(users["organizer"])
    listing = client.get("/admin/roadshows/pairs/")
    assert listing.status_code == 200
    response = client.post("/admin/roadshows/pairs/new/", form)
    assert response.status_code == 302
    assert str(RegionPair.objects.get()) == "贵州省 ↔ 广东省"
    again = client.post(
        "/admin/roadshows/pairs/new/",
        {**form, "province_a": form["province_b"], "province_b": form["province_a"]},
    )
    assert "这两方已经结对" in again.content.decode()
    assert RegionPair.objects.count() == 1
