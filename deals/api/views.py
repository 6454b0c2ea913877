from rest_framework import viewsets

from deals import services
from deals.api.serializers import AccountSerializer, CompetitorSerializer, DealSerializer
from deals.models import Account, Competitor, Deal
from feedbackhub.api_permissions import ModelPermissionsWithView


class AccountViewSet(viewsets.ModelViewSet):
    """Customer accounts. Whoever creates one owns it; reps change only their own."""

    queryset = Account.objects.select_related("owner").order_by("name")
    serializer_class = AccountSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["segment", "region", "lifecycle", "owner"]
    search_fields = ["name", "domain"]

    def perform_create(self, serializer):
        serializer.instance = services.account_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.account_update(
            account=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.account_delete(account=instance, user=self.request.user)


class DealViewSet(viewsets.ModelViewSet):
    """Deals. Reps open deals on their own accounts and change only their own deals;
    only admins move a deal to another account."""

    queryset = Deal.objects.select_related("owner").order_by("-created_at")
    serializer_class = DealSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = ["account", "stage", "owner", "competitor"]

    def perform_create(self, serializer):
        serializer.instance = services.deal_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.deal_update(
            deal=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.deal_delete(deal=instance, user=self.request.user)


class CompetitorViewSet(viewsets.ModelViewSet):
    queryset = Competitor.objects.order_by("name")
    serializer_class = CompetitorSerializer
    permission_classes = [ModelPermissionsWithView]

    def perform_create(self, serializer):
        serializer.instance = services.competitor_save(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.competitor_save(
            competitor=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.competitor_delete(competitor=instance, user=self.request.user)
