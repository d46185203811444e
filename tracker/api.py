"""The programme's progress in the JSON API /api/v1/progress: the public
summary's figures (the dashboard's target rows, computed by the same code),
aggregate numbers only.  A router of the API made in achievements/api.py; the
wiring adds it (roadshow/api.py)."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from achievements.api_errors import ErrorOut, not_found

from .dashboard import compute, current_target, period_for, periods, targets_rows

router = Router(tags=["progress"])


class ProgressQuery(Schema):
    period: int | None = Field(
        None, description="A target period's id; by default the current one."
    )


class FigureOut(Schema):
    key: str = Field(
        description=(
            "roadshows (national roadshows held), promoted_national, "
            "promoted_total, landed, cross_region (east and south to the "
            "northeast and west), local_northwest."
        )
    )
    label: str
    value: int
    target: int | None


class PeriodOut(Schema):
    id: int | None
    name: str
    starts: dt.date
    ends: dt.date
    yearly: bool = Field(
        description="One calendar year (a yearly target) rather than a programme period."
    )


class ProgressOut(Schema):
    period: PeriodOut
    periods: list[PeriodOut]
    figures: list[FigureOut]


def _period_out(period) -> dict:
    return {
        "id": period.target.pk if period.target is not None else None,
        "name": period.name,
        "starts": period.starts,
        "ends": period.ends,
        "yearly": period.yearly,
    }


@router.get(
    "/progress",
    response={200: ProgressOut, 400: ErrorOut, 404: ErrorOut},
    summary="Progress against a target period",
)
def progress(request, filters: Query[ProgressQuery]):
    targets = periods()
    if filters.period is None:
        target = current_target(targets)
    else:
        target = next((t for t in targets if t.pk == filters.period), None)
        if target is None:
            return not_found(_("目标期不存在。"))
    period = period_for(target)
    rows = targets_rows(compute(period))
    return {
        "period": _period_out(period),
        "periods": [_period_out(period_for(t)) for t in targets],
        "figures": [
            {
                "key": r["key"],
                "label": str(r["label"]),
                "value": r["value"],
                "target": r["target"],
            }
            for r in rows
        ],
    }
