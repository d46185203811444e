"""Remind the invitees who have not answered, N working days before the
registration deadline (China's working calendar: holidays and 调休).  Run it
once a day (cron); on a day off it does nothing, so nobody is reminded twice
for the same deadline."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

import workdays
from events.enums import RoadshowStatus
from events.models import Roadshow
from invitations.enums import InvitationStatus
from invitations.services import InvitationError, invitations_remind


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    for _step in range(n):
        day = workdays.next_working_day(day + dt.timedelta(days=1))
    return day


class Command(BaseCommand):
    help = (
        "Remind unanswered invitations N working days before the registration deadline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, **options):
        now = timezone.now()
        today = timezone.localdate(now)
        if not workdays.is_working_day(today):
            self.stdout.write("not a working day: nothing sent")
            return
        due = nth_working_day_after(today, max(options["days"], 0))
        roadshows = Roadshow.objects.filter(
            status__in=RoadshowStatus.open_states,
            end__gt=now,
            invitations__status=InvitationStatus.PENDING,
        ).distinct()
        total = 0
        for roadshow in roadshows:
            closes = roadshow.registration_closes or roadshow.start
            if timezone.localdate(closes) != due:
                continue
            try:
                total += invitations_remind(roadshow=roadshow, by=None, now=now)
            except InvitationError as exc:
                self.stderr.write(f"{roadshow.pk}: {exc}")
        self.stdout.write(f"reminded {total}")
