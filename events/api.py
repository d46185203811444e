"""Roadshows in the JSON API /api/v1/: the public roadshows, and one with its
programme, registration, live room and calendar feed.  A router of the API
made in achievements/api.py, with its pagination, errors and JSON style; the
wiring adds it (roadshow/api.py).

Which roadshows: the public ones, exactly as the roadshow pages list them
(`selectors.roadshows_public`): drafts and roadshows never published are
unknown here, a 404 like a missing id.  Which of a programme's achievements:
those the caller may see (`selectors.programme_shown_to`, the visibility
rule), as on the roadshow's page."""

import datetime as dt
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from achievements.api import FieldOut, Id, Pagination, Text
from achievements.api_errors import ErrorOut, not_found, text_format

from . import selectors
from .enums import Format, Level, RegionKind, RoadshowKind, RoadshowStatus, SlotKind
from .models import Roadshow
from .registrations import places_left, registration_window

router = Router(tags=["roadshows"])

# A month as YYYY-MM, or nothing (no filter, as every other filter).
MONTH_PATTERN = text_format(
    r"^([12][0-9]{3}-(0[1-9]|1[0-2]))?$",
    gettext_lazy("月份应写作 YYYY-MM，如 2026-10。"),
)
# The states a listed roadshow can be in (a draft never is).
PUBLIC_STATES = tuple(
    s for s in RoadshowStatus.values if s in RoadshowStatus.public_states
)


class RoadshowQuery(Schema):
    month: str = Field(
        "",
        pattern=MONTH_PATTERN,
        description="Month of the start, Shanghai time: `YYYY-MM`.",
    )
    kind: Literal[("", *RoadshowKind.values)] = ""
    field: Text = Field("", description="Industry field code (field roadshows).")
    province: Text = Field("", description="Province code (region roadshows).")
    status: Literal[("", *PUBLIC_STATES)] = ""


class RoadshowOut(Schema):
    id: int
    title: str
    kind: Literal[tuple(RoadshowKind.values)]
    level: Literal[tuple(Level.values)]
    status: Literal[PUBLIC_STATES]
    field: FieldOut | None
    region_kind: Literal[("", *RegionKind.values)]
    province: str | None = Field(description="Province code of a region roadshow.")
    region: str = Field(description="The province's or zone's name.")
    start: dt.datetime
    end: dt.datetime
    format: Literal[tuple(Format.values)]
    venue: str
    investors_only: bool = Field(
        description="Registration and the live room for approved investors only."
    )
    url: str
    calendar: str = Field(description="The roadshow's iCalendar feed.")

    @staticmethod
    def resolve_province(obj: Roadshow) -> str | None:
        return obj.province.code if obj.province_id else None

    @staticmethod
    def resolve_region(obj: Roadshow) -> str:
        return obj.region_name

    @staticmethod
    def resolve_url(obj: Roadshow) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_calendar(obj: Roadshow) -> str:
        return reverse("events:feed_one", args=[obj.pk])


class AchievementRef(Schema):
    id: int
    title: str
    url: str


class SlotOut(Schema):
    position: int
    kind: Literal[tuple(SlotKind.values)]
    title: str
    start: dt.datetime
    end: dt.datetime
    team: str
    presenters: str
    achievement: AchievementRef | None


class RegistrationOut(Schema):
    opens: dt.datetime | None
    closes: dt.datetime
    open: bool = Field(description="Registration is open now (within the window).")
    capacity: int | None = Field(description="On-site places; null: no limit.")
    seats_left: int | None = Field(description="On-site places left; null: no limit.")


class RoadshowDetailOut(RoadshowOut):
    summary: str
    address: str
    lead_host: str
    co_hosts: list[str]
    cancel_reason: str
    registration: RegistrationOut
    live_room: str | None = Field(
        description="The live room's page; null once the roadshow is cancelled."
    )
    programme: list[SlotOut] = Field(
        description=(
            "Slots in order with their times; a pitch whose achievement the "
            "caller may not see is left out."
        )
    )

    @staticmethod
    def resolve_lead_host(obj: Roadshow) -> str:
        return obj.lead_host.name

    @staticmethod
    def resolve_co_hosts(obj: Roadshow) -> list[str]:
        return [org.name for org in obj.co_hosts.order_by("name")]


@router.get(
    "/roadshows",
    response={200: list[RoadshowOut], 400: ErrorOut},
    summary="Public roadshows",
)
@paginate(Pagination)
def roadshow_list(request, filters: Query[RoadshowQuery]):
    month = None
    if filters.month:
        year, number = filters.month.split("-")
        month = (int(year), int(number))
    return selectors.roadshows_listed(
        month=month,
        kind=filters.kind,
        field=filters.field,
        province=filters.province,
        status=filters.status,
    )


def _slot(item, published: set[int]) -> dict:
    slot = item.slot
    achievement = None
    if slot.achievement_id in published:
        achievement = {
            "id": slot.achievement.pk,
            "title": slot.achievement.title,
            "url": slot.achievement.get_absolute_url(),
        }
    return {
        "position": slot.position,
        "kind": slot.kind,
        "title": slot.title,
        "start": item.start,
        "end": item.end,
        "team": slot.team.name if slot.team_id else "",
        "presenters": slot.presenters,
        "achievement": achievement,
    }


@router.get(
    "/roadshows/{roadshow_id}",
    response={200: RoadshowDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="A public roadshow with its programme",
)
def roadshow_detail(request, roadshow_id: Id):
    roadshow = (
        selectors.roadshows_public()
        .select_related("field", "province", "zone", "lead_host")
        .filter(pk=roadshow_id)
        .first()
    )
    if roadshow is None:
        return not_found(_("路演不存在或未发布。"))
    shown, published = selectors.programme_shown_to(
        roadshow=roadshow, user=request.user
    )
    window = registration_window(roadshow=roadshow)
    left = places_left(roadshow=roadshow)
    # What the detail adds to the record, read by RoadshowDetailOut.
    roadshow.registration = {
        "opens": window.opens,
        "closes": window.closes,
        "open": window.is_open,
        "capacity": roadshow.capacity,
        "seats_left": None if left is None else max(left, 0),
    }
    roadshow.live_room = (
        None
        if roadshow.status == RoadshowStatus.CANCELLED
        else reverse("livestream:room", args=[roadshow.pk])
    )
    roadshow.programme = [_slot(item, published) for item in shown]
    return roadshow
