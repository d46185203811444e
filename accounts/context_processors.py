from . import permissions


def roles(request):
    user = getattr(request, "user", None)
    return {
        "user_roles": permissions.roles_of(user) if user is not None else set(),
    }
