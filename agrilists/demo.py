"""Demo data of the 进园入县 lists: a few places with their demands, and one
published national list (re-runnable: nothing duplicates, a published list is
never touched again)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from accounts.models import Membership, Organization, User
from achievements.enums import DemandStatus, PlaceKind
from achievements.models import Demand, IndustryField, Place, Province

from .enums import ListScope
from .models import AgriList
from .selectors import CLASSIFIED_Q
from .services import list_create, list_entries_add, list_publish

# (kind, name, GB/T 2260 code of its county, province code, its organization)
PLACES = [
    (
        PlaceKind.AGRI_ZONE,
        "杨凌农业高新技术产业示范区",
        "610403",
        "61",
        "杨凌示范区管理委员会",
    ),
    (
        PlaceKind.AGRI_ZONE,
        "黄河三角洲农业高新技术产业示范区",
        "370502",
        "37",
        "",
    ),
    (PlaceKind.AGRI_PARK, "山东寿光国家农业科技园区", "370783", "37", ""),
    (PlaceKind.COUNTY, "曲周县", "130435", "13", ""),
    (PlaceKind.COUNTY, "克山县", "230229", "23", ""),
]
DEMANDS = [
    (
        "杨凌农业高新技术产业示范区",
        "旱作区小麦节水稳产技术",
        "示范区周边旱塬小麦需要节水稳产的新品种和配套栽培技术，面向 5 万亩示范。",
    ),
    (
        "杨凌农业高新技术产业示范区",
        "设施蔬菜病虫害绿色防控",
        "园区设施蔬菜基地寻求病虫害绿色防控与减药技术。",
    ),
]
PERIOD = "2026年第三季度"


@transaction.atomic
def seed_agri_lists() -> AgriList | None:
    # The zone's committee publishes its demands: an approved demand side
    # (not an applicant waiting for review).
    shaanxi_org, _ = Organization.objects.get_or_create(
        name="杨凌示范区管理委员会",
        defaults={"kind": OrganizationKind.AGRI_HI_TECH_ZONE},
    )
    if shaanxi_org.investor_status != InvestorStatus.APPROVED:
        shaanxi_org.investor_status = InvestorStatus.APPROVED
        shaanxi_org.investor_decided_at = timezone.now()
        shaanxi_org.save(update_fields=["investor_status", "investor_decided_at"])
    places = {}
    for kind, name, code, province, org_name in PLACES:
        place, _ = Place.objects.update_or_create(
            kind=kind,
            name=name,
            defaults={
                "admin_code": code,
                "province": Province.objects.get(code=province),
                "organization": shaanxi_org if org_name else None,
            },
        )
        places[name] = place
    user, created = User.objects.get_or_create(
        username="yangling", defaults={"name": "杨凌示范区联络员"}
    )
    if created:
        from achievements.demo import DEMO_PASSWORD

        user.set_password(DEMO_PASSWORD)
        user.email = "yangling@example.com"
        user.save()
    Membership.objects.get_or_create(
        user=user, organization=shaanxi_org, role=Role.INVESTOR
    )
    agriculture = IndustryField.objects.filter(is_agricultural=True).first()
    for place_name, title, description in DEMANDS:
        place = places[place_name]
        Demand.objects.get_or_create(
            organization=shaanxi_org,
            title=title,
            defaults={
                "field": agriculture,
                "description": description,
                "province": place.province,
                "place": place,
                "status": DemandStatus.PUBLISHED,
            },
        )
    organizer = (
        User.objects.filter(memberships__role=Role.ORGANIZER).order_by("pk").first()
    )
    if organizer is None:
        return None
    agri_list = AgriList.objects.filter(
        scope=ListScope.NATIONAL, province=None, period=PERIOD
    ).first()
    if agri_list is None:
        agri_list = list_create(
            scope=ListScope.NATIONAL,
            province=None,
            period=PERIOD,
            issued_on=dt.date(2026, 9, 30),
            introduction="本批清单围绕种业安全和耕地保护，梳理国家重点研发计划农业领域成果。",
            by=organizer,
        )
    if agri_list.is_frozen:
        return agri_list
    from achievements.selectors import achievements_public

    ids = list(
        achievements_public()
        .filter(CLASSIFIED_Q)
        .order_by("project_number")
        .values_list("pk", flat=True)[:12]
    )
    if not ids:
        return None
    list_entries_add(agri_list=agri_list, achievement_ids=ids, by=organizer)
    return list_publish(agri_list=agri_list, by=organizer)
