from django.shortcuts import get_object_or_404
from rest_framework import viewsets

from feedbackhub.api_permissions import ModelPermissionsWithView
from insights.themes.api.serializers import ThemeSerializer
from insights.themes.models import Theme


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Theme.objects.select_related("owner").filter(merged_into__isnull=True)
    serializer_class = ThemeSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["status", "owner"]

    def get_object(self):
        return get_object_or_404(Theme.objects.select_related("owner"), pk=self.kwargs["pk"])
