"""The deals' panel of the workspace: the user's own deals (the team's,
the counterparty's, the agency's), those needing follow-up first; and the
deals' lines of the organizers' inbox."""

from django.urls import reverse
from django.utils.translation import gettext

from accounts import permissions
from accounts.permissions import user_can
from accounts.workspace import InboxItem, inbox_item, panel
from achievements.extensions import detail_section

from .enums import ObjectionStatus, Stage
from .models import Deal, Objection
from .rules import may_start_deals
from .selectors import (
    auctions_open_to,
    deals_needing_attention,
    deals_visible_to,
    deals_with_open_objections,
    disclosures_awaiting_review,
)


@panel(order=40)
def deals_panel(request):
    user = request.user
    organizer = permissions.is_organizer(user)
    if not (organizer or permissions.organization_ids(user)):
        return None
    visible = deals_visible_to(user=user)
    open_deals = visible.exclude(stage__in=Stage.ended())
    attention = set(
        deals_needing_attention(open_deals).values_list("pk", flat=True)[:500]
    )
    deals = list(
        open_deals.select_related("achievement", "counterparty").order_by(
            "-updated_at"
        )[:10]
    )
    if not deals and not organizer:
        return None
    return "tracker/includes/panel_deals.html", {
        "deals": deals,
        "attention": attention,
        "attention_count": len(attention),
        "open_count": open_deals.count(),
        "organizer": organizer,
        "may_start": may_start_deals(request.user),
    }


@panel(order=41)
def auctions_panel(request):
    """Approved investors and enterprises: the auctions they may register
    for and bid at now."""
    if not permissions.approved_investor_orgs(request.user):
        return None
    auctions = auctions_open_to(user=request.user)
    if not auctions:
        return None
    return "tracker/includes/panel_auctions.html", {
        "auctions": auctions[:5],
        "count": len(auctions),
    }


@panel(order=12)
def disclosure_review_panel(request):
    """Reviewers: disclosures of achievements the public may not see, waiting
    for their text to be cleared before they are published."""
    if not permissions.is_reviewer(request.user):
        return None
    waiting = disclosures_awaiting_review()
    count = waiting.count()
    if not count:
        return None
    return "tracker/includes/panel_disclosure_review.html", {
        "deals": list(
            waiting.select_related("achievement__owner", "counterparty").order_by(
                "stage_entered_at", "id"
            )[:50]
        ),
        "count": count,
    }


@detail_section(order=20)
def achievement_deals(request, achievement):
    """On an achievement's page: its deals the reader may see, and the way to
    register interest in it (approved investors and enterprises, its team,
    organizers)."""
    user = request.user
    if not user.is_authenticated:
        return None
    deals = list(
        deals_visible_to(user=user)
        .filter(achievement=achievement)
        .select_related("counterparty")
        .order_by("-updated_at")[:20]
    )
    can_create = user_can(user, "deal.create", achievement)
    if not deals and not can_create:
        return None
    return "tracker/includes/achievement_deals.html", {
        "deals": deals,
        "can_create": can_create,
        "achievement": achievement,
    }


@detail_section(order=15)
def achievement_evaluated(request, achievement):
    """On an achievement's page, for whoever may read it: 已评价, with the
    evaluations organizers confirmed on its deals (method, evaluator, date;
    the value stays with the deal's parties)."""
    evaluations = list(
        Deal.objects.filter(
            achievement=achievement, evaluation_cleared_at__isnull=False
        ).order_by("-evaluated_on", "-pk")[:10]
    )
    if not evaluations:
        return None
    return "tracker/includes/achievement_evaluated.html", {"evaluations": evaluations}


@inbox_item(order=40)
def deals_needing_follow_up(request):
    stalled = deals_needing_attention(Deal.objects.exclude(stage__in=Stage.ended()))
    return InboxItem(
        label=gettext("需跟进的转化项目"),
        count=stalled.count(),
        url=reverse("tracker:deals") + "?attention=1&open=1",
        hint=gettext("超过阶段时限未推进，或公示期有异议"),
    )


@inbox_item(order=45)
def objections_to_decide(request):
    deals = deals_with_open_objections().select_related("achievement")
    return InboxItem(
        label=gettext("待处理的公示异议"),
        count=Objection.objects.filter(status=ObjectionStatus.OPEN).count(),
        url=reverse("tracker:deals") + "?objections=1",
        hint=gettext("成立或不成立，并写明处理意见"),
        entries=tuple(
            (deal.achievement.title, reverse("tracker:deal", args=[deal.pk]))
            for deal in deals.order_by("pk")[:3]
        ),
    )
