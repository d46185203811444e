"""iCalendar feeds (RFC 5545) of roadshows, with stable UIDs and SEQUENCE."""

import datetime as dt
import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from .enums import Format, RoadshowStatus
from .links import watch_path
from .models import Roadshow

PRODID = "-//roadshow//科技成果路演平台//ZH"


def _event(roadshow: Roadshow, *, base_url: str, stamp) -> Event:
    event = Event()
    event.add("uid", f"{roadshow.uid}@roadshow")
    event.add("dtstamp", stamp)
    event.add("sequence", roadshow.sequence)
    event.add("dtstart", roadshow.start.astimezone(timezone.get_default_timezone()))
    event.add("dtend", roadshow.end.astimezone(timezone.get_default_timezone()))
    event.add("summary", roadshow.title)
    event.add("last-modified", roadshow.updated_at)
    cancelled = roadshow.status == RoadshowStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    url = base_url + roadshow.get_absolute_url()
    event.add("url", url)
    location = " ".join(p for p in (roadshow.venue, roadshow.address) if p)
    if roadshow.format == Format.ONLINE:
        location = _("线上")
    if location:
        event.add("location", location)
    lines = [roadshow.summary] if roadshow.summary else []
    if cancelled and roadshow.cancel_reason:
        lines.append(_("已取消：%(reason)s") % {"reason": roadshow.cancel_reason})
    online = roadshow.format in (Format.ONLINE, Format.HYBRID) and roadshow.stream_url
    if online:
        # The live room, which plays the stream in any browser (links.py).
        room = base_url + watch_path(roadshow=roadshow)
        lines.append(_("线上观看：%(url)s") % {"url": room})
        event.add("conference", room, parameters={"value": "URI"})
    lines.append(url)
    event.add("description", "\n".join(lines))
    return event


# Apps after events add a user's other events to the personal feed (their
# meetings): personal_events(func(user, base_url, stamp) -> Iterable[Event]).
_personal: list[Callable[..., Iterable[Event]]] = []


def personal_events(func: Callable[..., Iterable[Event]]) -> Callable:
    _personal.append(func)
    return func


def calendar_new(*, name: str) -> Calendar:
    """An empty published feed of the platform: its product, name, time zone
    and the refresh interval clients are asked to keep (every feed, the
    roadshows' and the open licences' alike)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add(
        "refresh-interval", dt.timedelta(hours=6), parameters={"value": "DURATION"}
    )
    return calendar


def calendar_bytes(
    roadshows: Iterable[Roadshow],
    *,
    name: str,
    base_url: str,
    user: Any = None,
) -> bytes:
    calendar = calendar_new(name=name)
    # VTIMEZONE first: some clients read the calendar in one pass.
    calendar.add_component(_vtimezone(settings.TIME_ZONE))
    stamp = timezone.now()
    for roadshow in roadshows:
        calendar.add_component(_event(roadshow, base_url=base_url, stamp=stamp))
    if user is not None:
        for func in _personal:
            for event in func(user, base_url, stamp):
                calendar.add_component(event)
    return calendar.to_ical()


@functools.cache
def _vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE, built once per process (it costs more than 70 events)."""
    return Timezone.from_tzid(tzid)


def personal_token(user) -> str:
    """An unguessable token for a user's personal feed (HMAC over the user and
    the user's own secret: resetting the secret revokes every old URL)."""
    message = f"calendar:{user.pk}:{user.calendar_secret}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"{user.pk}-{digest[:40]}"


def user_for_token(token: str):
    from django.contrib.auth import get_user_model

    user_id, _sep, _digest = token.partition("-")
    if not user_id.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    if user is None or not hmac.compare_digest(personal_token(user), token):
        return None
    return user
