from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import JobState


class Job(models.Model):
    """A slow piece of work someone started from a page: what it is, how far
    it has got and what came of it, for the page to show while it runs."""

    kind = models.CharField(max_length=60)
    # What it works on, for the handler (ids and flags, never records).
    params = models.JSONField(default=dict)
    # The one unfinished job per subject (``matchmaking.session:5``).
    subject = models.CharField(max_length=80)
    state = models.CharField(
        _("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    # The outcome in the starter's words and language.
    message = models.TextField(blank=True)
    # What came of it, for the page that shows it (an import's report, the
    # private file an export wrote): plain values, never records.
    result = models.JSONField(default=dict, blank=True)
    # For organizers and logs only: never shown to the starter.
    error = models.TextField(blank=True)
    language = models.CharField(max_length=10)
    request_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life of a running job (its start, each progress).
    seen_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(state__in=["queued", "running"]),
                name="job_one_unfinished_per_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(total__isnull=True)
                | models.Q(done__lte=models.F("total")),
                name="job_done_within_total",
            ),
        ]
        indexes = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state not in JobState.unfinished_states()

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
