from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = _("邀请")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (register the rules)
