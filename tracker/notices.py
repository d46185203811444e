"""What the follow-up tells people (accounts.notifications): the team, when
someone registers an interest in its achievement; the parties, when a deal
moves; and the switch for the weekly follow-up digest. A deal's title is
read through the rule "deal.view" each time a notification is shown."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.enums import Role
from accounts.notifications import notification_kind, notification_subject, notify
from accounts.permissions import user_can
from accounts.selectors import members_of_organizations, team_members

from .enums import Stage
from .models import Deal

INTEREST = "tracker.interest"
MOVED = "tracker.moved"
DIGEST = "tracker.digest"


def _stages(values: dict) -> dict:
    def label(code: str) -> str:
        return Stage(code).label if code in Stage.values else code

    return {"from": label(values.get("from", "")), "to": label(values.get("to", ""))}


notification_kind(
    INTEREST,
    label=gettext_lazy("有人登记转化意向"),
    help=gettext_lazy("有机构对本单位的成果登记转化意向时。"),
    text=gettext_lazy("有机构对成果登记了转化意向：%(title)s"),
    roles=(Role.TEAM,),
    order=30,
)
notification_kind(
    MOVED,
    label=gettext_lazy("转化项目进展"),
    help=gettext_lazy("您所在机构参与的转化项目进入新阶段时（由他人推进）。"),
    text=gettext_lazy("转化项目“%(title)s”从“%(from)s”进入“%(to)s”"),
    roles=(Role.TEAM, Role.INVESTOR),
    order=31,
    values=_stages,
    note_label=gettext_lazy("说明"),
)
notification_kind(
    DIGEST,
    label=gettext_lazy("每周跟进提醒"),
    help=gettext_lazy("每周一封：您负责的、需要跟进的转化项目。"),
    order=90,
    in_app=False,
)


@notification_subject(Deal)
def _deals_seen(user: Any, ids: list[int]) -> dict[int, str]:
    deals = Deal.objects.filter(pk__in=ids).select_related(
        "achievement", "counterparty"
    )
    return {
        deal.pk: f"{deal.achievement.title} · {deal.counterparty.name}"
        for deal in deals
        if user_can(user, "deal.view", deal)
    }


def interest_notify(*, deal: Deal, by: Any) -> None:
    """The achievement's team hears of a new interest (in its transaction)."""
    notify(
        users=team_members(organization_id=deal.achievement.owner_id),
        kind=INTEREST,
        subject=deal,
        link=reverse("tracker:deal", args=[deal.pk]),
        by=by,
    )


def move_notify(*, deal: Deal, from_stage: str, note: str, by: Any) -> None:
    """The deal's parties (the achievement's owner, the counterparty, the
    handling agency) hear that it moved, except whoever moved it."""
    parties = {deal.achievement.owner_id, deal.counterparty_id, deal.agency_id}
    notify(
        users=members_of_organizations(organization_ids=parties - {None}),
        kind=MOVED,
        subject=deal,
        link=reverse("tracker:deal", args=[deal.pk]),
        params={"from": from_stage, "to": deal.stage, "note": note},
        by=by,
    )
