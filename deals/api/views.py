from django.core.exceptions import PermissionDenied
from rest_framework import viewsets

from accounts.rules import can_change_account, can_change_deal
from deals.api.serializers import AccountSerializer, CompetitorSerializer, DealSerializer
from deals.models import Account, Competitor, Deal
from feedbackhub.api_permissions import ModelPermissionsWithView


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
