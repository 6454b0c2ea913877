from django.urls import path

from insights.analytics import views

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("competitors/", views.competitors, name="competitors"),
    path("competitors/<int:pk>/", views.competitor_page, name="competitor_page"),
    path("pmf/", views.pmf, name="pmf"),
    path("themes/<int:pk>/win-loss/", views.theme_winloss, name="theme_winloss"),
]
