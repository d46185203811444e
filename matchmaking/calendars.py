"""A participant's meetings in their personal calendar feed
(/calendar/u/<token>.ics): stable UIDs, SEQUENCE bumped on every move, and
STATUS:CANCELLED once called off.

A feed leaves the platform (calendar apps copy it to their servers, and its
address is all it takes to read it), so it names an achievement only when
anybody at all may see it; the others show as a meeting "about an
achievement", with the link to the platform."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from achievements.selectors import achievements_public
from events.calendars import personal_events

from .enums import MeetingStatus
from .selectors import meetings_of


@personal_events
def meeting_events(user: Any, base_url: str, stamp) -> Iterator[Event]:
    meetings = list(meetings_of(user=user))
    public = set(
        achievements_public()
        .filter(pk__in=[m.request.achievement_id for m in meetings])
        .values_list("pk", flat=True)
    )
    zone = timezone.get_default_timezone()
    for meeting in meetings:
        request = meeting.request
        event = Event()
        event.add("uid", f"meeting-{meeting.uid}@roadshow")
        event.add("dtstamp", stamp)
        event.add("sequence", meeting.sequence)
        event.add("dtstart", meeting.slot.start.astimezone(zone))
        event.add("dtend", meeting.slot.end.astimezone(zone))
        event.add("last-modified", meeting.updated_at)
        event.add(
            "summary",
            _("对接会面：%(title)s（%(a)s × %(b)s）")
            % {
                "title": (
                    request.achievement.title
                    if request.achievement_id in public
                    else _("成果详情见平台")
                ),
                "a": request.investor_org.name,
                "b": request.team_org.name,
            },
        )
        cancelled = meeting.status == MeetingStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        roadshow = meeting.session.roadshow
        location = meeting.place.name
        if meeting.place.kind == "onsite" and roadshow.venue:
            location = f"{roadshow.venue} {meeting.place.name}"
        event.add("location", location)
        url = f"{base_url}/matchmaking/requests/{request.pk}/"
        event.add("url", url)
        event.add("description", f"{roadshow.title}\n{url}")
        yield event
