from django.core.management.base import BaseCommand

from accounts.demo import seed_managers, seed_notifications_read
from achievements.demo import seed_demand_lists, seed_demo
from agrilists.demo import seed_agri_lists
from calls.demo import seed_call
from cms.demo import seed_cases
from events.demo import seed_pairs, seed_roadshows
from invitations.demo import seed_invitations
from licences.demo import seed_open_licences
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
        seed_demand_lists()
        agri_list = seed_agri_lists()
        roadshows = seed_roadshows(seed=options["seed"])
        seed_pairs()
        seed_held_rooms()
        call = seed_call()
        live = seed_live_room()
        matchmaking = seed_matchmaking()
        invited = seed_invitations()
        meeting = seed_meeting_room()
        seed_deals(seed=options["seed"])
        manager = seed_managers()
        licences = seed_open_licences()
        cases = seed_cases()
        seed_notifications_read()
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
        if licences:
            self.stdout.write(f"Open licences: /open-licences/ ({licences} declared)")
        if agri_list is not None:
            self.stdout.write(
                f"进园入县 list: /lists/{agri_list.pk}/ (places' view: /workspace/lists/"
                " as yangling)"
            )
        if cases:
            self.stdout.write(f"Typical cases: /cases/ ({cases} published)")
        self.stdout.write(f"Demo logins (password for all: {result['password']}):")
        for username, what in result["logins"]:
            self.stdout.write(f"  {username:<18} {what}")
        if manager is not None:
            self.stdout.write(
                f"  {'manager':<18} 技术经理人 · 清华大学技术转移研究院, acting for 清华大学"
            )
