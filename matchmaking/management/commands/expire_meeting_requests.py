from django.core.management.base import BaseCommand

from matchmaking.services import requests_expire


class Command(BaseCommand):
    help = (
        "Expire the meeting requests not answered in time and tell both sides "
        "(run it every few minutes from cron; an accept after the time is "
        "refused whether or not it ran)."
    )

    def handle(self, *args, **options):
        expired = requests_expire()
        self.stdout.write(f"requests expired: {expired}")
