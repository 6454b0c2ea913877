"""Themes, which notes are in them, the engine's runs, and each theme's timeline."""

from django.conf import settings
from django.db import models

from insights.notes.models import CallNote


class ThemeStatus(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"


# A change to one of these statuses is news for the reps whose notes are in the
# theme (the loop notifies them); the theme page says how many will hear it.
NOTIFYING_STATUSES = (
    ThemeStatus.PLANNED,
    ThemeStatus.IN_PROGRESS,
    ThemeStatus.SHIPPED,
    ThemeStatus.DECLINED,
)


class Theme(models.Model):
    """A group of notes that express the same need.

    Made by the theme engine, owned by product managers once they touch it:
    a manual title (`title_is_manual`), a status, a merge (`merged_into`) are
    decisions the engine never undoes. The statistics fields are a cache kept
    current by the engine's tasks; `version` guards against two people
    overwriting each other's edits.
    """

    title = models.CharField(max_length=200)
    title_is_manual = models.BooleanField(
        default=False, help_text="Set when a person renamed the theme; runs keep the title."
    )
    auto_title = models.CharField(max_length=200, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    representative_note_ids = models.JSONField(
        default=list, blank=True, editable=False, help_text="The notes that say it most typically."
    )
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ThemeStatus.choices, default=ThemeStatus.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_themes",
    )
    external_url = models.URLField("roadmap / issue link", blank=True)
    decision = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_themes"
    )
    centroid = models.BinaryField(null=True, blank=True, editable=False)
    placement_threshold = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="Least similarity to the centroid for a new note to be placed here.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # Statistics (insights.themes.figures, docs/definitions.md), refreshed by insights tasks.
    note_count = models.PositiveIntegerField(default=0, editable=False)
    account_count = models.PositiveIntegerField(default=0, editable=False)
    open_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0, editable=False)
    lost_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0, editable=False)
    won_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0, editable=False)
    weighted_revenue = models.DecimalField(
        "stage-weighted pipeline", max_digits=16, decimal_places=2, default=0, editable=False
    )
    weekly_mentions = models.JSONField(default=list, blank=True, editable=False)
    top_tags = models.JSONField(default=list, blank=True, editable=False)
    top_competitors = models.JSONField(default=list, blank=True, editable=False)
    last_mentioned_on = models.DateField(null=True, blank=True, editable=False)
    stats_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The day the stored period figures (ThemePeriodFigures) end on; the
    # dashboard reads them only when this is today for every theme it shows.
    stats_as_of = models.DateField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-open_revenue", "-note_count", "id"]
        permissions = [
            ("triage_theme", "Can triage themes (rename, merge, split, move notes, set status)"),
            ("run_engine", "Can start a theme engine run"),
            ("export_themes", "Can export the themes dashboard to CSV"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ThemeStatus.values), name="theme_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="theme_not_merged_into_itself",
                violation_error_message="A theme cannot be merged into itself.",
            ),
            models.CheckConstraint(
                condition=models.Q(title__length__gte=1), name="theme_title_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="theme_status_idx"),
            models.Index(fields=["-open_revenue"], name="theme_open_revenue_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ThemeAssignment(models.Model):
    """Which theme a note is in, who put it there, and whether that is final.

    A row with `locked=True` is a person's decision: the engine never moves
    that note. `theme=None` with `locked=True` means a person removed the note
    from its theme and it stays unthemed.
    """

    class AssignedBy(models.TextChoices):
        ENGINE = "engine", "Theme engine"
        PERSON = "person", "Person"

    note = models.OneToOneField(CallNote, on_delete=models.CASCADE, related_name="assignment")
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    assigned_by = models.CharField(
        max_length=10, choices=AssignedBy.choices, default=AssignedBy.ENGINE
    )
    assigned_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked = models.BooleanField(default=False)
    similarity = models.FloatField(null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(locked=False) | models.Q(assigned_by="person"),
                name="assignment_lock_is_a_person_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(theme__isnull=True, locked=False),
                name="assignment_unthemed_only_when_locked",
            ),
        ]
        indexes = [
            models.Index(fields=["theme", "note"], name="assignment_theme_note_idx"),
            models.Index(fields=["note"], include=["theme"], name="assignment_note_theme_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id} → {self.theme_id}"


class ThemeEvent(models.Model):
    """One line of a theme's timeline: who did what, and when (None = the engine)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        RENAMED = "renamed", "Renamed"
        DESCRIBED = "described", "Description changed"
        STATUS = "status", "Status changed"
        OWNER = "owner", "Owner changed"
        LINKED = "linked", "Link changed"
        DECISION = "decision", "Decision written"
        MERGED = "merged", "Merged"
        UNMERGED = "unmerged", "Merge undone"
        SPLIT = "split", "Split"
        NOTES_MOVED = "notes_moved", "Notes moved"
        NOTES_REMOVED = "notes_removed", "Notes removed"
        NOTES_ADDED = "notes_added", "Notes added"
        DISTINCT = "distinct", "Marked as a different need"
        ENGINE = "engine", "Updated by the engine"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["theme", "-created_at"], name="theme_event_timeline_idx")]

    def __str__(self) -> str:
        # Admin shows this above each timeline row: when, not the theme's id.
        when = f", {self.created_at:%d %b %Y %H:%M}" if self.created_at else ""
        return f"{self.get_kind_display()}{when}"
