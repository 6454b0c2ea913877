"""Django admin for themes and theme runs: edits go through triage; figures, keywords,
the merge target and the timeline are read-only (merges are made on the theme page)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from accounts.rules import can_triage
from feedbackhub.admin_display import money_column, titled, word_list
from insights.themes import triage
from insights.themes.admin_text import event_summary, run_changes, run_started_how
from insights.themes.models import ClusteringRun, Theme, ThemeEvent


class EventInline(admin.TabularInline):
    """The timeline, one readable line per event (the stored JSON holds note ids)."""

    model = ThemeEvent
    extra = 0
    can_delete = False
    fields = ["summary"]
    readonly_fields = fields
    max_num = 0
    verbose_name_plural = "Timeline"

    @admin.display(description="What happened, by whom, when")
    def summary(self, event: ThemeEvent) -> str:
        return event_summary(event)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


# Theme fields edited in admin → (triage service, its argument).
_TRIAGE_EDITS = {
    "title": (triage.theme_rename, "title"),
    "description": (triage.theme_describe, "description"),
    "external_url": (triage.theme_link, "url"),
    "decision": (triage.theme_write_decision, "decision"),
}


class ThemeAdminForm(forms.ModelForm):
    # Not a theme field: it goes with the status change into the timeline and the reps' news.
    reason = forms.CharField(
        label="Why (when declining)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to decline: the reps whose customers asked read it.",
    )

    class Meta:
        model = Theme
        fields = [
            "title",
            "title_is_manual",
            "description",
            "status",
            "owner",
            "external_url",
            "decision",
        ]

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner is not None and not can_triage(owner):
            raise ValidationError("The owner must be a product manager or an admin.")
        return owner

    def clean(self):
        data = super().clean()
        if "status" in self.changed_data and "status" in data:
            # The same rule as the theme page, from the same place (triage).
            try:
                triage.check_status_reason(status=data["status"], reason=data.get("reason", ""))
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


# Kept by the engine and the statistics task; shown, never edited.
_THEME_FIGURES = (
    "notes",
    "accounts",
    "open_revenue_money",
    "lost_revenue_money",
    "won_revenue_money",
    "stats_updated_at",
    "created_at",
    "updated_at",
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "owner",
        "notes",
        "accounts",
        "open_revenue_money",
        "lost_revenue_money",
        "merged_into",
    ]
    list_filter = ["status", "title_is_manual"]
    search_fields = ["title", "auto_title", "description"]
    autocomplete_fields = ["owner"]
    list_select_related = ["owner", "merged_into"]
    fields = [
        "title",
        "title_is_manual",
        "auto_title",
        "keywords_text",
        "description",
        "status",
        "reason",
        "owner",
        "external_url",
        "decision",
        "merged_into_link",
        *_THEME_FIGURES,
    ]
    readonly_fields = ["auto_title", "keywords_text", "merged_into_link", *_THEME_FIGURES]
    inlines = [EventInline]
    form = ThemeAdminForm
    notes = titled("note_count", "Notes")
    accounts = titled("account_count", "Accounts")
    open_revenue_money = money_column("open_revenue", "Revenue at stake")
    lost_revenue_money = money_column("lost_revenue", "Lost revenue")
    won_revenue_money = money_column("won_revenue", "Won revenue")

    @admin.display(description="Keywords")
    def keywords_text(self, theme: Theme) -> str:
        return word_list(theme.keywords)

    @admin.display(description="Merged into")
    def merged_into_link(self, theme: Theme) -> str:
        # Merging moves notes and is for good: it is done on the theme page,
        # with its confirmation, never by editing this field.
        if theme.merged_into_id is None:
            return "—"
        url = reverse("theme_page", args=[theme.merged_into_id])
        return format_html('<a href="{}">{}</a>', url, theme.merged_into)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # An edit here is a product decision like one made on the theme page: it
        # goes through triage, so that it lands in the timeline, a status change
        # tells the reps, and a merge moves the notes. Only the fields edited are
        # written, never the statistics this form loaded (the worker keeps those).
        theme, actor, data = Theme.objects.get(pk=obj.pk), request.user, form.cleaned_data
        for field in form.changed_data:
            if field == "status":
                theme = triage.theme_set_status(
                    theme=theme, actor=actor, status=data["status"], reason=data.get("reason", "")
                )
            elif field in _TRIAGE_EDITS:
                service, argument = _TRIAGE_EDITS[field]
                theme = service(theme=theme, actor=actor, **{argument: data[field] or ""})
            elif field == "owner":
                theme = triage.theme_set_owner(theme=theme, owner=data["owner"], actor=actor)
            elif field == "title_is_manual":
                Theme.objects.filter(pk=theme.pk).update(title_is_manual=data[field])


@admin.register(ClusteringRun)
class ClusteringRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "state",
        "started_how",
        "progress",
        "notes",
        "themes",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "trigger"]
    list_select_related = ["requested_by"]
    # What a person asks of a run first; the worker's bookkeeping (lease,
    # holder, redrives, phase) is folded away for whoever debugs the engine.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "state",
                    "started_how",
                    "created_at",
                    "started_at",
                    "finished_at",
                    "notes",
                    "themes",
                    "what_changed",
                    "error",
                ]
            },
        ),
        (
            "Internals",
            {
                "classes": ["collapse"],
                "fields": [
                    "kind",
                    "phase",
                    "progress",
                    "task_id",
                    "heartbeat_at",
                    "lease",
                    "held_by",
                    "redrives",
                ],
            },
        ),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    @admin.display(description="How it started", ordering="trigger")
    def started_how(self, run: ClusteringRun) -> str:
        return run_started_how(run)

    @admin.display(description="What changed")
    def what_changed(self, run: ClusteringRun) -> str:
        return run_changes(run.changes)

    notes = titled("notes_count", "Notes")
    themes = titled("themes_count", "Themes")

    def has_add_permission(self, request):
        return False
