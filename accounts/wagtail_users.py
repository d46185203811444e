"""The app config that replaces ``wagtail.users`` in INSTALLED_APPS (kept
out of accounts/apps.py, where a second config would displace accounts' own)."""

from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users admin without the superuser switch
    (accounts.admin_users)."""

    user_viewset = "accounts.admin_users.UserViewSet"
