from django.utils.functional import SimpleLazyObject

from . import notifications, permissions, standing


def roles(request):
    user = getattr(request, "user", None)
    return {
        "user_roles": permissions.roles_of(user) if user is not None else set(),
        # Read only by the pages that show them (the banner, the workspace's
        # card, the refusal page): the memberships are cached, so a person
        # who is not waiting costs no query.
        "investor_waiting": SimpleLazyObject(
            lambda: standing.waiting(user) if user is not None else []
        ),
        "investor_review": SimpleLazyObject(standing.typical_review_days),
        # The header's count: read only for a signed-in person's page (never
        # on the anonymous pages the public cache keeps).
        "notifications_unread": SimpleLazyObject(
            lambda: notifications.unread_count(user=user) if user is not None else 0
        ),
    }
