"""The weekly digest of new recommendations: each investor or demand-side
member with a mandate gets the fits not sent to them before.  Sent at most
once per person per ISO week, whatever how often it runs; never to those who
opted out, to inactive users or to users without an email address."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import Role
from accounts.models import User
from accounts.notifications import email_footer, users_not_wanting_email
from achievements.models import InvestorProfile
from mailing.services import email_send

from .models import DigestSent, RecommendationSent
from .notices import DIGEST
from .recommend import Recommendation, recommendations_for

MAX_LISTED = 10
# Looked at for new fits each week: the best this many, less those sent.
CONSIDERED = 50


def _week(today: dt.date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_recipients() -> list[User]:
    """Active members of investor organizations with a mandate, with an
    email address, who did not opt out."""
    orgs = InvestorProfile.objects.values("organization_id")
    opted_out = users_not_wanting_email(kind=DIGEST)
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.INVESTOR,
            memberships__organization_id__in=orgs,
        )
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .distinct()
        .order_by("pk")
    )


def new_fits(*, user: User) -> list[Recommendation]:
    sent = set(
        RecommendationSent.objects.filter(user=user).values_list(
            "achievement_id", flat=True
        )
    )
    return [
        r
        for r in recommendations_for(user=user, limit=CONSIDERED)
        if r.achievement.pk not in sent
    ][:MAX_LISTED]


def send_match_digest(*, now: dt.datetime | None = None) -> int:
    """Send this week's digests not yet sent; returns how many were sent."""
    now = now or timezone.now()
    week = _week(timezone.localtime(now).date())
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    sent = 0
    for user in digest_recipients():
        if DigestSent.objects.filter(user=user, week=week).exists():
            continue
        with translation.override(settings.LANGUAGE_CODE):
            fits = new_fits(user=user)
        if not fits:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, week=week, count=len(fits))
                RecommendationSent.objects.bulk_create(
                    [
                        RecommendationSent(
                            user=user, achievement=r.achievement, week=week
                        )
                        for r in fits
                    ]
                )
                with translation.override(settings.LANGUAGE_CODE):
                    subject, body = _message(fits, base)
                email_send(
                    to=[user.email],
                    subject=subject,
                    body=body,
                    key=f"matchmaking-digest:{week}:{user.pk}",
                )
        except IntegrityError:
            continue  # another run sent it this week
        sent += 1
    return sent


def _message(fits: list[Recommendation], base: str) -> tuple[str, str]:
    subject = ngettext(
        "本周有 %(n)d 项新成果符合您的投资偏好",
        "本周有 %(n)d 项新成果符合您的投资偏好",
        len(fits),
    ) % {"n": len(fits)}
    lines = [subject + "：", ""]
    for r in fits:
        lines.append(f"· {r.achievement.title}")
        lines.append(f"  {r.reason_text}")
        lines.append(f"  {base}{r.achievement.get_absolute_url()}")
    page = base + reverse("matchmaking:recommendations")
    lines += [
        "",
        _("全部推荐：%(url)s") % {"url": page},
        "",
        email_footer(),
    ]
    return subject, "\n".join(lines)
