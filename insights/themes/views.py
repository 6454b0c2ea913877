"""Product pages: the themes dashboard and a theme's page with its triage actions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import visits
from accounts.models import Region, Team
from accounts.rules import can_triage
from deals.models import Competitor, Segment, Stage
from feedbackhub import periods, url_filters
from feedbackhub.paging import fetch_page
from insights.notes import selectors as note_selectors
from insights.notes.models import Tag
from insights.themes import dashboard as dashboard_figures
from insights.themes import export_views, exports, merge_undo
from insights.themes import selectors as theme_selectors
from insights.themes.models import Theme, ThemeStatus


class DashboardFilterForm(forms.Form):
    """The dashboard's view, all in the URL so it can be shared."""

    sort = forms.ChoiceField(
        label="Rank by", choices=list(dashboard_figures.SORTS.items()), required=False
    )
    period = forms.ChoiceField(choices=periods.choices(all_time=True), required=False)
    segment = forms.ChoiceField(choices=[("", "Any segment"), *Segment.choices], required=False)
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False)
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(kind=Team.Kind.SALES),
        required=False,
        empty_label="Any sales team",
    )
    tag = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"placeholder": "any tag, e.g. sso"})
    )
    stage = forms.ChoiceField(
        label="Deal stage", choices=[("", "Any deal stage"), *Stage.choices], required=False
    )
    competitor = forms.ModelChoiceField(
        queryset=Competitor.objects.order_by("name"),
        required=False,
        empty_label="Any competitor",
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *ThemeStatus.choices], required=False)
    owner = forms.ModelChoiceField(
        queryset=theme_selectors.possible_owners(),
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


def _ignored_notice(ignored: dict[str, str]) -> str:
    """What the dashboard says of values it did not know: a ranking is not a filter."""
    sort = ignored.pop("sort", None)
    default = dashboard_figures.SORTS["revenue"].lower()
    notices = [
        url_filters.ignored_notice(list(ignored.values())),
        url_filters.ignored_notice(
            [sort] if sort else [], instead=f"so the themes are ranked by {default}"
        ),
    ]
    return " ".join(notice for notice in notices if notice)


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def dashboard(request):
    form = DashboardFilterForm(request.GET or None)
    # An export is not a visit: it leaves "new since my last visit" as it was.
    # Stored per person: the latest visit on an earlier day (accounts.visits).
    last_visit = visits.last_visit(
        request.user, "dashboard", record=request.GET.get("format") != "csv"
    )
    filters, sort = dashboard_figures.Filters(), "revenue"
    form, ignored = url_filters.without_invalid(form)
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
            "ignored": _ignored_notice(ignored),
            "query": query.urlencode(),
            "last_visit": last_visit,
            # Ticked on a first visit: nothing to compare with, so all themes are shown.
            "first_visit": form.is_bound
            and form.is_valid()
            and form.cleaned_data["new"]
            and last_visit is None,
            "can_triage": can_triage(request.user),
            # Only an empty page asks whether there are themes at all, to say what to do.
            "any_themes": bool(page.object_list)
            or Theme.objects.filter(merged_into__isnull=True, note_count__gt=0).exists(),
            "can_export": exports.may_export(request.user),
            "unknown_tag": _unknown_tag(filters, page, query),
        },
    )


def _unknown_tag(filters, page, query) -> dict | None:
    """On an empty page filtered by a tag nobody used: the tag, and the same view with
    each name it may be a slip for."""
    if page.object_list or not filters.tag:
        return None
    unknown, close = note_selectors.tag_unknown(filters.tag)
    if not unknown:
        return None
    links = []
    for name in close:
        other = query.copy()
        other["tag"] = name
        links.append((name, other.urlencode()))
    return {"name": filters.tag, "close": links}


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
    return render_theme_page(request, theme)


_PANEL_FIELDS = ("title", "status", "owner", "reason", "external_url", "description", "decision")


def render_theme_page(
    request,
    theme: Theme,
    *,
    panel=None,
    errors=None,
    merge_text="",
    merge_error="",
    stale=None,
    moving=None,
):
    """The theme page; after a refused triage post, with what the PM submitted and why it failed.

    `panel` holds the submitted triage fields (so a refused decline keeps
    "Declined" and the other edits), `errors` maps a field to its messages,
    `merge_text`/`merge_error` keep what was typed in "Merge this theme into";
    `stale` says who changed the theme meanwhile and what (insights.themes.stale_edits);
    `moving` keeps a refused move's ticked notes, typed target and error.
    """
    # Ten notes a page keeps the page readable on a phone, where each is a card;
    # the pager (and the notes' own pages) lead to the rest.
    notes = theme_selectors.theme_notes_page(theme=theme, page=request.GET.get("page"), per_page=10)
    values = {f: getattr(theme, f, "") for f in _PANEL_FIELDS}
    values["owner"], values["reason"] = theme.owner_id, ""
    if panel is not None:
        values.update({f: panel[f] for f in _PANEL_FIELDS if f in panel})
        owner = str(values["owner"] or "")
        values["owner"] = int(owner) if owner.isdigit() else None
    # The figures, top accounts and evidence the worker stored (computed here
    # while a change has not reached them). Its win/loss and win-back panels
    # are served by their own areas (analytics, loop).
    context = {
        "theme": theme,
        "status_reason": theme_selectors.status_reason(theme=theme, events=theme.events.all()),
        **theme_selectors.theme_statistics(theme=theme),
        "notes": notes,
        "representatives": theme_selectors.representative_notes(theme=theme),
        "can_triage": can_triage(request.user),
        "statuses": ThemeStatus.choices,
        "same_need": theme_selectors.possible_duplicates(theme_ids=[theme.pk]).get(theme.pk, []),
        "panel": values,
        "errors": errors or {},
        "stale": stale,
        "moving": moving or {"ticked": set(), "target_text": "", "error": ""},
        "merge_text": merge_text,
        "merge_error": merge_error,
        # A refused triage post is answered at its own address: links back
        # (pager, "not the same need") go to the theme page itself.
        "theme_url": reverse("theme_page", args=[theme.pk]),
    }
    on_page = getattr(request.resolver_match, "view_name", "") == "theme_page"
    context["here"] = request.get_full_path() if on_page else context["theme_url"]
    if context["can_triage"]:
        context["undo"] = merge_undo.undoable_merges_into(theme=theme)
        context["undo_sources"] = {event.source_id for event in context["undo"]}
        context["undo_minutes"] = int(merge_undo.UNDO_WINDOW.total_seconds() // 60)
        context["owners"] = theme_selectors.possible_owners()
    return render(request, "insights/theme.html", context)
