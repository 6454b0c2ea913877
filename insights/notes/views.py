"""Pages for sales reps: log a call, my notes, edit and delete a note."""

from contextlib import nullcontext

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import can_change_note, can_delete_note
from deals.models import Account
from deals.selectors import account_search
from deals.services import account_create_prospect
from feedbackhub import next_url
from feedbackhub.errors import NotYours, nul_is_a_field_error
from feedbackhub.keyset import keyset_page
from insights.notes import selectors, services
from insights.notes.forms import (
    CallNoteForm,
    NoteFilterForm,
    account_label,
    find_account,
    log_call_initial,
)
from insights.notes.models import CallNote


def _note_fields(form: CallNoteForm, request) -> dict:
    """The form's note, as keyword arguments for the note services.

    A new prospect account is created here when the rep asked for one; the
    caller's `_one_write(form)` makes that and the note one write.
    """
    data = form.cleaned_data
    account = form.account_obj or account_create_prospect(name=data["account"], owner=request.user)
    fields = ("deal", "call_date", "body", "tags", "importance", "competitors", "quote")
    return {"account": account, **{name: data[name] for name in fields}}


def _one_write(form: CallNoteForm):
    """The transaction that makes a new prospect and its note one write.

    A note on an existing account is one write already (the service's own
    transaction); wrapping it again would only add a savepoint's round trips.
    """
    return transaction.atomic() if form.account_obj is None else nullcontext()


def _apply_service_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@nul_is_a_field_error
@permission_required("insights.add_callnote", raise_exception=True)
@require_http_methods(["GET", "POST"])
def log_call(request):
    form = CallNoteForm(request.POST or None, initial=log_call_initial(request.GET))
    duplicate, duplicate_message = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            with _one_write(form):
                note = services.note_create(
                    author=request.user,
                    need_theme_id=form.cleaned_data["theme"],
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                    **_note_fields(form, request),
                )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        except services.DuplicateNote as exc:
            duplicate, duplicate_message = exc.earlier, str(exc)
        else:
            # One confirmation, the banner above the form (not a message as well).
            return redirect(f"{reverse('log_call')}?saved={note.pk}")
    saved = None
    if request.GET.get("saved", "").isdigit():
        saved = selectors.saved_note(author=request.user, note_id=request.GET["saved"])
    # pick_need: the hint lets the rep say which known need this note is.
    context = {
        "form": form,
        "saved": saved,
        "pick_need": True,
        "duplicate": duplicate,
        "duplicate_message": duplicate_message,
    }
    return render(request, "insights/log_call.html", context)


@permission_required("insights.view_callnote", raise_exception=True)
@require_GET
def my_notes(request):
    filter_form = NoteFilterForm(request.GET or None)
    filters = selectors.NoteFilters()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = selectors.NoteFilters(
            q=data["q"],
            accounts=filter_form.account_ids,
            tag=data["tag"],
            importance=data["importance"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    notes = selectors.note_list(author=request.user, filters=filters)
    if filter_form.errors:
        # A filter that cannot be applied lists nothing, rather than every note
        # looking like the answer (the page says which filter to fix).
        notes = notes.none()
    page = keyset_page(
        notes, older=request.GET.get("older"), newer=request.GET.get("newer"), per_page=25
    )
    total = 0 if filter_form.errors else notes.count()
    query = request.GET.copy()
    for position in ("older", "newer", "page"):
        query.pop(position, None)
    return render(
        request,
        "insights/my_notes.html",
        {
            "page": page,
            "total": total,
            "filter_form": filter_form,
            "active_filters": sum(1 for name in filter_form.fields if request.GET.get(name)),
            "query": query.urlencode(),
        },
    )


@nul_is_a_field_error
@require_http_methods(["GET", "POST"])
def note_edit(request, pk: int):
    note = get_object_or_404(CallNote.objects.select_related("account", "deal"), pk=pk)
    if not can_change_note(request.user, note):
        raise NotYours("You can only edit your own notes: only its author can change a note.")
    initial = {
        "account": account_label(note.account),
        "deal": note.deal,
        "call_date": note.call_date,
        "body": note.body,
        "tags": ", ".join(note.tags.values_list("name", flat=True)),
        "importance": note.importance,
        "competitors": list(note.competitors.all()),
        "quote": note.quote,
    }
    form = CallNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with _one_write(form):
                services.note_update(note=note, user=request.user, **_note_fields(form, request))
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            # The service saved its own copy (a new prospect's account included).
            note = CallNote.objects.select_related("account").get(pk=note.pk)
            messages.success(request, f"Your note {_which(note)} is updated.")
            return redirect(next_url.safe_next(request, reverse("my_notes")))
    return render(
        request,
        "insights/note_edit.html",
        {"form": form, "note": note, "back": next_url.safe_next(request, reverse("my_notes"))},
    )


def _which(note: CallNote) -> str:
    """The note as the list shows it, so the message says which one changed:
    My notes can hold many notes of one day, and the edited one may now sit elsewhere."""
    return f"on {note.account.name} of {date_format(note.call_date)}"


@require_http_methods(["GET", "POST"])
def note_delete(request, pk: int):
    note = get_object_or_404(CallNote.objects.select_related("account"), pk=pk)
    if not can_delete_note(request.user, note):
        raise NotYours("You can only delete your own notes: only its author can delete a note.")
    if request.method == "POST":
        services.note_delete(note=note, user=request.user)
        messages.success(request, f"Your note {_which(note)} is deleted.")
        return redirect(next_url.safe_next(request, reverse("my_notes")))
    return render(
        request,
        "insights/note_confirm_delete.html",
        {"note": note, "back": next_url.safe_next(request, reverse("my_notes"))},
    )


@permission_required("deals.view_account", raise_exception=True)
@require_GET
def suggest_accounts(request):
    accounts = account_search(query=request.GET.get("account", ""))
    return render(
        request,
        "insights/_options.html",
        {"options": [account_label(a) for a in accounts]},
    )


@permission_required("deals.view_account", raise_exception=True)
@require_GET
def account_matches(request):
    """Accounts matching what the rep typed, however they typed it, to choose from.

    The type-ahead list (a datalist) shows only what the browser itself finds
    in the names, so "gran foo" would show nothing there; this list does. An
    exact name needs no choosing.
    """
    typed = request.GET.get("account", "")
    account, _ = find_account(typed) if typed.strip() else (None, "")
    accounts = [] if account else account_search(query=typed, limit=5)
    context = {"accounts": accounts, "legend": "Matching accounts"}
    return render(
        request, "insights/_account_matches.html", {**context, "hint": "Choose one, or type on."}
    )


@permission_required("insights.view_tag", raise_exception=True)
@require_GET
def suggest_tags(request):
    raw = request.GET.get("tags", "")
    done, _, current = raw.rpartition(",")
    prefix = f"{done}, " if done else ""
    names = selectors.tag_search(query=current)
    return render(request, "insights/_options.html", {"options": [prefix + n for n in names]})


@permission_required("deals.view_deal", raise_exception=True)
@require_GET
def deal_options(request):
    chosen = request.GET.get("account_choice", "")
    if chosen.isdigit():
        account = Account.objects.filter(pk=chosen).first()
    else:
        account, _ = find_account(request.GET.get("account", ""))
    deals = selectors.deals_for_account(account=account) if account else []
    return render(
        request,
        "insights/_deal_options.html",
        {"deals": deals, "selected": request.GET.get("deal", "")},
    )
