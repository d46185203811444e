"""The organizers' dashboard: the figures of a target period (figures.py,
one aggregate query each) and their groupings (groupings.py: the rows, the
columns and the records behind each), which the page and the XLSX export
both render."""

from .figures import (
    FUNNEL,
    HELD,
    Figures,
    Period,
    compute,
    current_target,
    period_for,
    periods,
    targets_rows,
)
from .groupings import Grouping, Row, groupings

__all__ = [
    "FUNNEL",
    "current_target",
    "HELD",
    "Figures",
    "Grouping",
    "Period",
    "Row",
    "compute",
    "groupings",
    "period_for",
    "periods",
    "targets_rows",
]
