from django.core.exceptions import PermissionDenied
from rest_framework import viewsets
from rest_framework.permissions import DjangoModelPermissions

from accounts.rules import can_change_account, can_change_deal
from deals.models import Account, Competitor, Deal

from .serializers import AccountSerializer, CompetitorSerializer, DealSerializer


class ModelPermissionsWithView(DjangoModelPermissions):
    """Reading needs the view permission too (DRF's default lets any user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


class AccountViewSet(viewsets.ModelViewSet):
    queryset = Account.objects.select_related("owner").order_by("name")
    serializer_class = AccountSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["segment", "region", "lifecycle", "owner"]
    search_fields = ["name", "domain"]

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def perform_update(self, serializer):
        if not can_change_account(self.request.user, serializer.instance):
            raise PermissionDenied("Only admins change accounts they do not own.")
        serializer.save()


class DealViewSet(viewsets.ModelViewSet):
    queryset = Deal.objects.select_related("owner").order_by("-created_at")
    serializer_class = DealSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["account", "stage", "owner", "competitor"]

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)

    def perform_update(self, serializer):
        if not can_change_deal(self.request.user, serializer.instance):
            raise PermissionDenied("Only admins change deals they do not own.")
        serializer.save()


class CompetitorViewSet(viewsets.ModelViewSet):
    queryset = Competitor.objects.order_by("name")
    serializer_class = CompetitorSerializer
    permission_classes = [ModelPermissionsWithView]
