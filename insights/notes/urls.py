from django.urls import path

from insights.notes import account_views, import_views, views

urlpatterns = [
    path("notes/new/", views.log_call, name="log_call"),
    path("notes/mine/", views.my_notes, name="my_notes"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    path("notes/suggest/accounts/", views.suggest_accounts, name="suggest_accounts"),
    path("notes/suggest/account-matches/", views.account_matches, name="account_matches"),
    path("notes/suggest/tags/", views.suggest_tags, name="suggest_tags"),
    path("notes/suggest/deals/", views.deal_options, name="deal_options"),
    # Customer accounts live under /customers/; /accounts/ is the users' login.
    path("customers/<int:pk>/", account_views.account_detail, name="account_detail"),
    path("deals/<int:pk>/", account_views.deal_detail, name="deal_detail"),
    path("import/", import_views.import_csv, name="import_csv"),
    path("import/template/<str:kind>.csv", import_views.import_template, name="import_template"),
]
