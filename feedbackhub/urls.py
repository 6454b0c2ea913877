from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from feedbackhub import health, views

handler500 = "feedbackhub.errors.server_error"
handler403 = "feedbackhub.views.permission_denied"
handler404 = "feedbackhub.views.page_not_found"

# Titles and the order of admin's sections: feedbackhub.admin_site.
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("insights.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("feedbackhub.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
