"""CSV import pages: upload, preview every problem, then import all or nothing."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from feedbackhub import csv_rows
from insights.notes import rules
from insights.notes.csv_import import KINDS

MAX_BYTES = 5 * 1024 * 1024
SESSION_KEY = "csv_import"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[("notes", "Call notes")])
    file = forms.FileField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("notes", "Call notes")]
        # Reps may create a prospect while logging a call, but bulk imports of
        # accounts and deals are for admins.
        if user.has_perm("deals.change_any_account"):
            choices.append(("accounts", "Accounts (admins)"))
        if user.has_perm("deals.change_any_deal"):
            choices.append(("deals", "Deals (admins)"))
        self.fields["kind"].choices = choices

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it as CSV UTF-8."
            ) from None


def _may_import(user) -> bool:
    return user.has_perm("insights.add_callnote") or user.has_perm("deals.change_any_account")


@require_http_methods(["GET", "POST"])
def import_csv(request):
    if not _may_import(request.user):
        raise PermissionDenied("You cannot import data.")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    checked = None
    if request.method == "POST" and request.POST.get("action") == "import":
        stashed = request.session.pop(SESSION_KEY, None)
        if not stashed:
            messages.error(request, "Upload the file again: the checked file expired.")
            return redirect("import_csv")
        try:
            count = csv_rows.run_import(KINDS[stashed["kind"]], stashed["text"], user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("import_csv")
        messages.success(request, f"Imported {count} {stashed['kind']}.")
        return redirect("import_csv")
    if request.method == "POST" and form.is_valid():
        kind, text = form.cleaned_data["kind"], form.cleaned_data["file"]
        checked = csv_rows.check(KINDS[kind], text, user=request.user)
        if checked.ok:
            request.session[SESSION_KEY] = {"kind": kind, "text": text}
    return render(
        request,
        "insights/import.html",
        {"form": form, "checked": checked, "note_rules": rules},
    )


@require_GET
def import_template(request, kind: str):
    if not _may_import(request.user):
        raise PermissionDenied("You cannot import data.")
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(csv_rows.template_csv(KINDS[kind]), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="feedbackhub-{kind}-template.csv"'
    return response
