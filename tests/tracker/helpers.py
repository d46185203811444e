"""Test helpers for the deal flow."""

import datetime as dt

from django.utils import timezone

from tracker.models import Deal


def let_disclosure_run(deal: Deal, *, days: int = 20, left: int = -5) -> None:
    """Time passes: the deal's published disclosure started ``days`` ago and
    ends ``left`` days from today (a past end by default), as if the
    objection period had run its course.  Tests only; people cannot date a
    disclosure in the past."""
    today = timezone.localdate()
    Deal.objects.filter(pk=deal.pk).update(
        disclosure_starts=today - dt.timedelta(days=days),
        disclosure_ends=today + dt.timedelta(days=left),
        disclosure_published_at=timezone.now() - dt.timedelta(days=days),
    )
    deal.refresh_from_db()
