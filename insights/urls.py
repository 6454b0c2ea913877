from django.urls import path

from . import import_views, product_views, theme_views, views

urlpatterns = [
    path("notes/new/", views.log_call, name="log_call"),
    path("notes/mine/", views.my_notes, name="my_notes"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("notes/suggest/accounts/", views.suggest_accounts, name="suggest_accounts"),
    path("notes/suggest/tags/", views.suggest_tags, name="suggest_tags"),
    path("notes/suggest/deals/", views.deal_options, name="deal_options"),
    path("notes/suggest/similar/", views.similar_to_draft, name="similar_to_draft"),
    path("themes/", theme_views.dashboard, name="dashboard"),
    path("themes/<int:pk>/", theme_views.theme_page, name="theme_page"),
    path("themes/<int:pk>/action/", theme_views.theme_action, name="theme_action"),
    path("themes/options/", theme_views.theme_options, name="theme_options"),
    path("overview/", product_views.overview, name="overview"),
    path("inbox/", product_views.inbox, name="inbox"),
    path("inbox/assign/", product_views.inbox_assign, name="inbox_assign"),
    path("engine/", product_views.engine_panel, name="engine_panel"),
    path("engine/run/", product_views.engine_run_now, name="engine_run_now"),
    path("import/", import_views.import_csv, name="import_csv"),
    path("import/template/<str:kind>.csv", import_views.import_template, name="import_template"),
]
