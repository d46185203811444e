from django.utils.functional import SimpleLazyObject

from . import permissions, standing


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
    }
