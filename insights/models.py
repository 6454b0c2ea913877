import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Lower, Trim

from deals.models import Account, Competitor, Deal

# `body__length__lte=…` in constraints and queries.
models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)

NOTE_BODY_MAX = 10_000
QUOTE_MAX = 1_000
TAG_MAX = 40
TAGS_PER_NOTE_MAX = 20


class Tag(models.Model):
    """A short label reps attach to notes (`sso`, `pricing`), stored normalised.

    Tags are a signal for the theme engine, not the theme itself.
    """

    name = models.CharField(max_length=TAG_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="tag_name_unique_ci",
                violation_error_message="This tag already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(name=Lower(Trim("name"))),
                name="tag_name_normalised",
                violation_error_message="Tag names are stored trimmed and in lower case.",
            ),
            models.CheckConstraint(
                condition=models.Q(name__length__gte=1),
                name="tag_name_not_empty",
                violation_error_message="A tag cannot be empty.",
            ),
        ]

    @staticmethod
    def normalise(name: str) -> str:
        return " ".join(name.split()).lower()

    def clean(self) -> None:
        self.name = self.normalise(self.name)
        if not self.name:
            raise ValidationError({"name": "A tag cannot be empty."})

    def save(self, *args, **kwargs) -> None:
        self.name = self.normalise(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class Importance(models.TextChoices):
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    IMPORTANT = "important", "Important"
    DEAL_BLOCKER = "deal_blocker", "Deal blocker"


class CallNote(models.Model):
    """One piece of sales-call feedback: what a rep heard from one account.

    Optionally tied to one deal of that same account, which ties the feedback
    to revenue. Notes pushed by other systems carry `source` + `external_id`
    so that sending them again updates instead of duplicating.
    """

    class Source(models.TextChoices):
        WEB = "web", "Web form"
        API = "api", "API"
        CSV = "csv", "CSV import"
        DEMO = "demo", "Demo data"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_notes"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="call_notes")
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="call_notes"
    )
    call_date = models.DateField()
    body = models.TextField(max_length=NOTE_BODY_MAX)
    tags = models.ManyToManyField(Tag, blank=True, related_name="notes")
    importance = models.CharField(
        max_length=20, choices=Importance.choices, default=Importance.IMPORTANT
    )
    competitors = models.ManyToManyField(Competitor, blank=True, related_name="call_notes")
    quote = models.TextField(
        "verbatim customer quote", max_length=QUOTE_MAX, blank=True, default=""
    )
    source = models.CharField(
        max_length=40,
        default=Source.WEB,
        help_text="Where the note came from: web, api, csv, or an integration's name.",
    )
    external_id = models.CharField(
        max_length=200, blank=True, default="", help_text="The note's id in the source system."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("change_any_callnote", "Can change and delete notes written by others")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(body__length__gte=1) & models.Q(body__length__lte=NOTE_BODY_MAX),
                name="note_body_length",
                violation_error_message=(
                    f"A note must have between 1 and {NOTE_BODY_MAX:,} characters."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(quote__length__lte=QUOTE_MAX),
                name="note_quote_length",
                violation_error_message=f"A quote can have at most {QUOTE_MAX:,} characters.",
            ),
            models.CheckConstraint(
                condition=models.Q(importance__in=Importance.values),
                name="note_importance_valid",
                violation_error_message="Unknown importance.",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="note_source_external_id_unique",
                violation_error_message="A note with this source and external id already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="note_author_recent_idx"),
            models.Index(fields=["account", "-call_date"], name="note_account_date_idx"),
            models.Index(fields=["deal"], name="note_deal_idx"),
            models.Index(fields=["-call_date"], name="note_call_date_idx"),
            # Covering indexes for the dashboard's filters: the matching notes'
            # account, deal and author are read from the index alone, without
            # visiting a million scattered table rows.
            models.Index(
                fields=["account", "call_date"],
                include=["id", "deal", "author"],
                name="note_account_date_cover",
            ),
            models.Index(
                fields=["call_date"],
                include=["id", "account", "deal", "author"],
                name="note_date_cover",
            ),
            # Note → deal from the index alone: which deals the notes naming a
            # competitor are on (competitor pages) without reading note bodies.
            models.Index(
                fields=["id"],
                include=["deal"],
                condition=models.Q(deal__isnull=False),
                name="note_deal_cover",
            ),
        ]

    def clean(self) -> None:
        errors = {}
        if self.body is not None and not self.body.strip():
            errors["body"] = "Write what the customer said; the note cannot be empty."
        if self.deal_id and self.account_id and self.deal.account_id != self.account_id:
            errors["deal"] = (
                "This deal belongs to another account. Pick one of this account's deals."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def text_hash(self) -> str:
        """Fingerprint of what the theme engine reads; a change means re-embedding."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def __str__(self) -> str:
        return f"{self.account} — {self.body[:60]}"


class ThemeStatus(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"


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

    # Statistics, as defined in PRODUCT.md, refreshed by insights tasks.
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

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-open_revenue", "-note_count", "id"]
        permissions = [
            ("triage_theme", "Can triage themes (rename, merge, split, move notes, set status)"),
            ("run_engine", "Can start a theme engine run"),
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

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None

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

    class Meta:
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
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    def __str__(self) -> str:
        return f"Run #{self.pk} ({self.state})"


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
        SPLIT = "split", "Split"
        NOTES_MOVED = "notes_moved", "Notes moved"
        NOTES_REMOVED = "notes_removed", "Notes removed"
        NOTES_ADDED = "notes_added", "Notes added"
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
        return f"{self.get_kind_display()} on {self.theme_id}"


# --- Closing the loop -------------------------------------------------------
# A theme's status change (a ThemeEvent of kind "status") is the "change" that
# notifications, webhook deliveries and win-back tasks hang off: each is
# unique per (recipient or endpoint or deal, event), so a retried or
# duplicated task can never deliver twice.

NOTIFYING_STATUSES = (
    ThemeStatus.PLANNED,
    ThemeStatus.IN_PROGRESS,
    ThemeStatus.SHIPPED,
    ThemeStatus.DECLINED,
)


class Notification(models.Model):
    """Tells one person that a theme their customers asked for changed status."""

    class Email(models.TextChoices):
        PENDING = "pending", "To send"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent (emails off)"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="+")
    old_status = models.CharField(max_length=20, choices=ThemeStatus.choices)
    new_status = models.CharField(max_length=20, choices=ThemeStatus.choices)
    # What the recipient's customers have in the theme, as it was at the change:
    # {"accounts": [{"id", "name"}], "deals": [{"id", "name", "account", "amount", "stage"}]}
    details = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="notification_once_per_change"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(email="pending"),
                name="notification_email_pending_idx",
            ),
        ]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def __str__(self) -> str:
        return f"{self.theme_id}: {self.old_status} → {self.new_status} for {self.recipient_id}"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL (Slack, a tracker) told about theme status changes, signed with its secret."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500, help_text="Receives a signed JSON POST per change.")
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        help_text="Shared secret for the X-FeedbackHub-Signature header (HMAC-SHA256).",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One change sent (or being retried) to one endpoint."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="webhook_delivery_once_per_change"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} · event {self.event_id} · {self.state}"


class WinBackTask(models.Model):
    """A deal lost while citing a theme that has now shipped: go back and sell."""

    class State(models.TextChoices):
        OPEN = "open", "To do"
        REOPENED = "reopened", "Deal reopened"
        DISMISSED = "dismissed", "Dismissed"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="winback_tasks")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="winback_tasks")
    event = models.ForeignKey(ThemeEvent, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="winback_tasks",
    )
    note = models.ForeignKey(CallNote, on_delete=models.SET_NULL, null=True, related_name="+")
    quote = models.TextField(blank=True, help_text="The customer's words that cited the theme.")
    lost_amount = models.DecimalField(max_digits=14, decimal_places=2)
    lost_at = models.DateTimeField()
    loss_reason = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-lost_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "deal"], name="winback_once_per_theme_deal"),
        ]
        indexes = [models.Index(fields=["owner", "state"], name="winback_owner_state_idx")]

    def __str__(self) -> str:
        return f"Win back {self.deal_id} for theme {self.theme_id}"


class OverviewSnapshot(models.Model):
    """The overview's figures for one period, as the worker last computed them."""

    period_days = models.PositiveIntegerField(unique=True)
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Overview, {self.period_days} days, {self.computed_at:%Y-%m-%d %H:%M}"


__all__ = [
    "Tag",
    "CallNote",
    "Importance",
    "Theme",
    "ThemeStatus",
    "ThemeAssignment",
    "NoteEmbedding",
    "ClusteringRun",
    "ThemeEvent",
    "Notification",
    "NOTIFYING_STATUSES",
    "WebhookEndpoint",
    "WebhookDelivery",
    "WinBackTask",
    "OverviewSnapshot",
]
