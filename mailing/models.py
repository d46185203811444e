import base64
import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.utils.translation import gettext_lazy

from .enums import EmailStatus


class Email(models.Model):
    """One message to one person: written in the transaction of the change
    that causes it, delivered by a background task, sent once (its ``key``)."""

    key = models.CharField(gettext_lazy("幂等键"), max_length=200, unique=True)
    to = models.EmailField(gettext_lazy("收件人"))
    subject = models.CharField(gettext_lazy("主题"), max_length=300)
    body = models.TextField(gettext_lazy("正文"))
    # [{"name", "mimetype", "content" (base64)}]: tickets and calendar files.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=EmailStatus.choices,
        default=EmailStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("尝试次数"), default=0)
    last_error = models.TextField(gettext_lazy("最近的错误"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("创建时间"), auto_now_add=True)
    next_try_at = models.DateTimeField(gettext_lazy("下次尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(gettext_lazy("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("邮件")
        verbose_name_plural = gettext_lazy("邮件")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=EmailStatus.SENT)
                | models.Q(sent_at__isnull=False),
                name="email_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    def message(self) -> EmailMessage:
        domain = self.from_domain()
        message = EmailMessage(
            self.subject,
            self.body,
            settings.DEFAULT_FROM_EMAIL,
            [self.to],
            # The same id on every attempt: a receiving server that got a
            # message whose delivery we could not record drops the repeat.
            headers={"Message-ID": f"<{self.key_digest()}@{domain}>"},
        )
        for part in self.attachments:
            message.attach(
                part["name"], base64.b64decode(part["content"]), part["mimetype"]
            )
        return message

    def key_digest(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]

    @staticmethod
    def from_domain() -> str:
        address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
        return address.rsplit("@", 1)[-1] or "localhost"
