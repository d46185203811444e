""" "我们可以对接": a team answers a published demand with its own published
achievement; the demand side is told and can take it to a meeting or say it
is not a fit.

A response stands on its own (``DemandResponse``): matchmaking requests live
in a roadshow's session, and most demands meet their answer when no session
is open.  Where a session takes requests now from both — the achievement on
show and the demand's organization registered, an approved demand side —
the response opens the meeting request there at once (the nearest such
session), and that request's email is the demand side's notice; otherwise
the demand side is emailed and sees the response on the demand's page and
in its workspace, and asks for the meeting from the achievement's page when
a session opens."""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import ratelimit
from accounts.enums import InvestorStatus, Role
from accounts.models import Organization, User
from accounts.permissions import user_can
from achievements.matching import demand_fit, open_demands
from achievements.models import Achievement, Demand
from achievements.selectors import achievement_audience
from mailing.services import email_send

from ..enums import DemandResponseStatus, Direction
from ..models import DemandResponse
from ..notices import demand_answered_notify, demand_declined_notify
from ..rules import team_orgs
from ..selectors import registered_orgs, sessions_for_request
from .base import MatchError, checked_text, link
from .requests import request_create

# Responses still waiting for the demand side, per team organization.
DEFAULT_QUOTA = 20
# Responses one person may send per hour.
DEFAULT_RATE = 10


def _quota() -> int:
    return getattr(settings, "DEMAND_RESPONSE_QUOTA", DEFAULT_QUOTA)


def _rate() -> int:
    return getattr(settings, "DEMAND_RESPONSE_RATE_PER_HOUR", DEFAULT_RATE)


def demand_side_people(*, demand: Demand) -> list[User]:
    """Who speaks for the demand: active members of its organization."""
    return list(
        User.objects.filter(
            is_active=True, memberships__organization_id=demand.organization_id
        )
        .distinct()
        .order_by("pk")
    )


def demand_respond(
    *, by: Any, demand: Demand, achievement: Achievement, message: str = ""
) -> DemandResponse:
    """A team member answers a demand with an achievement of the team's own
    organization: once per pair, within the team's quota and the person's
    rate; opens a meeting request where a session allows."""
    if not (by is not None and by.is_authenticated):
        raise MatchError(_("请先登录。"))
    message = checked_text(message)
    if achievement.owner_id not in team_orgs(by):
        raise MatchError(_("只有成果团队成员可以用本单位的成果响应需求。"))
    if achievement_audience(achievement=achievement) is None:
        raise MatchError(_("该成果尚未发布，不能用于响应需求。"))
    if not user_can(by, "demand.view", demand) or not (
        open_demands().filter(pk=demand.pk).exists()
    ):
        raise MatchError(_("该需求未发布或已过截止日期。"))
    if demand.organization_id == achievement.owner_id:
        raise MatchError(_("不能响应本单位的需求。"))
    demand_org = Organization.objects.get(pk=demand.organization_id)
    if (
        achievement_audience(achievement=achievement) == "investors"
        and demand_org.investor_status != InvestorStatus.APPROVED
    ):
        raise MatchError(
            _("该成果仅向已批准的投资方/需求方公开，需求单位尚未获批准，无法查看。")
        )
    if not ratelimit.allow("demand-respond", by.pk, limit=_rate(), window=3600):
        raise MatchError(
            _("响应过于频繁：每人每小时最多 %(n)d 次，请稍后再试。") % {"n": _rate()}
        )
    fit = demand_fit(demand=demand, achievement=achievement)
    with transaction.atomic():
        # The team's quota is counted under its organization's row lock.
        Organization.objects.select_for_update().get(pk=achievement.owner_id)
        if DemandResponse.objects.filter(
            demand=demand, achievement=achievement
        ).exists():
            raise MatchError(_("已用该成果响应过这项需求，请勿重复提交。"))
        waiting = DemandResponse.objects.filter(
            team_org_id=achievement.owner_id, status=DemandResponseStatus.OPEN
        ).count()
        if waiting >= _quota():
            raise MatchError(
                _(
                    "贵单位待需求方查看的响应已达上限（%(n)d 个），"
                    "请等待对方回复后再响应新的需求。"
                )
                % {"n": _quota()}
            )
        try:
            with transaction.atomic():
                response = DemandResponse.objects.create(
                    demand=demand,
                    achievement=achievement,
                    team_org_id=achievement.owner_id,
                    responder=by,
                    message=message,
                    score=min(fit.score, 100),
                )
        except IntegrityError as exc:
            raise MatchError(_("已用该成果响应过这项需求，请勿重复提交。")) from exc
        request = _open_request(by=by, response=response, demand_org=demand_org)
        if request is None:
            _tell_demand_side(response, by=by)
    return response


def _open_request(*, by: Any, response: DemandResponse, demand_org: Organization):
    """The meeting request in the nearest session that takes one from this
    team to this demand side now, or None."""
    if demand_org.investor_status != InvestorStatus.APPROVED:
        return None
    for session in sessions_for_request(achievement=response.achievement):
        if demand_org.pk not in registered_orgs(session=session):
            continue
        note = _("（响应技术需求“%(title)s”）") % {"title": response.demand.title}
        try:
            with transaction.atomic():
                request = request_create(
                    by=by,
                    session=session,
                    achievement=response.achievement,
                    investor_org=demand_org,
                    direction=Direction.TO_INVESTOR,
                    message=checked_text(f"{response.message}\n{note}".strip()),
                )
        except MatchError:
            # Over the session's quota, a pair already open …: the response
            # stands and the demand side is told the usual way.
            continue
        response.meeting_request = request
        response.status = DemandResponseStatus.MEETING
        response.save(update_fields=["meeting_request", "status", "updated_at"])
        return request
    return None


def _tell_demand_side(response: DemandResponse, *, by: Any) -> None:
    """Tell the demand's people (a notification each, in the transaction);
    for a demand collected in bulk whose organization has nobody here yet,
    email its contact address — which learns only a public achievement's
    title: an email never tells more than the pages."""
    demand = response.demand
    people = demand_side_people(demand=demand)
    if people:
        demand_answered_notify(users=people, response=response, by=by)
        return
    if not demand.organization.contact_email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        public = achievement_audience(achievement=response.achievement) == "public"
        values = {
            "team": response.team_org.name,
            "demand": demand.title,
            "title": response.achievement.title
            if public
            else _("（该成果仅向已批准的投资方/需求方公开）"),
            "score": response.score,
            "message": response.message,
            "url": link(demand.get_absolute_url()),
        }
        email_send(
            to=[demand.organization.contact_email],
            subject=_("有成果团队响应了您的需求：%(demand)s") % values,
            body=_(
                "%(team)s 表示可以对接您发布的“%(demand)s”，推荐的成果：%(title)s（匹配度 %(score)d/100）。\n"
                "%(message)s\n查看并回复：%(url)s"
            )
            % values,
        )


def demand_response_decline(
    *, by: Any, response: DemandResponse, note: str = ""
) -> DemandResponse:
    """The demand side says the response is not a fit (the team is told)."""
    note = checked_text(note, limit=300)
    if not user_can(by, "demand_response.answer", response):
        raise MatchError(_("只有需求单位的成员可以回复该响应。"))
    with transaction.atomic():
        response = DemandResponse.objects.select_for_update().get(pk=response.pk)
        if response.status != DemandResponseStatus.OPEN:
            raise MatchError(_("该响应已处理。"))
        response.status = DemandResponseStatus.DECLINED
        response.decline_note = note
        response.save(update_fields=["status", "decline_note", "updated_at"])
        team = User.objects.filter(
            is_active=True,
            memberships__organization_id=response.team_org_id,
            memberships__role=Role.TEAM,
        ).distinct()
        demand_declined_notify(users=team, response=response, note=note, by=by)
    return response
