"""What the engine keeps of its work: note embeddings and the record of each run."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from insights.notes.models import CallNote


class NoteEmbedding(models.Model):
    """A note's sentence embedding, reused until its text or the model changes."""

    note = models.OneToOneField(
        CallNote, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model_name = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField(help_text="float32 values, L2-normalised")
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Embedding of note {self.note_id} ({self.model_name})"


class ClusteringRun(models.Model):
    """One theme engine run: when, how long, how much, what changed, and progress."""

    class Kind(models.TextChoices):
        FULL = "full", "Full regroup"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Nightly schedule"
        MANUAL = "manual", "Started by a person"
        THRESHOLD = "threshold", "Unthemed notes piled up"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FULL)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    notes_count = models.PositiveIntegerField(default=0)
    themes_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Fencing: raised by every claim. Only the worker holding the current
    # lease writes (progress, heartbeat, the result, the outcome), each write
    # conditional on it; a worker frozen past THEME_RUN_STALE_SECONDS whose run
    # was taken over finds its lease gone when it wakes, and stops.
    lease = models.PositiveIntegerField(default=0)
    held_by = models.CharField(
        max_length=200, blank=True, help_text="The Celery worker (node name) holding the lease."
    )
    redrives = models.PositiveSmallIntegerField(
        default=0, help_text="Times the reconciler queued it again (lost message, dead worker)."
    )

    class Meta:
        # People know it as a theme run (engine panel, admin); the class keeps
        # its old name so tables and queued messages stay as they are.
        verbose_name = "theme run"
        verbose_name_plural = "theme runs"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(state__in=["queued", "running"]),
                name="one_active_run_at_a_time",
                violation_error_message="A theme engine run is already queued or running.",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="run_progress_percentage"
            ),
        ]

    @property
    def seems_dead(self) -> bool:
        """Running, but its worker has sent no heartbeat for a while (it will be retried)."""
        if self.state != self.State.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at
        stale = dt.timedelta(seconds=settings.THEME_RUN_STALE_SECONDS)
        return last is None or timezone.now() - last > stale

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    def __str__(self) -> str:
        return f"Run #{self.pk} ({self.state})"
