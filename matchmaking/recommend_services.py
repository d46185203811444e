"""Writes of the recommender: "不感兴趣" marks and the weekly digest choice."""

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.notifications import email_wanted, notification_email_set
from accounts.permissions import user_can
from achievements.models import Achievement

from .models import DismissedRecommendation
from .notices import DIGEST


def recommendation_dismiss(*, user: Any, achievement: Achievement) -> None:
    """Never recommend this achievement to the user again (until undone)."""
    if not user_can(user, "recommendation.dismiss", achievement):
        raise PermissionDenied
    DismissedRecommendation.objects.get_or_create(user=user, achievement=achievement)


def recommendation_restore(*, user: Any, achievement: Achievement) -> None:
    """Undo a "不感兴趣" mark."""
    if not user_can(user, "recommendation.dismiss", achievement):
        raise PermissionDenied
    DismissedRecommendation.objects.filter(user=user, achievement=achievement).delete()


def digest_preference_set(*, user: Any, weekly_digest: bool) -> bool:
    """The recommendations page's shortcut to the digest's switch on the
    notification settings page (one setting, kept there)."""
    if not user.is_authenticated:
        raise PermissionDenied
    notification_email_set(user=user, kind=DIGEST, email=weekly_digest)
    return weekly_digest


def digest_wanted(*, user: Any) -> bool:
    """Whether the user receives the weekly digest (yes unless turned off)."""
    return email_wanted(user=user, kind=DIGEST)
