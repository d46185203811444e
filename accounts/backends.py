from django.contrib.auth.backends import ModelBackend

from . import permissions

# Django/Wagtail permission names answered by our role rules instead of groups.
_ROLE_PERMS = {
    "wagtailadmin.access_admin": "admin.access",
}


class RoleBackend(ModelBackend):
    """Password authentication plus Wagtail's admin gate from our roles."""

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
