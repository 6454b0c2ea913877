"""The dashboard's CSV export: streamed, or built by the worker with a progress page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from insights.themes import export_names, exports
from insights.themes.dashboard import Filters


def export_response(request, *, filters: Filters, sort: str):
    """The dashboard's view as CSV: streamed when small enough, else handed to the worker."""
    exports.require_export(request.user)
    if exports.is_large(filters=filters):
        export = exports.request_export(user=request.user, filters=filters, sort=sort)
        return redirect("theme_export", pk=export.pk)
    response = StreamingHttpResponse(
        exports.csv_chunks(filters=filters, sort=sort), content_type="text/csv"
    )
    name = export_names.export_filename(filters=filters, sort=sort, on=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def theme_export(request, pk: int):
    """An export's progress; htmx polls the progress part until it is ready or failed."""
    export = exports.export_for(export_id=pk, user=request.user)
    template = "insights/_export_progress.html" if request.htmx else "insights/export.html"
    keep_hours = exports.keep_for().total_seconds() / 3600
    return render(request, template, {"export": export, "keep_hours": f"{keep_hours:g}"})


@login_required
@require_GET
def theme_export_download(request, pk: int):
    # Not ready, failed or expired: the export's page says which.
    export = exports.export_for(export_id=pk, user=request.user)
    if export.status != export.Status.DONE:
        return redirect("theme_export", pk=export.pk)
    response = HttpResponse(export.content, content_type="text/csv")
    name = export_names.export_filename(
        filters=exports.export_filters(export),
        sort=export.sort,
        on=timezone.localdate(export.created_at),
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
