"""Call notes and the tags reps put on them: what a rep heard from one account."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Lower, Trim

from deals.models import Account, Competitor, Deal
from insights.notes import rules
from insights.notes.rules import Importance

# `body__length__lte=…` in constraints and queries.
models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)


class Tag(models.Model):
    """A short label reps attach to notes (`sso`, `pricing`), stored normalised.

    Tags are a signal for the theme engine, not the theme itself.
    """

    name = models.CharField(max_length=rules.TAG_MAX)
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
                violation_error_message=rules.TAG_EMPTY,
            ),
        ]

    @staticmethod
    def normalise(name: str) -> str:
        return " ".join(name.split()).lower()

    def clean(self) -> None:
        self.name = self.normalise(self.name)
        if not self.name:
            raise ValidationError({"name": rules.TAG_EMPTY})

    def save(self, *args, **kwargs) -> None:
        self.name = self.normalise(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


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
    body = models.TextField(max_length=rules.BODY_MAX)
    tags = models.ManyToManyField(Tag, blank=True, related_name="notes")
    importance = models.CharField(
        max_length=20, choices=Importance.choices, default=Importance.IMPORTANT
    )
    competitors = models.ManyToManyField(Competitor, blank=True, related_name="call_notes")
    quote = models.TextField(
        "verbatim customer quote", max_length=rules.QUOTE_MAX, blank=True, default=""
    )
    source = models.CharField(
        max_length=40,
        default=Source.WEB,
        help_text="Where the note came from: web, api, csv, or an integration's name.",
    )
    external_id = models.CharField(
        max_length=200, blank=True, default="", help_text="The note's id in the source system."
    )
    # True while no theme assignment row exists for the note (the inbox and the
    # reconciler's "waiting for a theme"). Kept by database triggers on the
    # assignments table (migration 0015), so every writer — placement, runs,
    # triage, bulk inserts — keeps it right without knowing about it. A
    # database default, so code that predates the column inserts notes too.
    awaiting_theme = models.BooleanField(db_default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("change_any_callnote", "Can change and delete notes written by others")]
        constraints = [
            # An empty body fails `blank` and `clean` first (which exclude the
            # field from constraint checks), so this message only shows for a
            # body that is too long.
            models.CheckConstraint(
                condition=models.Q(body__length__gte=1)
                & models.Q(body__length__lte=rules.BODY_MAX),
                name="note_body_length",
                violation_error_message=rules.BODY_TOO_LONG,
            ),
            models.CheckConstraint(
                condition=models.Q(quote__length__lte=rules.QUOTE_MAX),
                name="note_quote_length",
                violation_error_message=rules.QUOTE_TOO_LONG,
            ),
            models.CheckConstraint(
                condition=models.Q(importance__in=Importance.values),
                name="note_importance_valid",
                violation_error_message=rules.UNKNOWN_IMPORTANCE,
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="note_source_external_id_unique",
                violation_error_message="A note with this source and external id already exists.",
            ),
        ]
        indexes = [
            # The notes API's cursor order: each page is one range of this index.
            models.Index(fields=["-created_at", "-id"], name="note_newest_first_idx"),
            # The notes waiting for a theme, newest first: empty when none wait.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(awaiting_theme=True),
                name="note_awaiting_theme_idx",
            ),
            models.Index(fields=["author", "-created_at"], name="note_author_recent_idx"),
            # The duplicate guard of every save: the author's latest notes on one
            # account (a handful), not a bitmap of all the author's notes.
            models.Index(
                fields=["author", "account", "-created_at"], name="note_author_account_recent_idx"
            ),
            # My notes' order (most recent call first): each page is one range of it.
            models.Index(
                fields=["author", "-call_date", "-created_at", "-id"],
                name="note_author_calls_idx",
            ),
            models.Index(fields=["account", "-call_date"], name="note_account_date_idx"),
            models.Index(fields=["deal"], name="note_deal_idx"),
            models.Index(fields=["-call_date"], name="note_call_date_idx"),
            # The themes' reconciler looks for recently saved notes left unplaced.
            models.Index(fields=["updated_at"], name="note_updated_at_idx"),
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
            # The same for notes found by id (through a tag, a competitor or a theme's
            # assignments): a filter combination at a million notes looks up ~60,000 of them
            # (docs/performance.md).
            models.Index(
                fields=["id"],
                include=["account", "deal", "call_date", "author"],
                name="note_by_id_cover",
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
        # Model validation (full_clean) checks what concerns this row alone;
        # the note services run every rule, see insights.notes.rules.
        errors = {}
        if self.body is not None and not self.body.strip():
            errors["body"] = rules.BODY_EMPTY
        if self.deal_id and self.account_id:
            problem = rules.deal_problem(deal=self.deal, account_id=self.account_id)
            if problem:
                errors["deal"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def text_hash(self) -> str:
        """Fingerprint of what the theme engine reads; a change means re-embedding."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def __str__(self) -> str:
        return f"{self.account} — {self.body[:60]}"
