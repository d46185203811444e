from django.core.management.base import BaseCommand

from achievements.demo import seed_demo
from calls.demo import seed_call
from cms.demo import seed_cases
from events.demo import seed_roadshows
from invitations.demo import seed_invitations
from livestream.demo import seed_held_rooms, seed_live_room
from matchmaking.demo import seed_matchmaking
from meetrooms.demo import seed_meeting_room
from tracker.demo import seed_deals


class Command(BaseCommand):
    help = (
        "Load the deterministic demo data set (safe to run again: nothing duplicates)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--achievements", type=int, default=320)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        result = seed_demo(achievements=options["achievements"], seed=options["seed"])
        roadshows = seed_roadshows(seed=options["seed"])
        seed_held_rooms()
        call = seed_call()
        live = seed_live_room()
        matchmaking = seed_matchmaking()
        invited = seed_invitations()
        meeting = seed_meeting_room()
        seed_deals(seed=options["seed"])
        cases = seed_cases()
        if options["quiet"]:
            return
        self.stdout.write(
            f"Demo data: {result['created']} new achievements, "
            f"{roadshows} roadshows held or published."
        )
        if live is not None:
            self.stdout.write(f"Live now: /live/{live.pk}/ ({live.title})")
        if matchmaking is not None:
            self.stdout.write(
                f"Matchmaking: /matchmaking/ (session of {matchmaking.roadshow.title}, "
                f"admin: /admin/matchmaking/{matchmaking.pk}/)"
            )
        if invited is not None:
            self.stdout.write(
                f"Invitations: /admin/roadshows/{invited.pk}/invitations/ "
                f"({invited.title})"
            )
        if meeting is not None:
            self.stdout.write(f"Meeting room: /meet/{meeting.pk}/ (investor and team)")
        if call is not None:
            self.stdout.write(
                f"Call for pitches: /calls/{call.pk}/ (admin: /admin/calls/{call.pk}/)"
            )
        if cases:
            self.stdout.write(f"Typical cases: /cases/ ({cases} published)")
        self.stdout.write(f"Demo logins (password for all: {result['password']}):")
        for username, what in result["logins"]:
            self.stdout.write(f"  {username:<18} {what}")
