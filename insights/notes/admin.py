"""Django admin for call notes and tags. Edits of a note go through the note services."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from insights.notes import services
from insights.notes.forms import note_body_field, note_quote_field
from insights.notes.models import CallNote, Tag

_NOTE_FIELDS = ("account", "deal", "call_date", "body", "importance", "quote", "competitors")


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


class CallNoteAdminForm(forms.ModelForm):
    """The admin's note form; saving it means calling `note_create` or `note_update`.

    The services, not Django's model validation, judge the note: the same
    rules and messages as everywhere else, tags normalised, and the theme
    engine told in the same way. They run when the form is validated, inside
    the admin's transaction, so a refusal is a form error and nothing is saved.
    """

    body = note_body_field(widget=AdminTextareaWidget)
    quote = note_quote_field(label="Verbatim customer quote", widget=AdminTextareaWidget)

    confirm_duplicate = forms.BooleanField(
        required=False,
        label="Save even if it repeats a note",
        help_text="A note with the same text for the same account, saved by its author in the "
        "last few minutes, is refused unless this is ticked (another call, same words).",
    )

    user = None  # who is editing; set per request by CallNoteAdmin.get_form

    class Meta:
        model = CallNote
        fields = ["author", *_NOTE_FIELDS, "tags"]

    def clean_author(self):
        author = self.cleaned_data["author"]
        if author != self.user and not self.user.has_perm("insights.change_any_callnote"):
            raise forms.ValidationError("You can only log notes as yourself.")
        return author

    def _post_clean(self):
        # Replaces Django's model validation and instance building.
        if self.errors:
            return
        data = self.cleaned_data
        fields = {name: data[name] for name in _NOTE_FIELDS if name in data}
        fields["tags"] = [tag.name for tag in data.get("tags", [])]
        try:
            if self.instance.pk is None:
                self.instance = services.note_create(
                    author=data["author"],
                    confirm_duplicate=data.get("confirm_duplicate", False),
                    **fields,
                )
            else:
                self.instance = services.note_update(note=self.instance, user=self.user, **fields)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        except services.DuplicateNote as exc:
            self.add_error("body", f"{exc} Tick “Save even if it repeats a note” to save it.")
        except PermissionDenied as exc:
            self.add_error(None, str(exc))


@admin.register(CallNote)
class CallNoteAdmin(admin.ModelAdmin):
    form = CallNoteAdminForm
    list_display = ["short_body", "account", "deal", "author", "importance", "call_date", "source"]
    list_filter = ["importance", "source", "account__segment", "account__region", "tags"]
    search_fields = ["body", "quote", "account__name", "external_id"]
    autocomplete_fields = ["author", "account", "deal", "tags", "competitors"]
    list_select_related = ["account", "deal", "author"]
    readonly_fields = ["theme", "created_at", "updated_at"]
    date_hierarchy = "call_date"

    def get_readonly_fields(self, request, obj=None):
        # The services keep a note's author (and where it came from) as it was.
        fixed = ["author", "source", "external_id"] if obj else ["source", "external_id"]
        return [*self.readonly_fields, *fixed]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        pass  # saved by the note services when the form was validated

    def save_related(self, request, form, formsets, change):
        # Tags and competitors were set by the services too; only formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

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
