from rest_framework import serializers

from deals.models import Account, Competitor, Deal, Stage
from feedbackhub.api_strict import StrictFieldsMixin


class AccountSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "domain",
            "segment",
            "industry",
            "region",
            "lifecycle",
            "arr",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class CompetitorSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Competitor
        fields = ["id", "name", "website"]


class DealSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "account",
            "name",
            "owner",
            "amount",
            "stage",
            "opened_on",
            "expected_close_date",
            "closed_at",
            "loss_reason",
            "competitor",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["closed_at", "created_at", "updated_at"]
        extra_kwargs = {
            "amount": {"error_messages": {"min_value": "A deal amount cannot be negative."}}
        }

    def validate(self, attrs):
        stage = attrs.get("stage", getattr(self.instance, "stage", None))
        loss_reason = attrs.get("loss_reason", getattr(self.instance, "loss_reason", ""))
        if loss_reason and stage != Stage.CLOSED_LOST:
            raise serializers.ValidationError(
                {"loss_reason": ["Only a closed-lost deal has a loss reason."]}
            )
        account = attrs.get("account")
        if (
            self.instance is not None
            and account is not None
            and account.pk != self.instance.account_id
            and self.instance.call_notes.exists()
        ):
            raise serializers.ValidationError(
                {"account": ["This deal has call notes on its account; it cannot move."]}
            )
        return attrs
