from django.urls import path

from . import views

urlpatterns = [
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("deals/<int:pk>/", views.deal_detail, name="deal_detail"),
]
