"""Test data builders.  Each makes real rows through the real code paths."""

import itertools
from typing import Any

from accounts.enums import InvestorStatus, OrganizationKind, Role
from accounts.models import Membership, Organization, User
from achievements.enums import Publication, ReviewStatus
from achievements.models import Achievement, IndustryField, Province
from achievements.services import achievement_create, achievement_transition

_seq = itertools.count(1)


def make_org(
    *,
    kind: str = OrganizationKind.UNIVERSITY,
    name: str | None = None,
    investor_status: str = InvestorStatus.NONE,
) -> Organization:
    return Organization.objects.create(
        name=name or f"机构{next(_seq)}", kind=kind, investor_status=investor_status
    )


def make_user(
    *,
    role: str | None = None,
    org: Organization | None = None,
    username: str | None = None,
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password="pw-123456", name="测试用户"
    )
    if role is not None:
        Membership.objects.create(user=user, organization=org or make_org(), role=role)
    return user


def content(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data = {
        "title": f"测试成果{n}",
        "summary": "一项用于测试的科技成果。",
        "team": "测试团队",
        "source_programme": "国家重点研发计划",
        "project_number": f"T{n:06d}",
        "field": IndustryField.objects.get(code="new-materials"),
        "trl": 6,
        "market_demand": "",
        "transfer_demand": "",
        "transfer_modes": ["assignment"],
        "open_licence_terms": "",
        "price_min": None,
        "price_max": None,
        "target_provinces": [Province.objects.get(code="32")],
        "patents": "",
        "keywords": "",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "agri_tech_field": None,
        "agri_industry": None,
        "agri_scenario": None,
    }
    data.update(overrides)
    return data


def make_achievement(
    *,
    owner: Organization | None = None,
    state: str = "public",
    reviewer: User | None = None,
    **overrides: Any,
) -> Achievement:
    """An achievement in one of: draft, submitted, public, restricted, withheld, returned."""
    owner = owner or make_org()
    achievement = achievement_create(owner=owner, data=content(**overrides), by=None)
    if state == "draft":
        return achievement
    achievement = achievement_transition(
        achievement=achievement, action="submit", by=None
    )
    if state == "submitted":
        return achievement
    reviewer = reviewer or make_user(role=Role.REVIEWER)
    action = {
        "public": "clear",
        "restricted": "restrict",
        "withheld": "withhold",
        "returned": "return",
    }[state]
    achievement = achievement_transition(
        achievement=achievement,
        action=action,
        by=reviewer,
        comment="测试意见",
        seen_revision=achievement.revision,
    )
    expected = {"public": Publication.PUBLIC, "restricted": Publication.RESTRICTED}
    assert achievement.publication == expected.get(state, Publication.NONE)
    assert achievement.status != ReviewStatus.DRAFT
    return achievement


def pdf_bytes() -> bytes:
    """A small valid PDF (one blank page)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_manager(
    *,
    institution: Organization,
    office: Organization | None = None,
    by: User | None = None,
    username: str | None = None,
):
    """A technology manager of a transfer office, delegated by the
    institution's own team (or ``by``) through the real service."""
    from accounts.services import delegation_grant

    office = office or make_org(kind=OrganizationKind.TRANSFER_OFFICE)
    manager = make_user(role=Role.TEAM, org=office, username=username)
    grantor = by or make_user(role=Role.TEAM, org=institution)
    delegation = delegation_grant(
        institution=institution,
        manager=manager,
        office=office,
        since=None,
        until=None,
        by=grantor,
    )
    return manager, delegation
