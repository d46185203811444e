"""Notifications: telling a person that something happened to them — in
the workspace's list (always) and by email (unless they turned that kind
off on their settings page).

Every app may notify, so the registry lives here, in the leftmost app, and
each app registers what it knows (the way the workspace's panels are
registered): its *kinds* (``notification_kind``: the text, the label on
the settings page, who it concerns) and its *subjects*
(``notification_subject``: for a model, which of its records a person may
still see, and their titles — the subject's own visibility rule).

``notify`` is called by each app's services inside the transaction of the
change: it writes one ``Notification`` per person who may see the subject,
and queues one email per person (``mailing.email_send``, keyed on the
notification, so never twice) unless that person turned the kind's email
off. A notification stores ids, never a title: the list reads the title
through the subject's rule each time it is shown, so a notification about
an achievement later restricted tells nothing to someone who can no
longer see it (nor links there)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from mailing.services import email_send

from . import permissions
from .models import Notification, NotificationSetting, Organization

# --- the registry ----------------------------------------------------------

# (user, ids) -> {id: title} for the ids this user may still see.
Resolver = Callable[[Any, list[int]], dict[int, str]]


@dataclass(frozen=True)
class Kind:
    """A kind of notification.

    ``text`` is the line people read, with ``%(title)s`` (the subject's
    title, read through its visibility rule) and the kind's own values;
    ``values`` turns the stored codes into words in the reader's language.
    ``roles``: whom the settings page offers it to (empty: everyone).
    ``in_app=False`` for what is only ever emailed (the weekly digests):
    the settings page offers its email switch, nothing is listed."""

    key: str
    label: Any
    help: Any = ""
    text: Any = ""
    roles: frozenset[str] = frozenset()
    email_default: bool = True
    in_app: bool = True
    order: int = 100
    values: Callable[[dict], dict] | None = None
    # What the free note is (a reviewer's reason): "原因：…".
    note_label: Any = ""


_kinds: dict[str, Kind] = {}
_subjects: dict[str, Resolver] = {}


def notification_kind(
    key: str,
    *,
    label: Any,
    text: Any = "",
    help: Any = "",
    roles: Iterable[str] = (),
    email_default: bool = True,
    in_app: bool = True,
    order: int = 100,
    values: Callable[[dict], dict] | None = None,
    note_label: Any = "",
) -> Kind:
    kind = Kind(
        key=key,
        label=label,
        help=help,
        text=text,
        roles=frozenset(roles),
        email_default=email_default,
        in_app=in_app,
        order=order,
        values=values,
        note_label=note_label,
    )
    _kinds[key] = kind
    return kind


def notification_subject(model: type[models.Model]) -> Callable[[Resolver], Resolver]:
    """Register, for a model, which of its records a person may still see
    and their titles: resolver(user, ids) -> {id: title}."""

    def add(resolver: Resolver) -> Resolver:
        _subjects[model._meta.label_lower] = resolver
        return resolver

    return add


def kind_of(key: str) -> Kind | None:
    return _kinds.get(key)


def kinds_for(user: Any) -> list[Kind]:
    """The kinds the settings page offers this person (by their roles)."""
    roles = permissions.roles_of(user)
    return sorted(
        (k for k in _kinds.values() if not k.roles or k.roles & roles),
        key=lambda k: (k.order, k.key),
    )


# --- reads -----------------------------------------------------------------


def email_wanted(*, user: Any, kind: str) -> bool:
    """Whether this person receives this kind by email."""
    chosen = (
        NotificationSetting.objects.filter(user=user, kind=kind)
        .values_list("email", flat=True)
        .first()
    )
    if chosen is not None:
        return chosen
    registered = _kinds.get(kind)
    return registered.email_default if registered else True


def email_settings_of(*, user: Any) -> dict[str, bool]:
    """Kind -> emailed, for every kind the settings page offers this person."""
    chosen = dict(
        NotificationSetting.objects.filter(user=user).values_list("kind", "email")
    )
    return {k.key: chosen.get(k.key, k.email_default) for k in kinds_for(user)}


def users_not_wanting_email(*, kind: str) -> QuerySet:
    """Ids of the people who turned this kind's email off (for a kind that
    is emailed by default: the digests' recipients exclude them)."""
    return NotificationSetting.objects.filter(kind=kind, email=False).values("user_id")


def notifications_of(*, user: Any) -> QuerySet[Notification]:
    """One person's notifications, newest first — never anybody else's."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(*, user: Any) -> int:
    return notifications_of(user=user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it now: ``link`` is empty and the
    text neutral when its subject is no longer visible to them."""

    notification: Notification
    text: str
    note: str
    link: str
    visible: bool

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def _titles(user: Any, notifications: Iterable[Notification]) -> dict:
    """(subject type, id) -> title, for the subjects this user may see."""
    wanted: dict[str, set[int]] = {}
    for n in notifications:
        wanted.setdefault(n.subject_type, set()).add(n.subject_id)
    titles = {}
    for subject_type, ids in wanted.items():
        resolver = _subjects.get(subject_type)
        if resolver is None:
            continue
        for pk, title in resolver(user, sorted(ids)).items():
            titles[(subject_type, pk)] = title
    return titles


def _text(kind: Kind, title: str, params: dict) -> str:
    values = {k: v for k, v in params.items() if k != "note"}
    if kind.values is not None:
        values = {**values, **kind.values(values)}
    values = {k: str(v) for k, v in values.items()}
    return str(kind.text) % {**values, "title": title}


def _note(kind: Kind, params: dict) -> str:
    note = str(params.get("note", "") or "")
    if not note or not kind.note_label:
        return note
    return f"{kind.note_label}{pgettext('punctuation', '：')}{note}"


def shown_to(*, user: Any, notifications: Iterable[Notification]) -> list[Shown]:
    """The notifications as this person may read them now (the subjects'
    visibility judged now, in the current language)."""
    notifications = list(notifications)
    titles = _titles(user, notifications)
    result = []
    for n in notifications:
        kind = _kinds.get(n.kind)
        title = titles.get((n.subject_type, n.subject_id))
        if kind is None or title is None:
            label = kind.label if kind else _("通知")
            result.append(
                Shown(
                    notification=n,
                    text=_("%(kind)s：相关内容您已无权查看。") % {"kind": label},
                    note="",
                    link="",
                    visible=False,
                )
            )
            continue
        result.append(
            Shown(
                notification=n,
                text=_text(kind, title, n.params),
                note=_note(kind, n.params),
                link=n.link,
                visible=True,
            )
        )
    return result


def settings_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "accounts:notification_settings"
    )


def email_footer() -> str:
    """The line every notification and digest email ends with."""
    return _("不想收到此类邮件？在通知设置中关闭：%(url)s") % {"url": settings_url()}


# --- writes ----------------------------------------------------------------


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    subject: models.Model,
    link: str,
    params: dict[str, Any] | None = None,
    by: Any = None,
) -> list[Notification]:
    """Tell these people (less ``by``, who did it) that ``kind`` happened to
    ``subject``: one notification each for those who may see the subject
    now, and an email each unless they turned this kind's email off.
    Called inside the change's transaction: a rolled-back change tells
    nobody."""
    registered = _kinds.get(kind)
    if registered is None or not registered.in_app:
        raise ValueError(f"unknown notification kind {kind!r}")
    subject_type = subject._meta.label_lower
    resolver = _subjects.get(subject_type)
    if resolver is None:
        raise ValueError(f"no notification subject registered for {subject_type}")
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError("a notification links to a path on this site")
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    actor = getattr(by, "pk", None)
    people = sorted(
        {
            u.pk: u
            for u in users
            if u is not None and u.pk != actor and u.deactivated_at is None
        }.values(),
        key=lambda u: u.pk,
    )
    written = []
    with transaction.atomic():
        for user in people:
            title = resolver(user, [subject.pk]).get(subject.pk)
            if title is None:  # may not see it: told nothing
                continue
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                subject_type=subject_type,
                subject_id=subject.pk,
                link=link,
                params=params,
            )
            written.append(notification)
            if user.email and email_wanted(user=user, kind=kind):
                _email(notification, registered, title)
    return written


def _email(notification: Notification, kind: Kind, title: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = _text(kind, title, notification.params)
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        lines = [text]
        note = _note(kind, notification.params)
        if note:
            lines += ["", str(note)]
        lines += [
            "",
            _("查看详情：%(url)s") % {"url": base + notification.link},
            _("全部通知：%(url)s") % {"url": base + reverse("accounts:notifications")},
            "",
            "—",
            email_footer(),
            _("科技成果路演平台"),
        ]
        email_send(
            to=[notification.user.email],
            subject=text,
            body="\n".join(lines),
            key=f"notification:{notification.pk}",
        )


def notification_settings_set(
    *, user: Any, emails: dict[str, bool], by: Any
) -> dict[str, bool]:
    """Save one person's email choices (kinds the page offers them only)."""
    if getattr(by, "pk", None) != getattr(user, "pk", None):
        raise PermissionDenied
    offered = {k.key for k in kinds_for(user)}
    with transaction.atomic():
        for key, email in emails.items():
            if key not in offered:
                continue
            NotificationSetting.objects.update_or_create(
                user=user, kind=key, defaults={"email": bool(email)}
            )
    return email_settings_of(user=user)


def notification_email_set(*, user: Any, kind: str, email: bool) -> None:
    """One kind's email switch, from a shortcut elsewhere (the
    recommendations page's digest switch writes the same setting)."""
    if kind not in _kinds:
        raise ValueError(f"unknown notification kind {kind!r}")
    NotificationSetting.objects.update_or_create(
        user=user, kind=kind, defaults={"email": bool(email)}
    )


def notification_read(*, notification_id: int, by: Any) -> Notification:
    """Mark one of one's own notifications read (someone else's: 404)."""
    notification = notifications_of(user=by).filter(pk=notification_id).first()
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, by: Any) -> int:
    """Mark all of one's notifications read; how many were unread."""
    return (
        notifications_of(user=by)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


# --- accounts' own kind and subject -----------------------------------------

INVESTOR_DECIDED = "accounts.investor_decided"


def _investor_values(values: dict) -> dict:
    from .enums import InvestorStatus

    approved = values.get("status") == InvestorStatus.APPROVED
    return {
        "outcome": pgettext("notification", "已通过审核")
        if approved
        else pgettext("notification", "未通过审核")
    }


notification_kind(
    INVESTOR_DECIDED,
    label=gettext_lazy("机构注册审核结果"),
    help=gettext_lazy("贵机构的投资方/需求方注册申请通过或未通过审核时。"),
    text=gettext_lazy("贵机构“%(title)s”的注册申请%(outcome)s"),
    roles=("investor",),
    order=10,
    values=_investor_values,
    note_label=gettext_lazy("原因"),
)


MEMBER_APPROVED = "accounts.member_approved"
notification_kind(
    MEMBER_APPROVED,
    label=gettext_lazy("成员资格获批"),
    help=gettext_lazy("同事为您开通的投资方账号经组织方批准时。"),
    text=gettext_lazy("您在“%(title)s”的投资方成员资格已获组织方批准"),
    roles=("investor",),
    order=11,
)


@notification_subject(Organization)
def _organizations_of_member(user: Any, ids: list[int]) -> dict[int, str]:
    """Organizations the person still belongs to (confirmed or not)."""
    return dict(
        Organization.objects.filter(pk__in=ids, memberships__user_id=user.pk)
        .distinct()
        .values_list("pk", "name")
    )
