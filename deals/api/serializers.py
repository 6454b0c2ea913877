from rest_framework import serializers

from deals.models import AMOUNT_TOO_LARGE, ARR_TOO_LARGE, Account, Competitor, Deal, Stage
from feedbackhub.api_strict import StrictFieldsMixin


class AccountSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

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
        # DRF turns the model's validators into its own, with its own words.
        extra_kwargs = {"arr": {"error_messages": {"max_value": ARR_TOO_LARGE}}}


class CompetitorSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Competitor
        fields = ["id", "name", "website"]


class DealSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

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
            "amount": {
                "error_messages": {
                    "min_value": "A deal amount cannot be negative.",
                    "max_value": AMOUNT_TOO_LARGE,
                }
            }
        }

    def validate(self, attrs):
        stage = attrs.get("stage", getattr(self.instance, "stage", None))
        loss_reason = attrs.get("loss_reason", getattr(self.instance, "loss_reason", ""))
        if loss_reason and stage != Stage.CLOSED_LOST:
            raise serializers.ValidationError(
                {"loss_reason": ["Only a closed-lost deal has a loss reason."]}
            )
        # Who may open a deal on which account, and move it, is checked by
        # deals.services (the same rules as the CSV import).
        return attrs
