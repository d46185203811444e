"""What matchmaking tells people (accounts.notifications): a meeting request
asked of them, the answer to one of theirs (accepted, declined, expired,
called off), their meetings placed, moved or dropped by the schedule, the
other side's record of a meeting, and the answers to a published demand —
in the workspace's list and by email, each kind switchable on the settings
page; and the switch for the weekly digest of recommendations.

A notification stores codes and ids; the words are read in the reader's
language when shown. Its title is read through the subject's rule each
time: a meeting request's parties always see that it concerns them, but
its achievement's title only while they may see the achievement (the team
sees its own); a demand's answer shows the demand's title to its sides."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.enums import Role
from accounts.notifications import notification_kind, notification_subject, notify
from achievements.selectors import achievement_is_published_to

from .enums import DeclineReason, Outcome, Unplaced
from .models import DemandResponse, MeetingRequest

DIGEST = "matchmaking.digest"
REQUEST_NEW = "matchmaking.request_new"
REQUEST_ANSWERED = "matchmaking.request_answered"
MEETING = "matchmaking.meeting"
OUTCOME = "matchmaking.outcome"
DEMAND_ANSWERED = "matchmaking.demand_answered"
DEMAND_DECLINED = "matchmaking.demand_declined"

BOTH_SIDES = (Role.TEAM, Role.INVESTOR)


def _label(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _answer(values: dict) -> dict:
    """The answer's words, from its stored code."""
    what = values.get("what", "")
    org = values.get("org", "")
    if what == "accepted":
        line = _("%(org)s 已接受约见请求") % {"org": org}
    elif what == "declined":
        line = _("%(org)s 婉拒了约见请求（%(reason)s）") % {
            "org": org,
            "reason": _label(DeclineReason, values.get("reason", "")),
        }
    elif what == "expired":
        line = _("约见请求未在期限内回复，已过期")
    elif org:
        line = _("%(org)s 取消了约见") % {"org": org}
    else:
        line = _("约见已取消")
    return {"what": line}


def _meeting(values: dict) -> dict:
    change = values.get("change", "")
    lines = {
        "placed": _("会面已安排"),
        "moved": _("会面时间已调整"),
        "dropped": _("会面因重新编排取消"),
    }
    if change == "unplaced":
        line = _("约见未能安排（%(reason)s）") % {
            "reason": _label(Unplaced, values.get("reason", ""))
        }
    else:
        line = lines.get(change, change)
    where = ""
    if change in ("placed", "moved") and values.get("when"):
        where = _("（%(when)s，%(place)s）") % {
            "when": values["when"],
            "place": values.get("place", ""),
        }
    return {"what": line, "where": where}


def _outcome(values: dict) -> dict:
    return {"outcome": _label(Outcome, values.get("outcome", ""))}


notification_kind(
    REQUEST_NEW,
    label=gettext_lazy("新的约见请求"),
    help=gettext_lazy("有机构希望在对接会上与贵单位就成果见面时。"),
    text=gettext_lazy(
        "%(org)s 希望就“%(title)s”与贵单位见面（%(roadshow)s），请在 %(until)s 前回复"
    ),
    roles=BOTH_SIDES,
    order=40,
    note_label=gettext_lazy("留言"),
)
notification_kind(
    REQUEST_ANSWERED,
    label=gettext_lazy("约见请求的答复"),
    help=gettext_lazy("约见请求被接受、婉拒、取消或过期时。"),
    text=gettext_lazy("%(what)s：%(title)s"),
    roles=BOTH_SIDES,
    order=41,
    values=_answer,
    note_label=gettext_lazy("说明"),
)
notification_kind(
    MEETING,
    label=gettext_lazy("会面的安排与变动"),
    help=gettext_lazy("您的会面被安排、调整时间、取消或未能排入对接会时。"),
    text=gettext_lazy("%(what)s：%(title)s%(where)s"),
    roles=BOTH_SIDES,
    order=42,
    values=_meeting,
)
notification_kind(
    OUTCOME,
    label=gettext_lazy("对方记录的会面结果"),
    help=gettext_lazy("会面的另一方记录会面结果时。"),
    text=gettext_lazy("对方记录了关于“%(title)s”的会面结果：%(outcome)s"),
    roles=BOTH_SIDES,
    order=43,
    values=_outcome,
)
notification_kind(
    DEMAND_ANSWERED,
    label=gettext_lazy("技术需求收到响应"),
    help=gettext_lazy("有成果团队表示可以对接贵单位发布的技术需求时。"),
    text=gettext_lazy(
        "%(team)s 表示可以对接您的需求“%(title)s”（匹配度 %(score)s/100）"
    ),
    roles=(Role.INVESTOR,),
    order=44,
    note_label=gettext_lazy("留言"),
)
notification_kind(
    DEMAND_DECLINED,
    label=gettext_lazy("需求方对响应的答复"),
    help=gettext_lazy("需求方认为您响应的成果不适合其需求时。"),
    text=gettext_lazy("需求方认为您响应的成果不适合其需求“%(title)s”"),
    roles=(Role.TEAM,),
    order=45,
    note_label=gettext_lazy("说明"),
)
notification_kind(
    DIGEST,
    label=gettext_lazy("每周推荐邮件"),
    help=gettext_lazy("每周一封：符合贵机构投资偏好的新成果。"),
    roles=(Role.INVESTOR,),
    order=91,
    in_app=False,
)


@notification_subject(MeetingRequest)
def _requests_seen(user: Any, ids: list[int]) -> dict[int, str]:
    """A party's requests: the achievement's title where the reader may see
    the achievement, a neutral label where no longer."""
    from accounts.permissions import user_can

    titles = {}
    requests = MeetingRequest.objects.filter(pk__in=ids).select_related("achievement")
    for request in requests:
        if not user_can(user, "match.request_view", request):
            continue
        sees = request.team_org_id in permissions.organization_ids(
            user
        ) or achievement_is_published_to(user=user, achievement=request.achievement)
        titles[request.pk] = (
            request.achievement.title if sees else _("（该成果已不公开）")
        )
    return titles


@notification_subject(DemandResponse)
def _responses_seen(user: Any, ids: list[int]) -> dict[int, str]:
    """The demand's title, to the demand's side and the answering team."""
    orgs = permissions.organization_ids(user)
    responses = DemandResponse.objects.filter(pk__in=ids).select_related("demand")
    return {
        r.pk: r.demand.title
        for r in responses
        if permissions.is_organizer(user)
        or r.demand.organization_id in orgs
        or r.team_org_id in orgs
    }


def _request_link(request: MeetingRequest) -> str:
    return reverse("matchmaking:request", args=[request.pk])


def request_notify(
    *,
    users: Any,
    kind: str,
    request: MeetingRequest,
    by: Any = None,
    **params: Any,
) -> None:
    """Tell a request's people (``users``, less ``by``) of ``kind``, in the
    change's transaction."""
    notify(
        users=users,
        kind=kind,
        subject=request,
        link=_request_link(request),
        params={k: str(v) for k, v in params.items() if v not in (None, "")},
        by=by,
    )


def demand_answered_notify(*, users: Any, response: DemandResponse, by: Any) -> None:
    notify(
        users=users,
        kind=DEMAND_ANSWERED,
        subject=response,
        link=response.demand.get_absolute_url(),
        params={
            "team": response.team_org.name,
            "score": str(response.score),
            "note": response.message,
        },
        by=by,
    )


def demand_declined_notify(
    *, users: Any, response: DemandResponse, note: str, by: Any
) -> None:
    notify(
        users=users,
        kind=DEMAND_DECLINED,
        subject=response,
        link=response.demand.get_absolute_url(),
        params={"note": note},
        by=by,
    )
