"""Django admin for call notes and tags. Edits of a note go through the note services."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from insights.notes.models import CallNote, Tag


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


@admin.register(CallNote)
class CallNoteAdmin(admin.ModelAdmin):
    list_display = ["short_body", "account", "deal", "author", "importance", "call_date", "source"]
    list_filter = ["importance", "source", "account__segment", "account__region", "tags"]
    search_fields = ["body", "quote", "account__name", "external_id"]
    autocomplete_fields = ["author", "account", "deal", "tags", "competitors"]
    list_select_related = ["account", "deal", "author"]
    readonly_fields = ["theme", "created_at", "updated_at"]
    date_hierarchy = "call_date"

    @admin.display(description="Note")
    def short_body(self, obj: CallNote) -> str:
        return obj.body[:80]

    @admin.display(description="Theme")
    def theme(self, obj: CallNote) -> str:
        # Moving a note between themes is triage, done on the theme page.
        assignment = getattr(obj, "assignment", None)
        if assignment is None or assignment.theme_id is None:
            return "Unthemed"
        url = reverse("theme_page", args=[assignment.theme_id])
        return format_html('<a href="{}">{}</a>', url, assignment.theme)
