"""Demo data for calls for pitches: a call open on a planned roadshow, two
teams' applications and one review — written through the same services
people use.  Runs once."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.enums import OrganizationKind, Role
from accounts.models import Organization, User
from achievements.enums import Publication
from achievements.models import Achievement
from events.enums import RoadshowKind, RoadshowStatus
from events.models import Roadshow
from events.services import SHANGHAI, pitch_publications

from .models import Call
from .services import application_submit, call_open, review_save

TITLE_SUFFIX = " · 路演征集"
SUMMARIES = {
    "team": "面向产业化的关键技术，已完成中试；寻求许可或作价投资，"
    "希望在路演中对接长三角的制造企业与产业基金。",
    "team2": "新品种与配套栽培技术已在三省示范推广，拟以技术许可方式转化，"
    "希望对接种业企业与农业产业基金。",
}


def _deck() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _roadshow(now: dt.datetime) -> Roadshow:
    """The first planned roadshow at least a week away, else a new draft."""
    planned = (
        Roadshow.objects.filter(
            status__in=RoadshowStatus.planned_states,
            start__gt=now + dt.timedelta(days=7),
            investors_only=False,
        )
        .order_by("start")
        .first()
    )
    if planned is not None:
        return planned
    day = (now + dt.timedelta(days=30)).astimezone(SHANGHAI).date()
    return Roadshow.objects.create(
        kind=RoadshowKind.FIELD,
        title="路演征集示范场：科技成果路演",
        start=dt.datetime.combine(day, dt.time(14), tzinfo=SHANGHAI),
        end=dt.datetime.combine(day, dt.time(17), tzinfo=SHANGHAI),
        lead_host=Organization.objects.filter(
            kind=OrganizationKind.TORCH_CENTRE
        ).first(),
    )


@transaction.atomic
def seed_call() -> Call | None:
    if Call.objects.filter(title__endswith=TITLE_SUFFIX).exists():
        return None
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["organizer", "team", "team2", "investor", "enterprise"]
        )
    }
    if len(users) < 5:
        return None
    now = timezone.now()
    roadshow = _roadshow(now)
    deadline = min(roadshow.start - dt.timedelta(days=3), now + dt.timedelta(days=14))
    call = call_open(
        roadshow=roadshow,
        title=roadshow.title + TITLE_SUFFIX,
        description="面向国家科技计划成果征集路演项目：请以已通过保密审查的成果申请，"
        "附路演 PDF。评审人按各项标准打分，组织方按排名确定入选项目。",
        deadline=deadline,
        slots=3,
        pitch_minutes=20,
        criteria=["技术创新性", "市场前景", "团队能力", "转化可行性"],
        anonymised=True,
        reviewers=[users["investor"], users["enterprise"]],
        by=users["organizer"],
    )
    applications = []
    for username in ("team", "team2"):
        member = users[username]
        org_ids = member.memberships.filter(role=Role.TEAM).values_list(
            "organization_id", flat=True
        )
        achievement = (
            Achievement.objects.filter(
                owner_id__in=org_ids,
                publication__in=pitch_publications(roadshow=roadshow),
            )
            .exclude(publication=Publication.NONE)
            .order_by("pk")
            .first()
        )
        if achievement is None:
            continue
        applications.append(
            application_submit(
                call=call,
                achievement=achievement,
                summary=SUMMARIES[username],
                deck=SimpleUploadedFile("路演材料.pdf", _deck(), "application/pdf"),
                by=member,
            )
        )
    if applications:
        criteria = list(call.criteria.all())
        review_save(
            application=applications[0],
            marks={c.pk: mark for c, mark in zip(criteria, (5, 4, 4, 3), strict=True)},
            comment="技术成熟度高，中试数据扎实；市场测算可再细化。",
            by=users["investor"],
        )
    return call
