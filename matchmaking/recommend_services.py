"""Writes of the recommender: "不感兴趣" marks and the weekly digest choice."""

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.permissions import user_can
from achievements.models import Achievement

from .models import DigestPreference, DismissedRecommendation


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


def digest_preference_set(*, user: Any, weekly_digest: bool) -> DigestPreference:
    if not user.is_authenticated:
        raise PermissionDenied
    preference, _created = DigestPreference.objects.update_or_create(
        user=user, defaults={"weekly_digest": weekly_digest}
    )
    return preference


def digest_wanted(*, user: Any) -> bool:
    """Whether the user receives the weekly digest (yes unless they opted out)."""
    return not DigestPreference.objects.filter(user=user, weekly_digest=False).exists()
