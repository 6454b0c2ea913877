from django.urls import path

from . import winloss_views

urlpatterns = [
    path("competitors/", winloss_views.competitors, name="competitors"),
    path("competitors/<int:pk>/", winloss_views.competitor_page, name="competitor_page"),
    path("pmf/", winloss_views.pmf, name="pmf"),
]
