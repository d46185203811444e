"""Reads for calls for pitches: the open calls, the ranking with its spread,
what a reviewer may score, a team's applications."""

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.enums import Role
from achievements.selectors import achievements_visible_to
from events.enums import RoadshowStatus

from .enums import ApplicationStatus, CallStatus
from .models import Application, Call, Review


def calls_open() -> QuerySet[Call]:
    """Calls teams may still apply to: open, before the deadline, for a
    roadshow still to come.  What the call page lists for anyone: the call's
    own words, never its applications."""
    now = timezone.now()
    return (
        Call.objects.filter(
            status=CallStatus.OPEN,
            deadline__gt=now,
            roadshow__status__in=RoadshowStatus.planned_states,
        )
        .select_related("roadshow", "field", "province")
        .prefetch_related("criteria")
        .order_by("deadline", "id")
    )


def call_is_listed(*, call: Call) -> bool:
    return calls_open().filter(pk=call.pk).exists()


def applications_of_user(*, user: Any) -> QuerySet[Application]:
    """The applications of the organizations the user acts for as a team."""
    orgs = permissions.organization_ids(user, role=Role.TEAM)
    return (
        Application.objects.filter(organization_id__in=orgs)
        .select_related("call__roadshow", "achievement")
        .order_by("-created_at", "-id")
    )


def reviewable(*, call: Call, user: Any) -> QuerySet[Application]:
    """What this reviewer may read and score: applications still counting,
    never of the reviewer's own institutions (conflict of interest), and
    only those whose achievement the library's visibility rule shows them."""
    own = permissions.organization_ids(user)
    return (
        call.applications.filter(status__in=ApplicationStatus.active_states)
        .exclude(organization_id__in=own)
        .exclude(achievement__owner_id__in=own)
        .filter(achievement__in=achievements_visible_to(user=user))
        .select_related("achievement__field")
        .order_by("id")
    )


def calls_reviewed_by(*, user: Any) -> QuerySet[Call]:
    if not (user.is_authenticated and user.is_active):
        return Call.objects.none()
    return (
        user.call_reviews.filter(status=CallStatus.OPEN)
        .select_related("roadshow")
        .order_by("deadline", "id")
    )


@dataclass
class Ranked:
    """One application with its marks: the mean over every reviewer's every
    mark, each reviewer's own mean (the spread is between them), the mean per
    criterion, and the reviews with their comments."""

    application: Application
    reviews: list[Review] = field(default_factory=list)
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    std: float | None = None
    criteria: list[float | None] = field(default_factory=list)
    rank: int | None = None

    @property
    def spread(self) -> float | None:
        if self.low is None:
            return None
        return self.high - self.low


def call_ranking(*, call: Call) -> list[Ranked]:
    """Every application of the call (withdrawn ones last), ranked by mean
    score (unscored after scored), then by the number of reviews, then by
    who applied first."""
    criteria = list(call.criteria.all())
    applications = list(
        call.applications.select_related(
            "achievement__field", "organization", "slot", "decided_by"
        ).prefetch_related("reviews__scores", "reviews__reviewer")
    )
    rows = []
    for application in applications:
        row = Ranked(application=application, reviews=list(application.reviews.all()))
        marks: list[int] = []
        per_reviewer: list[float] = []
        per_criterion: dict[int, list[int]] = {c.pk: [] for c in criteria}
        for review in row.reviews:
            values = [s.value for s in review.scores.all()]
            for score in review.scores.all():
                per_criterion.setdefault(score.criterion_id, []).append(score.value)
            if values:
                marks += values
                per_reviewer.append(sum(values) / len(values))
                review.mean = sum(values) / len(values)
                review.marks = {s.criterion_id: s.value for s in review.scores.all()}
        if marks:
            row.mean = sum(marks) / len(marks)
            row.low, row.high = min(per_reviewer), max(per_reviewer)
            row.std = statistics.pstdev(per_reviewer) if len(per_reviewer) > 1 else 0.0
        row.criteria = [
            (sum(v) / len(v)) if (v := per_criterion[c.pk]) else None for c in criteria
        ]
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r.application.status == ApplicationStatus.WITHDRAWN,
            r.mean is None,
            -(r.mean or 0),
            -len(r.reviews),
            r.application.created_at,
            r.application.pk,
        )
    )
    rank = 0
    for row in rows:
        if row.application.status != ApplicationStatus.WITHDRAWN:
            rank += 1
            row.rank = rank
    return rows


def call_counts(*, call: Call) -> dict[str, int]:
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    for status in call.applications.values_list("status", flat=True):
        counts[status] += 1
    return counts
