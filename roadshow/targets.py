"""The programme's current roadshow target, read from the tracker's target
periods for the roadshows app (which comes before the tracker and may not
import it)."""

from django.utils import timezone

from events.selectors import ProgrammeTarget


def current_roadshow_target() -> ProgrammeTarget | None:
    """The period that includes today, else the latest one (the tracker's
    dashboard opens on the same period); None when there is none."""
    from tracker.models import TargetPeriod

    today = timezone.localdate()
    period = (
        TargetPeriod.objects.filter(starts__lte=today, ends__gte=today).first()
        or TargetPeriod.objects.first()
    )
    if period is None:
        return None
    return ProgrammeTarget(
        roadshows=period.roadshows, starts=period.starts, ends=period.ends
    )
