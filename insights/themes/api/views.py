from rest_framework import viewsets
from rest_framework.generics import get_object_or_404

from feedbackhub.api_permissions import ModelPermissionsWithView
from insights.themes.api.serializers import ThemeSerializer
from insights.themes.models import Theme


class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Theme.objects.select_related("owner").filter(merged_into__isnull=True)
    serializer_class = ThemeSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["status", "owner"]

    def get_object(self):
        # A merged theme stays readable by its id (it says where it went), so
        # the lookup is not limited to the list's active themes. DRF's
        # get_object_or_404 answers 404, not 500, for an id like "abc".
        theme = get_object_or_404(Theme.objects.select_related("owner"), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, theme)
        return theme
