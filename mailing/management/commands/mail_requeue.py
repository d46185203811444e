"""Queue again the emails whose delivery task was lost: a task worker killed
in the middle of one (its task left running), or a task that failed for a
reason other than the mail server (its email left waiting).  Sending again
is safe: a message already sent is skipped under its row's lock.  Run every
15 minutes (deploy/systemd/roadshow-mail-requeue.timer)."""

from django.core.management.base import BaseCommand

from mailing.services import emails_requeue


class Command(BaseCommand):
    help = "Queue again emails waiting longer than --minutes past their due time."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15)

    def handle(self, *args, minutes: int, **options):
        count = emails_requeue(stale_minutes=minutes)
        self.stdout.write(f"{count} emails queued again")
