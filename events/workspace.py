"""The roadshows' panel of the workspace."""

from accounts import permissions
from accounts.enums import Role
from accounts.workspace import panel
from achievements.extensions import detail_section

from .calendars import personal_token
from .enums import RoadshowStatus
from .forms import MaterialReviewForm
from .materials import current_materials_of, materials_awaiting_review
from .models import Registration, Slot


@panel(order=11)
def material_review_panel(request):
    """Reviewers: pitch materials waiting, beside the achievements' queue."""
    if not permissions.is_reviewer(request.user):
        return None
    files, links = materials_awaiting_review(user=request.user)
    return "events/includes/panel_material_review.html", {
        "files": files,
        "links": links,
        "form": MaterialReviewForm(),
    }


@panel(order=30)
def roadshows_panel(request):
    user = request.user
    team_orgs = permissions.organization_ids(user, role=Role.TEAM)
    slots = (
        Slot.objects.filter(team_id__in=team_orgs, kind="pitch")
        .exclude(
            roadshow__status__in=[RoadshowStatus.CANCELLED, RoadshowStatus.ARCHIVED]
        )
        .select_related("roadshow", "achievement")
        .order_by("roadshow__start", "position")
    )
    slots = list(slots)
    materials = current_materials_of(slots=slots)
    rows = [(slot, materials.get(slot.pk, {})) for slot in slots]
    registrations = (
        Registration.objects.active()
        .filter(user=user)
        .select_related("roadshow")
        .order_by("-roadshow__start")[:50]
    )
    doors = (
        user.door_roadshows.exclude(status__in=RoadshowStatus.ended_states).order_by(
            "start"
        )
        if user.is_authenticated
        else []
    )
    return "events/includes/panel_roadshows.html", {
        "doors": doors,
        "slots": rows,
        "registrations": registrations,
        "feed_url": request.build_absolute_uri(
            f"/calendar/u/{personal_token(user)}.ics"
        ),
    }


@detail_section(order=10)
def roadshow_record(request, achievement):
    """常态化线上展示: the roadshows this achievement was pitched in stay listed."""
    from .selectors import roadshows_of_achievement

    roadshows = list(roadshows_of_achievement(achievement_id=achievement.pk))
    if not roadshows:
        return None
    return "events/includes/achievement_roadshows.html", {"roadshows": roadshows}
