"""Django admin for themes and engine runs: edits go through triage, figures are read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from accounts.rules import can_triage
from insights.themes import triage
from insights.themes.models import ClusteringRun, Theme, ThemeEvent


class EventInline(admin.TabularInline):
    model = ThemeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "kind", "data"]
    max_num = 0


# Theme fields edited in admin → (triage service, its argument).
_TRIAGE_EDITS = {
    "title": (triage.theme_rename, "title"),
    "description": (triage.theme_describe, "description"),
    "external_url": (triage.theme_link, "url"),
    "decision": (triage.theme_write_decision, "decision"),
    "status": (triage.theme_set_status, "status"),
}


class ThemeAdminForm(forms.ModelForm):
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
            "merged_into",
        ]

    def clean_merged_into(self):
        target = self.cleaned_data.get("merged_into")
        before = self.instance.merged_into_id if self.instance.pk else None
        if before and (target is None or target.pk != before):
            raise ValidationError("A merge is for good: it cannot be undone or moved here.")
        if target is not None and self.instance.pk and target.pk == self.instance.pk:
            raise ValidationError("A theme cannot be merged into itself.")
        return target

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner is not None and not can_triage(owner):
            raise ValidationError("The owner must be a product manager or an admin.")
        return owner


# Kept by the engine and the statistics task; shown, never edited.
_THEME_FIGURES = (
    "note_count",
    "account_count",
    "open_revenue",
    "lost_revenue",
    "won_revenue",
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
        "note_count",
        "account_count",
        "open_revenue",
        "lost_revenue",
        "merged_into",
    ]
    list_filter = ["status", "title_is_manual"]
    search_fields = ["title", "auto_title", "description"]
    autocomplete_fields = ["owner", "merged_into"]
    list_select_related = ["owner", "merged_into"]
    fields = [
        "title",
        "title_is_manual",
        "auto_title",
        "keywords",
        "description",
        "status",
        "owner",
        "external_url",
        "decision",
        "merged_into",
        *_THEME_FIGURES,
    ]
    readonly_fields = ["auto_title", "keywords", *_THEME_FIGURES]
    inlines = [EventInline]
    form = ThemeAdminForm

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
            if field in _TRIAGE_EDITS:
                service, argument = _TRIAGE_EDITS[field]
                theme = service(theme=theme, actor=actor, **{argument: data[field] or ""})
            elif field == "owner":
                theme = triage.theme_set_owner(theme=theme, owner=data["owner"], actor=actor)
            elif field == "title_is_manual":
                Theme.objects.filter(pk=theme.pk).update(title_is_manual=data[field])
        if "merged_into" in form.changed_data and data["merged_into"]:
            triage.theme_merge(source=theme, target=data["merged_into"], actor=actor)


@admin.register(ClusteringRun)
class ClusteringRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "state",
        "trigger",
        "phase",
        "progress",
        "notes_count",
        "themes_count",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "trigger"]
    readonly_fields = [f.name for f in ClusteringRun._meta.fields]

    def has_add_permission(self, request):
        return False
