"""Pages that close the loop for reps: notifications, their settings, the themes their
customers asked for, and the win-back list."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from feedbackhub import next_url, visits
from feedbackhub.paging import page_number, page_of
from insights.loop import my_requests, notify, winback
from insights.loop.models import WinBackTask
from insights.themes.models import Theme


@login_required
@require_GET
def notifications(request):
    page = page_of(notify.notifications_for(request.user), request.GET.get("page"), 25)
    return render(request, "insights/notifications.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk: int):
    # Only ever the user's own: someone else's id is simply not found.
    notification = get_object_or_404(notify.notifications_for(request.user), pk=pk)
    if notification.is_unread:
        notify.mark_read(request.user, [notification.pk])
        notification.read_at = timezone.now()
    return render(request, "insights/notification.html", {"n": notification})


@login_required
@require_POST
def notifications_mark_read(request):
    marked = notify.mark_read(request.user)
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect("notifications")


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notification_preference"]
        labels = {"notification_preference": "Email me when a theme my customers asked for moves"}
        widgets = {"notification_preference": forms.RadioSelect}
        help_texts = {
            "notification_preference": "The bell in the menu always shows every change; this "
            "only decides the emails."
        }


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = NotificationSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Notification settings saved.")
        return redirect("notification_settings")
    return render(
        request,
        "insights/notification_settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )


@permission_required("insights.add_callnote", raise_exception=True)
@require_GET
def my_customers_requests(request):
    # Opening the page records the visit; its pager links carry the `since`
    # of that visit (empty on a first visit), so that every page of one visit
    # is ordered the same way and marks the same news as new.
    if "since" in request.GET:
        since = _since(request.GET["since"])
    else:
        since = visits.last_visit(request, "my_requests")
    number = page_number(request.GET.get("page"))
    page = my_requests.themes_of_my_customers(request.user, since=since, page=number)
    query = urlencode({"since": since.isoformat() if since else ""})
    return render(
        request,
        "insights/my_requests.html",
        {"page": page, "rows": page.object_list, "last_visit": since, "query": query},
    )


def _since(raw) -> dt.datetime | None:
    try:
        since = dt.datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return since if timezone.is_aware(since) else None


@permission_required("insights.add_callnote", raise_exception=True)
@require_GET
def winback_list(request):
    tasks = list(winback.tasks_for(request.user)[:200])
    recovered = winback.recovered_revenue({t.theme_id for t in tasks})
    return render(
        request,
        "insights/winback.html",
        {"tasks": tasks, "recovered": sum(recovered.values()) if recovered else 0},
    )


THEME_WINBACK_SHOWN = 10


@permission_required("insights.view_theme", raise_exception=True)
@require_GET
def theme_winback(request, pk: int):
    """A theme's win-back list and recovered revenue, loaded into its theme page."""
    theme = get_object_or_404(Theme.objects.only("pk"), pk=pk)
    tasks = winback.tasks_of_theme(theme.pk)
    # The biggest deals first, a screenful of them; "show all" asks for the rest.
    shown = tasks if request.GET.get("all") == "1" else tasks[:THEME_WINBACK_SHOWN]
    return render(
        request,
        "insights/_theme_winback.html",
        {
            "theme_id": theme.pk,
            "tasks": shown,
            "total": len(tasks),
            "recovered": winback.recovered_revenue([theme.pk]).get(theme.pk, 0),
        },
    )


WINBACK_ACTIONS = {
    "reopen": (
        lambda task, user, post: winback.reopen(task, actor=user),
        "Deal reopened: go win it back.",
    ),
    "won": (lambda task, user, post: winback.close(task, actor=user, won=True), "Won back. Nice."),
    "lost": (
        lambda task, user, post: winback.close(
            task, actor=user, won=False, loss_reason=post.get("loss_reason", "")
        ),
        "Marked lost again.",
    ),
    "dismiss": (lambda task, user, post: winback.dismiss(task, actor=user), "Dismissed."),
}


@permission_required("insights.add_callnote", raise_exception=True)
@require_POST
def winback_action(request, pk: int):
    task = get_object_or_404(WinBackTask, pk=pk)
    action = WINBACK_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Unknown action.")
    else:
        run, done = action
        try:
            run(task, request.user, request.POST)  # refuses anyone but the deal's owner
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, done)
    return redirect(next_url.safe_next(request, reverse("winback")))
