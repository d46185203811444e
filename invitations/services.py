"""Writes for invitations: sending them, the invitee's answers through the
personal link (accept, decline, delegate), reminders, and the places kept for
invited guests.  Each checks permission and state inside, writes in one
transaction, and writes its emails in that transaction (mailing.email_send)."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import InvestorStatus, Role, RoleChangeKind
from accounts.models import Membership, Organization, RoleChange, User, actor_of
from events.enums import Attendance, RoadshowStatus
from events.models import Registration, Roadshow
from events.registrations import (
    RegistrationError,
    attendance_options,
    registration_create,
    registration_window,
    waitlist_promote,
)
from events.services import roadshow_is_public
from mailing.services import email_send

from .enums import INVITED_KINDS, InvitationSource, InvitationStatus
from .models import Invitation, InvitationBatch, InvitationList, InvitedPerson
from .tokens import invitation_token

MAX_PEOPLE = 20


class InvitationError(Exception):
    """Not possible; the message is for the user."""


@dataclass(frozen=True)
class Invitee:
    """One organization to invite: the contact who receives the link, and
    the people to register when it is accepted (none: the contact)."""

    organization: Organization
    name: str
    email: str
    people: tuple[tuple[str, str], ...] = ()


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvitationError(
            _("“%(email)s”不是有效的邮箱地址。") % {"email": email}
        ) from exc
    return email


def _require_manager(by: Any, roadshow: Roadshow) -> None:
    # ``by=None`` is the system (the reminders command), never a request.
    if by is not None and not permissions.user_can(by, "invitation.manage", roadshow):
        raise InvitationError(_("只有组织方可以管理邀请。"))


def roadshow_invitation_problem(
    *, roadshow: Roadshow, now: dt.datetime | None = None
) -> str | None:
    """Why this roadshow takes no invitation (and no answer to one) now."""
    now = now or timezone.now()
    if roadshow.status == RoadshowStatus.CANCELLED:
        return _("该路演已取消，邀请不再有效。")
    if roadshow.status in RoadshowStatus.ended_states or roadshow.end <= now:
        return _("该路演已经结束，邀请不再有效。")
    if not roadshow_is_public(roadshow):
        return _("路演发布后才能发送邀请。")
    if now > registration_window(roadshow=roadshow, now=now).closes:
        return _("本场路演的报名已经截止，邀请不再有效。")
    return None


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def invitation_url(invitation: Invitation) -> str:
    return _base_url() + reverse(
        "invitations:detail", args=[invitation_token(invitation)]
    )


# ---------------------------------------------------------------------------
# Emails: one function each, composed here, queued in the transaction.


def _invitation_email(invitation: Invitation, *, reminder: bool = False) -> None:
    roadshow = invitation.roadshow
    values = {
        "name": invitation.name or invitation.email,
        "org": invitation.organization.name,
        "title": roadshow.title,
        "start": timezone.localtime(roadshow.start).strftime("%Y-%m-%d %H:%M"),
        "venue": roadshow.venue or roadshow.get_format_display(),
        "closes": timezone.localtime(
            registration_window(roadshow=roadshow).closes
        ).strftime("%Y-%m-%d %H:%M"),
        "url": invitation_url(invitation),
    }
    if reminder:
        subject = _("提醒：请答复路演邀请“%(title)s”") % values
    else:
        subject = _("路演邀请：%(title)s") % values
    body = (
        _(
            "%(name)s，您好！\n\n诚邀%(org)s参加“%(title)s”（%(start)s，%(venue)s）。\n\n请在 %(closes)s 前打开下面的个人链接答复：接受（并为受邀人员一并报名）、谢绝，或转交给同事。此链接仅供您本人使用，请勿转发。\n\n%(url)s\n\n科技成果路演平台"
        )
        % values
    )
    message = invitation.batch.message.strip()
    if message and not reminder:
        body = message + "\n\n" + body
    _send(subject, body, [invitation.email])


def _account_created_email(user: User, invitation: Invitation) -> None:
    link = _base_url() + reverse(
        "accounts:password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    subject = _("已为您创建路演平台账号")
    body = _(
        "%(name)s，您好！\n\n%(org)s已接受“%(title)s”的邀请，并为您报名；平台为您创建了账号（用户名：%(username)s），门票另见报名确认邮件。\n\n请打开下面的链接设置密码，之后可以登录查看门票、预约对接：\n%(link)s\n\n科技成果路演平台"
    ) % {
        "name": user.name or user.username,
        "org": invitation.organization.name,
        "title": invitation.roadshow.title,
        "username": user.username,
        "link": link,
    }
    _send(subject, body, [user.email])


def _send(subject: str, body: str, recipients: list[str]) -> None:
    # Written in the caller's transaction, delivered in the background.
    email_send(to=recipients, subject=subject, body=body)


# ---------------------------------------------------------------------------
# The organizers' side


@transaction.atomic
def invitations_send(
    *,
    roadshow: Roadshow,
    by: Any,
    invitees: list[Invitee],
    source: str = InvitationSource.HAND,
    saved_list: InvitationList | None = None,
    message: str = "",
) -> InvitationBatch:
    """Invite organizations to a roadshow, each by an email with its personal
    link.  All or nothing: one organization that may not be invited refuses
    the whole sending, saying which and why."""
    _require_manager(by, roadshow)
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    problem = roadshow_invitation_problem(roadshow=locked)
    if problem:
        raise InvitationError(problem)
    if not invitees:
        raise InvitationError(_("请至少选择一家机构。"))
    seen: set[int] = set()
    for invitee in invitees:
        org = invitee.organization
        if org.pk in seen:
            raise InvitationError(
                _("“%(org)s”在本次邀请中出现了两次。") % {"org": org.name}
            )
        seen.add(org.pk)
        if org.kind not in INVITED_KINDS:
            raise InvitationError(
                _("“%(org)s”（%(kind)s）不是可邀请的机构类型。")
                % {"org": org.name, "kind": org.get_kind_display()}
            )
        if locked.investors_only and org.investor_status != InvestorStatus.APPROVED:
            raise InvitationError(
                _("本场路演仅限已批准的投资方，“%(org)s”尚未获批。") % {"org": org.name}
            )
        if len(invitee.people) > MAX_PEOPLE:
            raise InvitationError(_("每家机构最多邀请 %(n)d 人。") % {"n": MAX_PEOPLE})
    already = (
        Invitation.objects.filter(roadshow=locked, organization_id__in=seen)
        .exclude(status=InvitationStatus.DELEGATED)
        .select_related("organization")
        .first()
    )
    if already is not None:
        raise InvitationError(
            _("“%(org)s”已受邀参加本场路演（%(status)s），不能重复邀请。")
            % {"org": already.organization.name, "status": already.get_status_display()}
        )
    batch = InvitationBatch.objects.create(
        roadshow=locked,
        source=source,
        saved_list=saved_list,
        message=message.strip()[:2000],
        created_by=actor_of(by),
    )
    for invitee in invitees:
        people = _clean_people(invitee.people)
        email = _clean_email(invitee.email)
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    roadshow=locked,
                    batch=batch,
                    organization=invitee.organization,
                    name=invitee.name.strip()[:100],
                    email=email,
                )
        except IntegrityError as exc:  # invited at the same moment elsewhere
            raise InvitationError(
                _("“%(org)s”已受邀参加本场路演，不能重复邀请。")
                % {"org": invitee.organization.name}
            ) from exc
        InvitedPerson.objects.bulk_create(
            InvitedPerson(invitation=invitation, name=name, email=person_email)
            for name, person_email in people
        )
        _invitation_email(invitation)
    return batch


def _clean_people(people) -> list[tuple[str, str]]:
    cleaned: list[tuple[str, str]] = []
    emails: set[str] = set()
    for name, email in people:
        email = _clean_email(email)
        name = (name or "").strip()[:100]
        if not name:
            raise InvitationError(_("请填写 %(email)s 的姓名。") % {"email": email})
        if email in emails:
            raise InvitationError(
                _("%(email)s 在受邀人员中出现了两次。") % {"email": email}
            )
        emails.add(email)
        cleaned.append((name, email))
    return cleaned


PERSON_LINE = re.compile(
    r"^\s*(?P<name>.*?)[\s,，;；<]*(?P<email>[^\s,，;；<>]+@[^\s,，;；<>]+)>?\s*$"
)


def parse_people(text: str) -> list[tuple[str, str]]:
    """ "姓名 邮箱" per line (also "姓名 <邮箱>" or "姓名，邮箱")."""
    people = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = PERSON_LINE.match(line)
        if found is None or not found["name"].strip():
            raise InvitationError(_("第 %(n)d 行应为“姓名 邮箱”。") % {"n": number})
        people.append((found["name"].strip(), found["email"]))
    return people


@transaction.atomic
def invitation_places_set(*, roadshow: Roadshow, places: int, by: Any) -> Roadshow:
    """Keep part of the capacity for invited guests; places no longer kept
    go to the waitlist at once."""
    _require_manager(by, roadshow)
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    if places < 0:
        raise InvitationError(_("预留名额不能为负数。"))
    if places and locked.capacity is None:
        raise InvitationError(_("本场路演未设现场名额上限，无需预留邀请名额。"))
    if locked.capacity is not None and places > locked.capacity:
        raise InvitationError(
            _("预留邀请名额不能超过现场名额（%(n)d）。") % {"n": locked.capacity}
        )
    freed = places < locked.invitation_places
    locked.invitation_places = places
    locked.save(update_fields=["invitation_places", "updated_at"])
    if freed:
        waitlist_promote(roadshow=locked)
    return locked


@transaction.atomic
def invitations_remind(
    *, roadshow: Roadshow, by: Any, now: dt.datetime | None = None
) -> int:
    """Remind every contact who has not answered (not twice on one day).
    Returns how many were reminded."""
    _require_manager(by, roadshow)
    now = now or timezone.now()
    problem = roadshow_invitation_problem(roadshow=roadshow, now=now)
    if problem:
        raise InvitationError(problem)
    today = timezone.localdate(now)
    pending = (
        Invitation.objects.select_for_update()
        .select_related("roadshow", "organization", "batch")
        .filter(roadshow=roadshow, status=InvitationStatus.PENDING)
    )
    reminded = 0
    for invitation in pending:
        if (
            invitation.reminded_at
            and timezone.localdate(invitation.reminded_at) == today
        ):
            continue
        invitation.reminders_sent += 1
        invitation.reminded_at = now
        invitation.save(update_fields=["reminders_sent", "reminded_at", "updated_at"])
        _invitation_email(invitation, reminder=True)
        reminded += 1
    return reminded


# ---------------------------------------------------------------------------
# The invitee's side, through the personal link


def _masked(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def is_someone_else(*, invitation: Invitation, user: Any) -> bool:
    """A signed-in person who is not the invitee (the link is personal)."""
    return (
        getattr(user, "is_authenticated", False)
        and (user.email or "").strip().lower() != invitation.email
    )


def invitation_problem(*, invitation: Invitation, user: Any) -> str | None:
    """Why this link may not answer now (as this visitor), or None."""
    when = (
        timezone.localtime(invitation.answered_at).strftime("%Y-%m-%d %H:%M")
        if invitation.answered_at
        else ""
    )
    if invitation.status == InvitationStatus.ACCEPTED:
        return _("此邀请已于 %(time)s 接受，链接不能再次使用。") % {"time": when}
    if invitation.status == InvitationStatus.DECLINED:
        return _("此邀请已于 %(time)s 谢绝，链接不能再次使用。") % {"time": when}
    if invitation.status == InvitationStatus.DELEGATED:
        successor = Invitation.objects.filter(delegated_from=invitation).first()
        return _("此邀请已于 %(time)s 转交给 %(email)s，请由对方用新的链接答复。") % {
            "time": when,
            "email": _masked(successor.email) if successor else "",
        }
    if is_someone_else(invitation=invitation, user=user):
        return _(
            "此邀请发给 %(email)s，您当前登录的账号不是受邀人。请退出登录后再打开链接，或请受邀人本人答复。"
        ) % {"email": _masked(invitation.email)}
    return roadshow_invitation_problem(roadshow=invitation.roadshow)


def _lock(invitation: Invitation, by: Any) -> Invitation:
    locked = (
        Invitation.objects.select_for_update()
        .select_related("roadshow", "organization", "batch")
        .get(pk=invitation.pk)
    )
    problem = invitation_problem(invitation=locked, user=by)
    if problem:
        raise InvitationError(problem)
    return locked


def _answered(invitation: Invitation, status: str, by: Any) -> None:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.answered_by = actor_of(by)


_USERNAME_CLEAN = re.compile(r"[^\w.@+-]")


def _new_username(email: str) -> str:
    base = _USERNAME_CLEAN.sub("", email.split("@")[0])[:30] or "guest"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


def _account_for(person: InvitedPerson, invitation: Invitation) -> tuple[User, bool]:
    """The person's account, found by email; or a new one (no password yet:
    the person sets one through the emailed link), a member of the invited
    organization as the organizers named them."""
    found = list(
        User.objects.filter(email__iexact=person.email).order_by("-is_active", "pk")
    )
    if found:
        user = found[0]
        if user.deactivated_at is not None:
            raise InvitationError(
                _("%(email)s 的账号已被停用，不能报名。") % {"email": person.email}
            )
        return user, False
    user = User(
        username=_new_username(person.email),
        name=person.name,
        email=person.email,
        is_active=True,
    )
    user.set_unusable_password()
    user.save()
    inviter = invitation.batch.created_by
    organization = invitation.organization
    # The organizers vouch for the people they named (and their contact);
    # a colleague a delegation brought in waits for them as any colleague
    # does, unless they approve this organization's colleagues at once.
    root = invitation
    while root.delegated_from_id is not None:
        root = root.delegated_from
    named = {root.email, *root.people.values_list("email", flat=True)}
    approved = person.email in named or organization.colleagues_auto_approved
    Membership.objects.create(
        user=user,
        organization=organization,
        role=Role.INVESTOR,
        added_by=inviter,
        approved=approved,
    )
    RoleChange.objects.create(
        user=user,
        organization=invitation.organization,
        role=Role.INVESTOR,
        kind=RoleChangeKind.GRANTED,
        by=inviter,
    )
    if approved:
        RoleChange.objects.create(
            user=user,
            organization=organization,
            role=Role.INVESTOR,
            kind=RoleChangeKind.APPROVED,
            by=inviter,
        )
    permissions.memberships_changed()
    return user, True


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, by: Any, attendance: str = Attendance.ONSITE
) -> list[Registration]:
    """Accept, and register every named person (the contact when nobody is
    named) in one step, through registration_create: on site they take the
    places kept for invited guests first.  A person who cannot be registered
    refuses the whole acceptance."""
    locked = _lock(invitation, by)
    roadshow = locked.roadshow
    if attendance not in attendance_options(roadshow):
        raise InvitationError(_("本场路演不提供该参加方式。"))
    people = list(locked.people.all())
    if not people:
        people = [
            InvitedPerson.objects.create(
                invitation=locked,
                name=locked.name or locked.email,
                email=locked.email,
            )
        ]
    registrations = []
    for person in people:
        user, created = _account_for(person, locked)
        existing = (
            Registration.objects.active().filter(roadshow=roadshow, user=user).first()
        )
        if existing is None:
            try:
                existing = registration_create(
                    roadshow=roadshow,
                    user=user,
                    attendance=attendance,
                    reserved=roadshow.invitation_places > 0,
                )
            except RegistrationError as exc:
                raise InvitationError(
                    _("%(name)s 无法报名：%(problem)s")
                    % {"name": person.name, "problem": exc}
                ) from exc
        person.registration = existing
        person.save(update_fields=["registration"])
        registrations.append(existing)
        if created:
            _account_created_email(user, locked)
    _answered(locked, InvitationStatus.ACCEPTED, by)
    locked.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    return registrations


@transaction.atomic
def invitation_decline(
    *, invitation: Invitation, by: Any, reason: str = ""
) -> Invitation:
    locked = _lock(invitation, by)
    _answered(locked, InvitationStatus.DECLINED, by)
    locked.reason = (reason or "").strip()[:2000]
    locked.save(
        update_fields=["status", "answered_at", "answered_by", "reason", "updated_at"]
    )
    return locked


@transaction.atomic
def invitation_delegate(
    *, invitation: Invitation, by: Any, name: str, email: str
) -> Invitation:
    """Hand the invitation to a colleague, who gets a new link; this one is
    used up.  Never back to anyone it has already passed through (a loop).
    The colleague takes the contact's place among the people to register."""
    locked = _lock(invitation, by)
    email = _clean_email(email)
    name = (name or "").strip()[:100]
    if not name:
        raise InvitationError(_("请填写同事的姓名。"))
    chain = []
    step: Invitation | None = locked
    while step is not None:
        chain.append(step.email)
        step = step.delegated_from
    if email == locked.email:
        raise InvitationError(_("不能把邀请转交给自己。"))
    if email in chain:
        raise InvitationError(
            _("此邀请已经由 %(email)s 转交过，不能再转回（转交不能成环）。")
            % {"email": email}
        )
    people = list(locked.people.all())
    _answered(locked, InvitationStatus.DELEGATED, by)
    locked.save(update_fields=["status", "answered_at", "answered_by", "updated_at"])
    successor = Invitation.objects.create(
        roadshow=locked.roadshow,
        batch=locked.batch,
        organization=locked.organization,
        name=name,
        email=email,
        delegated_from=locked,
    )
    copied, emails = [], set()
    for person in people:
        if person.email == locked.email:
            person_name, person_email = name, email
        else:
            person_name, person_email = person.name, person.email
        if person_email in emails:
            continue
        emails.add(person_email)
        copied.append(
            InvitedPerson(invitation=successor, name=person_name, email=person_email)
        )
    InvitedPerson.objects.bulk_create(copied)
    _invitation_email(successor)
    return successor
