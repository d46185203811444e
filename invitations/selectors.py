"""Reads for invitations: a roadshow's invitations and replies, the expected
audience by kind of institution, the candidates of a saved list, and the
organizations the matchmaking recommender finds fit for the programme."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from accounts.enums import OrganizationKind, Role
from accounts.models import Membership, Organization
from achievements.selectors import organizations_in_provinces
from events.enums import SlotKind
from events.models import Registration, Roadshow
from events.selectors import PairedSide, paired_sides
from matchmaking.recommend import investors_for

from .enums import INVITED_KINDS, InvitationStatus
from .models import Invitation, InvitationList, InvitedPerson


def invitations_of(*, roadshow: Roadshow) -> QuerySet[Invitation]:
    """Every invitation of the roadshow, delegated ones too (each followed by
    its successor), with the people and their registrations."""
    return (
        Invitation.objects.filter(roadshow=roadshow)
        .select_related("organization", "delegated_from", "answered_by")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=InvitedPerson.objects.select_related("registration"),
            )
        )
        .order_by("organization__kind", "organization__name", "created_at", "id")
    )


def reply_counts(*, roadshow: Roadshow) -> dict[str, int]:
    """Invitations by status (a delegation counts once as delegated and once
    more as its successor's answer)."""
    counts = dict.fromkeys(InvitationStatus.values, 0)
    for status, n in (
        Invitation.objects.filter(roadshow=roadshow)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[status] = n
    return counts


@dataclass
class AudienceRow:
    kind: str
    label: str
    institutions: int = 0
    people: int = 0
    awaiting: int = 0


def expected_audience(*, roadshow: Roadshow) -> list[AudienceRow]:
    """Who is expected, by kind of institution: the institutions and people
    registered (through an invitation or not, counted by the organizations
    they belong to) and the invitations still unanswered."""
    labels = dict(OrganizationKind.choices)
    rows: dict[str, AudienceRow] = {
        kind: AudienceRow(kind=kind, label=str(labels[kind])) for kind in INVITED_KINDS
    }
    registered = Registration.objects.active().filter(roadshow=roadshow)
    # The demand side of each registered person's organizations, and the
    # people an accepted invitation registered, counted for its organization.
    members = (
        Membership.objects.filter(
            user_id__in=registered.values("user_id"),
            organization__kind__in=INVITED_KINDS,
            role=Role.INVESTOR,
        )
        .values_list("organization__kind", "organization_id", "user_id")
        .distinct()
    )
    invited = InvitedPerson.objects.filter(registration__in=registered).values_list(
        "invitation__organization__kind",
        "invitation__organization_id",
        "registration__user_id",
    )
    orgs: dict[str, set[int]] = {}
    people: dict[str, set[int]] = {}
    for kind, org_id, user_id in [*members, *invited]:
        orgs.setdefault(kind, set()).add(org_id)
        people.setdefault(kind, set()).add(user_id)
    for kind, row in rows.items():
        row.institutions = len(orgs.get(kind, ()))
        row.people = len(people.get(kind, ()))
    for kind, n in (
        Invitation.objects.filter(roadshow=roadshow, status=InvitationStatus.PENDING)
        .values_list("organization__kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if kind in rows:
            rows[kind].awaiting = n
    return list(rows.values())


def invited_organization_ids(*, roadshow: Roadshow) -> set[int]:
    return set(
        Invitation.objects.filter(roadshow=roadshow)
        .exclude(status=InvitationStatus.DELEGATED)
        .values_list("organization_id", flat=True)
    )


def invitable_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(kind__in=INVITED_KINDS).order_by("kind", "name")


@dataclass
class Candidates:
    """What inviting a list (or a choice) would do: who gets an invitation,
    and who is left out and why."""

    to_invite: list[Organization] = field(default_factory=list)
    already_invited: list[Organization] = field(default_factory=list)
    without_email: list[Organization] = field(default_factory=list)


def candidates_of(*, roadshow: Roadshow, organizations) -> Candidates:
    """Organizations to invite by their contact email: those not invited yet
    and with an address."""
    invited = invited_organization_ids(roadshow=roadshow)
    found = Candidates()
    for org in organizations:
        if org.pk in invited:
            found.already_invited.append(org)
        elif not org.contact_email:
            found.without_email.append(org)
        else:
            found.to_invite.append(org)
    return found


def saved_lists() -> QuerySet[InvitationList]:
    return InvitationList.objects.annotate(size=Count("organizations")).order_by("name")


@dataclass
class RecommendedOrganization:
    organization: Organization
    score: int
    achievements: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def recommended_organizations(
    *, roadshow: Roadshow, limit: int = 30
) -> list[RecommendedOrganization]:
    """The organizations whose mandate fits the programme, by the
    recommender's own scoring (matchmaking.recommend.investors_for, asked for
    each achievement pitched): their best score, and which pitches fit.
    Organizations already invited are left out."""
    invited = invited_organization_ids(roadshow=roadshow)
    found: dict[int, RecommendedOrganization] = {}
    achievements = [
        slot.achievement
        for slot in roadshow.slots.filter(kind=SlotKind.PITCH)
        .select_related("achievement__field")
        .order_by("position", "id")
        if slot.achievement_id
    ]
    for achievement in achievements:
        for fit in investors_for(achievement=achievement, limit=limit):
            org = fit.organization
            if org.pk in invited or org.kind not in INVITED_KINDS:
                continue
            entry = found.setdefault(
                org.pk, RecommendedOrganization(organization=org, score=fit.score)
            )
            entry.score = max(entry.score, fit.score)
            entry.achievements.append(achievement.title)
            for reason in fit.reasons:
                if reason not in entry.reasons:
                    entry.reasons.append(reason)
    ranked = sorted(
        found.values(),
        key=lambda r: (-r.score, -len(r.achievements), r.organization.name),
    )
    return ranked[:limit]


@dataclass
class PairInvitees:
    """A region roadshow's pairs 结对 and the institutions of the paired
    provinces that may be invited (the kinds invitations go to)."""

    sides: list[PairedSide]
    organizations: list[Organization]


def pair_invitees(*, roadshow: Roadshow) -> PairInvitees:
    sides = paired_sides(roadshow=roadshow)
    if not sides:
        return PairInvitees(sides=[], organizations=[])
    organizations = list(
        organizations_in_provinces(codes={side.province.code for side in sides})
        .filter(kind__in=INVITED_KINDS)
        .order_by("kind", "name")
    )
    return PairInvitees(sides=sides, organizations=organizations)
