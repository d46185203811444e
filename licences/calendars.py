"""The iCalendar feed of new open-licence declarations: one all-day event
on the day each was published, with a stable UID; a withdrawn one stays in
the feed, cancelled, with its SEQUENCE raised, so calendars update it
rather than duplicate it."""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from events.calendars import calendar_new

from .enums import DeclarationStatus
from .models import Declaration
from .services import fee_in_words


def _event(declaration: Declaration, *, base_url: str, stamp: dt.datetime) -> Event:
    event = Event()
    withdrawn = declaration.status == DeclarationStatus.WITHDRAWN
    event.add("uid", f"open-licence-{declaration.pk}@roadshow")
    event.add("dtstamp", stamp)
    event.add("sequence", 1 if withdrawn else 0)
    day = timezone.localtime(declaration.cleared_at).date()
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add(
        "summary",
        _("开放许可：%(title)s") % {"title": declaration.patent_title},
    )
    event.add("status", "CANCELLED" if withdrawn else "CONFIRMED")
    event.add("last-modified", declaration.updated_at)
    url = base_url + declaration.get_absolute_url()
    event.add("url", url)
    lines = [
        _("专利号：%(number)s（%(kind)s）")
        % {
            "number": declaration.patent_number,
            "kind": declaration.get_patent_type_display(),
        },
        _("专利权人：%(owner)s") % {"owner": declaration.achievement.owner.name},
        _("许可期限：%(starts)s 至 %(ends)s")
        % {
            "starts": declaration.starts.isoformat(),
            "ends": declaration.ends.isoformat(),
        },
        _("许可使用费：%(fee)s") % {"fee": fee_in_words(declaration)},
    ]
    if withdrawn:
        lines.insert(0, _("已撤回"))
    lines.append(url)
    event.add("description", "\n".join(lines))
    return event


def declarations_calendar(
    declarations: Iterable[Declaration], *, name: str, base_url: str
) -> bytes:
    calendar = calendar_new(name=name)
    stamp = timezone.now()
    for declaration in declarations:
        calendar.add_component(_event(declaration, base_url=base_url, stamp=stamp))
    return calendar.to_ical()
