"""The demo data set agrees with itself (manage.py seed_demo): what an
achievement's title says, its summary, keywords, patents and owner say
too; demands come from enterprises of their field and find that field's
achievements; every state is one the people involved could have reached."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind
from accounts.models import Organization, User
from achievements.demo import DEMAND_LISTS
from achievements.demo_topics import (
    AGRI_INDUSTRIES,
    AGRI_SCENARIOS,
    AGRI_TECH_FIELDS,
    FIELDS,
    INSTITUTIONS,
)
from achievements.matching import demand_matches
from achievements.models import Achievement, Demand
from events.enums import RoadshowStatus
from events.models import Registration, Roadshow, Slot
from livestream.models import Question, Room, RoomEvent
from matchmaking.models import Meeting, MeetingRequest
from tracker import services as tracker_services
from tracker.models import Bid, Deal, DealMove

DOUBLED = re.compile(r"([\u4e00-\u9fff]{2})\1")
REPEATED = re.compile(r"([\u4e00-\u9fff]{2}).*\1")
TECHNOLOGIES = {
    t.core: (code, t) for code, spec in FIELDS.items() for t in spec.technologies
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--achievements", "60", "--seed", "2026", "--quiet")
        yield
        transaction.set_rollback(True)


def _technology_of(title: str):
    found = [core for core in TECHNOLOGIES if core in title]
    return TECHNOLOGIES[found[0]] if len(found) == 1 else (None, None)


@pytest.mark.django_db
def test_no_text_of_the_demo_doubles_a_word(demo):
    texts = [
        *Achievement.objects.values_list("title", flat=True),
        *Achievement.objects.values_list("summary", flat=True),
        *Achievement.objects.values_list("keywords", flat=True),
        *Demand.objects.values_list("title", flat=True),
        *Demand.objects.values_list("description", flat=True),
    ]
    assert len(texts) > 120
    assert [t for t in texts if DOUBLED.search(t)] == []
    # Nor does a title say the same word twice anywhere.
    titles = Achievement.objects.values_list("title", flat=True)
    assert [t for t in titles if REPEATED.search(t)] == []


@pytest.mark.django_db
def test_every_achievement_speaks_of_one_technology_of_its_field(demo):
    achievements = Achievement.objects.select_related("field", "owner")
    assert achievements.count() == 60
    wrong = []
    for a in achievements:
        code, technology = _technology_of(a.title)
        if technology is None or code != a.field.code:
            wrong.append((a.title, a.field.code, "title"))
            continue
        if technology.core not in a.summary:
            wrong.append((a.title, "summary"))
        # No other technology's name in its summary.
        if [c for c in TECHNOLOGIES if c != technology.core and c in a.summary]:
            wrong.append((a.title, "summary names another technology"))
        if a.keywords.split("、")[0] != technology.core:
            wrong.append((a.title, "keywords"))
        lines = a.patents.splitlines()
        if len(lines) != 2 or not all(technology.core in line for line in lines):
            wrong.append((a.title, "patents"))
        if not all(re.match(r"ZL20\d{2}1\d{7}\.\d ", line) for line in lines):
            wrong.append((a.title, "patent numbers"))
        if a.owner.name not in technology.owners:
            wrong.append((a.title, a.owner.name))
    assert wrong == []


@pytest.mark.django_db
def test_owners_are_universities_and_institutes_of_the_technology(demo):
    owners = Organization.objects.filter(achievements__isnull=False).distinct()
    assert {o.kind for o in owners} == {
        OrganizationKind.UNIVERSITY,
        OrganizationKind.INSTITUTE,
    }
    assert {o.name for o in owners} <= set(INSTITUTIONS)
    # The crop institute pitches crops only.
    crops = Achievement.objects.filter(owner__name="中国农业科学院作物科学研究所")
    assert crops.exists()
    assert set(crops.values_list("field__code", flat=True)) == {"modern-agriculture"}


@pytest.mark.django_db
def test_agricultural_dimensions_are_filled_exactly_for_agriculture(demo):
    agri = Achievement.objects.filter(field__is_agricultural=True)
    assert agri.count() == 6
    assert not agri.filter(agri_tech_field=None).exists()
    names = {
        key: set(agri.values_list(f"{key}__name", flat=True))
        for key in ("agri_tech_field", "agri_industry", "agri_scenario")
    }
    assert names["agri_tech_field"] <= set(AGRI_TECH_FIELDS)
    assert names["agri_industry"] <= set(AGRI_INDUSTRIES)
    assert names["agri_scenario"] <= set(AGRI_SCENARIOS)
    others = Achievement.objects.filter(field__is_agricultural=False)
    assert (
        others.exclude(
            agri_tech_field=None, agri_industry=None, agri_scenario=None
        ).count()
        == 0
    )


@pytest.mark.django_db
def test_demands_come_from_approved_enterprises_of_their_field(demo):
    # The fields' enterprises' demands (the demand lists' own examples —
    # application scenarios, a zone's local demands — are set apart).
    demands = (
        Demand.objects.select_related("organization", "field")
        .filter(kind="technology", place=None)
        .exclude(title__in=[d["title"] for d in DEMAND_LISTS])
    )
    assert demands.count() == 20
    for demand in demands:
        spec = FIELDS[demand.field.code]
        assert demand.organization.name == spec.enterprise[0]
        assert demand.organization.kind == OrganizationKind.ENTERPRISE
        assert demand.organization.investor_status == InvestorStatus.APPROVED
        text = demand.title + demand.description
        assert any(t.core in text for t in spec.technologies), demand.title
    # The demo enterprise (energy equipment) asks for energy technologies.
    assert set(
        demands.filter(organization__name="华东新能源装备股份有限公司").values_list(
            "field__code", flat=True
        )
    ) == {"modern-energy"}


@pytest.mark.django_db
def test_a_demands_best_matches_are_of_its_technology(demo):
    demand = Demand.objects.get(title="高产抗逆玉米新品种")
    organizer = User.objects.get(username="organizer")
    matches = demand_matches(demand=demand, user=organizer, limit=3)
    assert matches
    assert all(m.achievement.field.code == "modern-agriculture" for m in matches)
    assert "玉米基因组设计育种" in matches[0].achievement.title


@pytest.mark.django_db
def test_deals_and_meetings_only_with_approved_counterparties(demo):
    assert Deal.objects.count() > 5
    assert (
        Deal.objects.exclude(
            counterparty__investor_status=InvestorStatus.APPROVED
        ).count()
        == 0
    )
    assert Bid.objects.exclude(bidder__investor_status="approved").count() == 0
    assert (
        MeetingRequest.objects.exclude(
            investor_org__investor_status=InvestorStatus.APPROVED
        ).count()
        == 0
    )
    pending = Organization.objects.filter(investor_status=InvestorStatus.PENDING)
    assert pending.exists()
    assert Deal.objects.filter(counterparty__in=pending).count() == 0
    assert MeetingRequest.objects.filter(investor_org__in=pending).count() == 0
    assert Meeting.objects.filter(request__investor_org__in=pending).count() == 0


@pytest.mark.django_db
def test_a_deals_counterparty_fits_the_achievement(demo):
    for deal in Deal.objects.select_related("achievement__field", "counterparty"):
        if deal.transfer_mode == "equity":
            assert deal.counterparty.kind in (
                OrganizationKind.MARKET_FUND,
                OrganizationKind.GUIDANCE_SUB_FUND,
            )
        else:
            spec = FIELDS[deal.achievement.field.code]
            assert deal.counterparty.name == spec.enterprise[0], deal.achievement


@pytest.mark.django_db
def test_deal_stages_follow_their_path_in_time(demo):
    now = timezone.now()
    for deal in Deal.objects.select_related("roadshow"):
        stages = tracker_services.stages_of(deal.path) + ["abandoned"]
        moves = list(DealMove.objects.filter(deal=deal).order_by("id"))
        visited = [m.to_stage for m in moves if m.to_stage]
        assert visited[0] == "interest"
        assert visited[-1] == deal.stage
        assert all(s in stages for s in visited), (deal.path, visited)
        order = [stages.index(s) for s in visited if s != "abandoned"]
        assert order == sorted(order), (deal.path, visited)
        times = [m.created_at for m in moves]
        assert times == sorted(times)
        assert times[-1] <= now
        if deal.roadshow is None:  # a licence taken from a declaration
            assert deal.path == "licence" and deal.stage == "interest"
            continue
        assert deal.roadshow.end <= deal.created_at <= times[0] <= now
        if deal.disclosure_starts:
            assert deal.disclosure_starts >= deal.roadshow.end.date()
            entered = [m for m in moves if m.to_stage == "disclosure"][0]
            assert timezone.localdate(entered.created_at) == deal.disclosure_starts
            later = [m for m in moves if m.to_stage in ("certificate", "landed")]
            assert all(
                timezone.localdate(m.created_at) >= deal.disclosure_ends for m in later
            ), deal.pk
        if deal.contract_date:
            assert deal.contract_date <= timezone.localdate()
            assert deal.contract_date >= deal.roadshow.end.date()


@pytest.mark.django_db
def test_held_roadshows_had_people_checked_in(demo):
    held = Roadshow.objects.filter(status=RoadshowStatus.CLOSED, end__lt=timezone.now())
    assert held.exists()
    for roadshow in held:
        registrations = Registration.objects.filter(roadshow=roadshow)
        assert registrations.filter(checked_in_at__isnull=False).exists(), roadshow
        # Checked in on the day, at the door, from two hours before the start.
        opened = roadshow.start - timedelta(hours=2)
        assert (
            registrations.filter(checked_in_at__isnull=False)
            .exclude(checked_in_at__range=(opened, roadshow.end))
            .count()
            == 0
        )
        assert (
            registrations.filter(checked_in_at__isnull=False)
            .exclude(attendance="onsite", status="confirmed")
            .count()
            == 0
        )


@pytest.mark.django_db
def test_held_roadshows_rooms_were_used_while_they_ran(demo):
    held = Roadshow.objects.filter(status=RoadshowStatus.CLOSED)
    assert held.exists()
    for roadshow in held:
        room = Room.objects.get(roadshow=roadshow)
        assert room.publish_answered
        questions = Question.objects.filter(room=room)
        assert questions.filter(status="approved", answered_at__isnull=False).exists()
        assert questions.exclude(slot__roadshow=roadshow).count() == 0
        assert (
            questions.exclude(created_at__range=(roadshow.start, roadshow.end)).count()
            == 0
        )
        log = RoomEvent.objects.filter(room=room)
        assert log.filter(kind="question").exists()
        assert (
            log.exclude(created_at__range=(roadshow.start, roadshow.end)).count() == 0
        )
        # Who asked had registered for it.
        assert questions.exclude(author__registrations__roadshow=roadshow).count() == 0


@pytest.mark.django_db
def test_roadshows_pitch_what_fits_them(demo):
    # The held ones: their programmes are as the plan made them.
    pitched = Slot.objects.filter(
        kind="pitch", roadshow__status="closed", achievement__isnull=False
    ).select_related("roadshow", "achievement")
    assert pitched.exists()
    for slot in pitched:
        roadshow, achievement = slot.roadshow, slot.achievement
        if roadshow.field_id:
            assert achievement.field_id == roadshow.field_id
        elif Achievement.objects.filter(
            publication="public", target_provinces=roadshow.province_id
        ).exists():  # else the demo falls back on the whole public library
            assert achievement.target_provinces.filter(
                pk=roadshow.province_id
            ).exists(), (roadshow.title, achievement.title)
