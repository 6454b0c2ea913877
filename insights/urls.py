"""The pages of every area of `insights`; each area keeps its own URLs."""

from django.urls import include, path

urlpatterns = [
    path("", include("insights.notes.urls")),
    path("", include("insights.themes.urls")),
    path("", include("insights.loop.urls")),
    path("", include("insights.analytics.urls")),
]
