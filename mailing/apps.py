from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class MailingConfig(AppConfig):
    name = "mailing"
    verbose_name = gettext_lazy("邮件")
    default_auto_field = "django.db.models.BigAutoField"
