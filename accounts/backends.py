from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from . import permissions, ratelimit

# Django/Wagtail permission names answered by our role rules instead of groups.
_ROLE_PERMS = {
    "wagtailadmin.access_admin": "admin.access",
}


USER_TTL = 300


def user_cache_key(user_id) -> str:
    return f"auth:user:{user_id}"


class LoginDelayBackend:
    """Before any password is checked: a username that failed too often
    waits (accounts.ratelimit.login_wait) and is refused without a check.

    Marks the request: ``login_wait`` (refused, seconds to wait) or
    ``login_checked`` (the password is checked next), so that only checked
    passwords count as failures (accounts/signals.py) and the login form can
    say how long to wait.  Authenticates no one and has no ``get_user``, so
    sessions name the backend that did (as axes' backend)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        wait = ratelimit.login_wait(username)
        if request is not None:
            request.login_wait = wait
            request.login_checked = not wait
        if wait:
            raise PermissionDenied
        return None


class RoleBackend(ModelBackend):
    """Password authentication plus Wagtail's admin gate from our roles.

    The signed-in user is read from the shared cache (dropped whenever the
    user row is saved or deleted: accounts/signals.py), not from the
    database on every request."""

    def get_user(self, user_id):
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, USER_TTL)
        return user

    def has_perm(self, user_obj, perm, obj=None):
        action = _ROLE_PERMS.get(perm)
        if action is not None and permissions.user_can(user_obj, action):
            return True
        if user_obj.is_active and permissions.is_organizer(user_obj):
            # Organizers hold every model permission of the platform's own apps
            # and of the CMS; object rules are checked by our views.
            app_label = perm.split(".", 1)[0]
            if app_label in _ORGANIZER_APPS:
                return True
        return super().has_perm(user_obj, perm, obj)


_ORGANIZER_APPS = {
    "accounts",
    "achievements",
    "events",
    "cms",
    "wagtailcore",
    "wagtailimages",
    "wagtaildocs",
    "wagtailsnippets",
    "wagtailredirects",
    "wagtailsearch",
    "wagtailusers",
    "wagtailadmin",
    "wagtailsettings",
    "wagtailforms",
    "auth",
}
