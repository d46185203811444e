"""The weekly follow-up digest: each responsible person gets the deals of
theirs that need attention; organizers get those with nobody responsible.
Sent at most once per person per ISO week, whatever how often it runs;
never to whoever turned it off on the notification settings page."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import Role
from accounts.models import User
from accounts.notifications import email_footer, email_wanted
from mailing.services import email_send

from .enums import Stage
from .models import Deal, DigestSent
from .notices import DIGEST
from .selectors import deals_needing_attention

MAX_LISTED = 50


def _week(today: dt.date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def recipients(now: dt.datetime | None = None) -> dict[int, list[Deal]]:
    """User id → the deals needing attention they are responsible for."""
    deals = deals_needing_attention(
        Deal.objects.exclude(stage__in=Stage.ended()), now=now
    ).select_related("achievement", "counterparty")
    by_user: dict[int, list[Deal]] = defaultdict(list)
    unowned = []
    for deal in deals.order_by("updated_at"):
        people = {deal.owner_contact_id, deal.counterparty_contact_id} - {None}
        for user_id in people:
            by_user[user_id].append(deal)
        if not people:
            unowned.append(deal)
    if unowned:
        organizers = User.objects.filter(
            is_active=True, memberships__role=Role.ORGANIZER
        ).distinct()
        for user_id in organizers.values_list("pk", flat=True):
            by_user[user_id].extend(unowned)
    return by_user


def send_digest(*, now: dt.datetime | None = None) -> int:
    """Send this week's digests not yet sent; returns how many were sent."""
    now = now or timezone.now()
    week = _week(timezone.localtime(now).date())
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    wanted = recipients(now)
    users = User.objects.in_bulk(list(wanted))
    for user_id, deals in wanted.items():
        user = users.get(user_id)
        if user is None or not user.is_active or not user.email:
            continue
        if not email_wanted(user=user, kind=DIGEST):
            continue  # turned off on the notification settings page
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, week=week, deals=len(deals))
                with translation.override(settings.LANGUAGE_CODE):
                    subject, body = _message(deals, base)
                email_send(
                    to=[user.email],
                    subject=subject,
                    body=body,
                    key=f"deal-digest:{week}:{user.pk}",
                )
        except IntegrityError:
            continue  # already sent this week
        sent += 1
    return sent


def _message(deals: list[Deal], base: str) -> tuple[str, str]:
    subject = ngettext(
        "本周有 %(n)d 个成果转化项目需要跟进",
        "本周有 %(n)d 个成果转化项目需要跟进",
        len(deals),
    ) % {"n": len(deals)}
    lines = [subject + "：", ""]
    for deal in deals[:MAX_LISTED]:
        since = timezone.localtime(deal.updated_at).strftime("%Y-%m-%d")
        lines.append(
            _("· %(title)s → %(party)s（%(stage)s，%(since)s 以来无进展）")
            % {
                "title": deal.achievement.title,
                "party": deal.counterparty.name,
                "stage": deal.get_stage_display(),
                "since": since,
            }
        )
        lines.append(f"  {base}/deals/{deal.pk}/")
    if len(deals) > MAX_LISTED:
        lines.append(_("……以及另外 %(n)d 个。") % {"n": len(deals) - MAX_LISTED})
    lines += [
        "",
        _("全部需跟进的项目：%(url)s") % {"url": f"{base}/deals/?attention=1&open=1"},
        "",
        email_footer(),
    ]
    return subject, "\n".join(lines)
