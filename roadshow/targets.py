"""The programme's current roadshow target, read from the tracker's target
periods for the roadshows app (which comes before the tracker and may not
import it)."""

from events.selectors import ProgrammeTarget


def current_roadshow_target() -> ProgrammeTarget | None:
    """The tracker's current period (the one its dashboard opens on); None
    when there is none."""
    from tracker.dashboard import current_target

    period = current_target()
    if period is None:
        return None
    return ProgrammeTarget(
        roadshows=period.roadshows,
        starts=period.starts,
        ends=period.ends,
        name=period.name,
    )
