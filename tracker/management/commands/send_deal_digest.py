from django.core.management.base import BaseCommand

from tracker.digest import send_digest


class Command(BaseCommand):
    help = "Send the weekly digest of deals needing follow-up (once per person per week; run it weekly from cron)."

    def handle(self, *args, **options):
        sent = send_digest()
        self.stdout.write(f"digests sent: {sent}")
