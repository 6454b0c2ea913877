from django.urls import path

from insights.themes import (
    duplicate_views,
    export_views,
    hint_views,
    triage_views,
    views,
    workbench_views,
)

urlpatterns = [
    path("notes/suggest/similar/", hint_views.similar_to_draft, name="similar_to_draft"),
    path("notes/suggest/similar/<str:token>/", hint_views.draft_hint, name="draft_hint"),
    path("themes/", views.dashboard, name="dashboard"),
    path("themes/exports/<int:pk>/", export_views.theme_export, name="theme_export"),
    path(
        "themes/exports/<int:pk>/download/",
        export_views.theme_export_download,
        name="theme_export_download",
    ),
    path("themes/<int:pk>/", views.theme_page, name="theme_page"),
    path("themes/<int:pk>/action/", triage_views.theme_action, name="theme_action"),
    path("themes/<int:pk>/merge/", triage_views.theme_merge_confirm, name="theme_merge_confirm"),
    path("themes/options/", triage_views.theme_options, name="theme_options"),
    path(
        "themes/<int:pk>/same-need/<int:other>/merge/",
        duplicate_views.same_need_merge,
        name="same_need_merge",
    ),
    path(
        "themes/<int:pk>/same-need/<int:other>/not-the-same/",
        duplicate_views.same_need_distinct,
        name="same_need_distinct",
    ),
    path("inbox/", workbench_views.inbox, name="inbox"),
    path("inbox/assign/", workbench_views.inbox_assign, name="inbox_assign"),
    path("engine/", workbench_views.engine_panel, name="engine_panel"),
    path("engine/run/", workbench_views.engine_run_now, name="engine_run_now"),
    path("engine/runs/<int:pk>/", workbench_views.engine_run, name="engine_run"),
]
