from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from . import permissions

# Django/Wagtail permission names answered by our role rules instead of groups.
_ROLE_PERMS = {
    "wagtailadmin.access_admin": "admin.access",
}


USER_TTL = 300


def user_cache_key(user_id) -> str:
    return f"auth:user:{user_id}"


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
