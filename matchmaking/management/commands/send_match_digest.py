from django.core.management.base import BaseCommand

from matchmaking.digest import send_match_digest


class Command(BaseCommand):
    help = (
        "Send the weekly digest of new recommendations (once per person per week;"
        " run it weekly from cron)."
    )

    def handle(self, *args, **options):
        sent = send_match_digest()
        self.stdout.write(f"digests sent: {sent}")
