"""Theme exports too big to stream in a request: built by a worker, downloaded when ready."""

from django.conf import settings
from django.db import models


class ThemeExport(models.Model):
    """One CSV export of the dashboard's view, asked for by one person.

    The worker fills `content` in chunks and counts `rows_done` of
    `rows_total` as it goes, which the progress page shows. Only the person
    who asked downloads it, and only while they may still export. A built
    file is kept THEME_EXPORT_KEEP_HOURS after it was ready, then deleted
    (`content` emptied, status `expired`); the row stays, so its page can say
    what happened.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="theme_exports"
    )
    filters = models.JSONField(help_text="The dashboard's filters the export was asked with.")
    sort = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed", "expired"]),
                name="theme_export_status_valid",
            )
        ]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0

    def __str__(self) -> str:
        return f"Export {self.pk} by {self.requested_by_id} ({self.status})"
