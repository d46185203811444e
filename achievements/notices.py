"""What the library tells people (accounts.notifications): a team, when
review returns its achievement or decides on it. Titles are read through
the visibility rule each time a notification is shown."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.enums import Role
from accounts.notifications import notification_kind, notification_subject, notify
from accounts.selectors import team_members

from .enums import ReviewStatus
from .models import Achievement
from .selectors import achievements_visible_to

RETURNED = "achievements.returned"
DECIDED = "achievements.decided"


def _status(values: dict) -> dict:
    status = values.get("status", "")
    return {
        "status": ReviewStatus(status).label
        if status in ReviewStatus.values
        else status
    }


notification_kind(
    RETURNED,
    label=gettext_lazy("成果被退回修改"),
    help=gettext_lazy("保密审查员退回本单位的成果并说明原因时。"),
    text=gettext_lazy("成果“%(title)s”被退回修改"),
    roles=(Role.TEAM,),
    order=20,
    note_label=gettext_lazy("原因"),
)
notification_kind(
    DECIDED,
    label=gettext_lazy("成果审查结论"),
    help=gettext_lazy("本单位的成果通过审查公开、限定公开或不予公开时。"),
    text=gettext_lazy("成果“%(title)s”的审查结论：%(status)s"),
    roles=(Role.TEAM,),
    order=21,
    values=_status,
    note_label=gettext_lazy("审查意见"),
)


@notification_subject(Achievement)
def _visible_titles(user: Any, ids: list[int]) -> dict[int, str]:
    return dict(
        achievements_visible_to(user=user).filter(pk__in=ids).values_list("pk", "title")
    )


def review_notify(
    *, achievement: Achievement, action: str, comment: str, by: Any
) -> None:
    """The owner's team hears of a return or a decision (in the review's
    transaction)."""
    returned = action == "return"
    notify(
        users=team_members(organization_id=achievement.owner_id),
        kind=RETURNED if returned else DECIDED,
        subject=achievement,
        link=reverse("achievements:edit", args=[achievement.pk])
        if returned
        else reverse("achievements:detail", args=[achievement.pk]),
        params={"status": achievement.status, "note": comment.strip()},
        by=by,
    )
