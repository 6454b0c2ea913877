from django.contrib import admin
from django.db.models import Count

from .models import CallNote, ClusteringRun, Tag, Theme, ThemeAssignment, ThemeEvent


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "note_count", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_notes=Count("notes"))

    @admin.display(description="Notes", ordering="_notes")
    def note_count(self, obj: Tag) -> int:
        return obj._notes


class AssignmentInline(admin.StackedInline):
    model = ThemeAssignment
    extra = 0
    autocomplete_fields = ["theme"]
    readonly_fields = ["assigned_by", "assigned_by_user", "similarity", "assigned_at"]


@admin.register(CallNote)
class CallNoteAdmin(admin.ModelAdmin):
    list_display = ["short_body", "account", "deal", "author", "importance", "call_date", "source"]
    list_filter = ["importance", "source", "account__segment", "account__region", "tags"]
    search_fields = ["body", "quote", "account__name", "external_id"]
    autocomplete_fields = ["author", "account", "deal", "tags", "competitors"]
    list_select_related = ["account", "deal", "author"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "call_date"
    inlines = [AssignmentInline]

    @admin.display(description="Note")
    def short_body(self, obj: CallNote) -> str:
        return obj.body[:80]


class EventInline(admin.TabularInline):
    model = ThemeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "kind", "data"]
    max_num = 0


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
    readonly_fields = [
        "auto_title",
        "keywords",
        "note_count",
        "account_count",
        "open_revenue",
        "lost_revenue",
        "won_revenue",
        "stats_updated_at",
        "created_at",
        "updated_at",
    ]
    inlines = [EventInline]


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
