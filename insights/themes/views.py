"""Product pages: the themes dashboard and a theme's page with its triage actions."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Region, Team
from accounts.rules import can_triage
from deals.models import Competitor, Segment, Stage
from feedbackhub import periods, visits
from feedbackhub.paging import fetch_page, page_of
from insights.notes.models import Tag
from insights.themes import dashboard as dashboard_figures
from insights.themes import export_views, exports, note_moves, triage
from insights.themes import selectors as theme_selectors
from insights.themes.models import NOTIFYING_STATUSES, Theme, ThemeStatus


class DashboardFilterForm(forms.Form):
    """The dashboard's view, all in the URL so it can be shared."""

    sort = forms.ChoiceField(choices=list(dashboard_figures.SORTS.items()), required=False)
    period = forms.ChoiceField(choices=periods.choices(all_time=True), required=False)
    segment = forms.ChoiceField(choices=[("", "Any segment"), *Segment.choices], required=False)
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False)
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=Team.Kind.SALES),
        required=False,
        empty_label="Any sales team",
    )
    tag = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "Tag"}))
    stage = forms.ChoiceField(choices=[("", "Any deal stage"), *Stage.choices], required=False)
    competitor = forms.ModelChoiceField(
        queryset=Competitor.objects.order_by("name"),
        required=False,
        empty_label="Any competitor",
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *ThemeStatus.choices], required=False)
    owner = forms.ModelChoiceField(
        queryset=get_user_model()
        .objects.filter(groups__permissions__codename="triage_theme")
        .distinct(),
        required=False,
        empty_label="Any owner",
    )
    new = forms.BooleanField(required=False, label="New since my last visit")

    def to_filters(self, last_visit) -> dashboard_figures.Filters:
        data = self.cleaned_data
        return dashboard_figures.Filters(
            period=data["period"],
            segment=data["segment"],
            region=data["region"],
            team=data["team"].pk if data["team"] else None,
            tag=Tag.normalise(data["tag"]),
            stage=data["stage"],
            competitor=data["competitor"].pk if data["competitor"] else None,
            status=data["status"],
            owner=data["owner"].pk if data["owner"] else None,
            new_since=last_visit if data["new"] else None,
        )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    # An export is not a visit: it leaves "new since my last visit" as it was.
    last_visit = visits.last_visit(request, "dashboard", record=request.GET.get("format") != "csv")
    filters, sort = dashboard_figures.Filters(), "revenue"
    if form.is_valid():
        filters = form.to_filters(last_visit)
        sort = form.cleaned_data["sort"] or "revenue"
    if request.GET.get("format") == "csv":
        # Streamed, or built by the worker when big; never the top names it does not write.
        return export_views.export_response(request, filters=filters, sort=sort)
    page = fetch_page(
        lambda offset, limit: dashboard_figures.theme_rows(
            filters=filters, sort=sort, offset=offset, limit=limit
        ),
        request.GET.get("page"),
        50,
    )
    query = request.GET.copy()
    query.pop("page", None)
    # The closest probable duplicate of each theme shown, as the last run stored it.
    shown = [r.theme.pk for r in page.object_list]
    same_need = theme_selectors.possible_duplicates(theme_ids=shown)
    return render(
        request,
        "insights/dashboard.html",
        {
            "page": page,
            "rows": [(r, same_need.get(r.theme.pk, [])[:1]) for r in page.object_list],
            "form": form,
            "query": query.urlencode(),
            "last_visit": last_visit,
            "can_triage": can_triage(request.user),
            "can_export": exports.may_export(request.user),
        },
    )


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_page(request, pk: int):
    try:
        theme = theme_selectors.theme_detail(theme_id=pk)
    except Theme.DoesNotExist:
        raise Http404 from None
    if theme.merged_into_id:
        messages.info(request, f"“{theme.title}” was merged into this theme.")
        return redirect("theme_page", pk=theme.merged_into_id)
    notes = page_of(theme_selectors.theme_notes(theme=theme), request.GET.get("page"), 50)
    # The figures, top accounts and evidence the worker stored (computed here
    # while a change has not reached them). Its win/loss and win-back panels
    # are served by their own areas (analytics, loop).
    context = {
        "theme": theme,
        **theme_selectors.theme_statistics(theme=theme),
        "notes": notes,
        "representatives": theme_selectors.representative_notes(theme=theme),
        "can_triage": can_triage(request.user),
        "statuses": ThemeStatus.choices,
        "same_need": theme_selectors.possible_duplicates(theme_ids=[theme.pk]).get(theme.pk, []),
    }
    if context["can_triage"]:
        context["owners"] = (
            get_user_model().objects.filter(groups__permissions__codename="triage_theme").distinct()
        )
    return render(request, "insights/theme.html", context)


# Edits of one field of a theme: action → (service, form field, service argument).
_FIELD_EDITS = {
    "rename": (triage.theme_rename, "title", "title"),
    "describe": (triage.theme_describe, "description", "description"),
    "link": (triage.theme_link, "external_url", "url"),
    "decision": (triage.theme_write_decision, "decision", "decision"),
}


@require_POST
def theme_action(request, pk: int):
    """One form post per action; refused for anyone who may not triage."""
    if not can_triage(request.user):
        raise PermissionDenied("Only product managers and admins triage themes.")
    theme = Theme.objects.filter(pk=pk).first()
    if theme is None:
        raise Http404
    post = request.POST
    action = post.get("action", "")
    target_id = post.get("target") or _id_in(post.get("target_text", ""))
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    note_ids = [int(i) for i in post.getlist("note") if i.isdigit()]
    actor = request.user
    try:
        if action in _FIELD_EDITS:
            service, field, argument = _FIELD_EDITS[action]
            service(
                theme=theme,
                actor=actor,
                expected_version=version,
                **{argument: post.get(field, "")},
            )
        elif action == "status":
            status = post.get("status", "")
            reason = post.get("reason", "").strip()
            if status == ThemeStatus.DECLINED and not reason:
                raise ValidationError("Say why it is declined: the reps who asked will read it.")
            old = theme.status
            triage.theme_set_status(
                theme=theme, status=status, actor=actor, expected_version=version, reason=reason
            )
            if status != old and status in NOTIFYING_STATUSES:
                told = theme_selectors.reps_to_notify(theme_id=theme.pk, actor=actor)
                messages.success(
                    request,
                    f"Status set to {ThemeStatus(status).label}: "
                    f"{told} rep{pluralize(told)} with notes in it "
                    f"{'is' if told == 1 else 'are'} being notified.",
                )
                return redirect("theme_page", pk=pk)
        elif action == "owner":
            owner = get_user_model().objects.filter(pk=post.get("owner") or 0).first()
            triage.theme_set_owner(theme=theme, owner=owner, actor=actor, expected_version=version)
        elif action == "merge":
            target = Theme.objects.filter(pk=target_id or 0).first()
            if target is None:
                raise ValidationError("Pick the theme to merge into.")
            triage.theme_merge(source=theme, target=target, actor=actor, expected_version=version)
            messages.success(request, f"Merged into “{target.title}”.")
            return redirect("theme_page", pk=target.pk)
        elif action == "move":
            target = Theme.objects.filter(pk=target_id or 0).first()
            if target is None or not note_ids:
                raise ValidationError("Pick notes and the theme to move them to.")
            note_moves.notes_move(note_ids=note_ids, target=target, actor=actor)
        elif action == "remove":
            note_moves.notes_remove(theme=theme, note_ids=note_ids, actor=actor)
        elif action == "split":
            new = note_moves.theme_split(
                theme=theme,
                note_ids=note_ids,
                title=post.get("title", ""),
                actor=actor,
                expected_version=version,
            )
            messages.success(request, f"Split {len(note_ids)} notes into “{new.title}”.")
        else:
            raise ValidationError(f"Unknown action “{action}”.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if action not in {"split"}:
            messages.success(request, "Saved.")
    return redirect("theme_page", pk=pk)


def _id_in(text: str) -> int | None:
    """The id in a picked option like "Single sign-on (#42)"."""
    match = re.search(r"\(#(\d+)\)\s*$", text or "")
    return int(match.group(1)) if match else None


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_options(request):
    """Type-ahead over active themes for the merge and move pickers."""
    query = request.GET.get("target_text", "").strip()
    themes = Theme.objects.filter(merged_into__isnull=True)
    if query:
        themes = themes.filter(title__icontains=query)
    exclude = request.GET.get("exclude", "")
    if exclude.isdigit():
        themes = themes.exclude(pk=int(exclude))
    options = [f"{t.title} (#{t.pk})" for t in themes.order_by("-note_count", "id")[:15]]
    return render(request, "insights/_options.html", {"options": options})
