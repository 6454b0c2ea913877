from rest_framework import serializers

from insights.themes.models import Theme


class ThemeSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Theme
        fields = [
            "id",
            "title",
            "auto_title",
            "keywords",
            "description",
            "status",
            "owner",
            "external_url",
            "decision",
            "merged_into",
            "note_count",
            "account_count",
            "open_revenue",
            "lost_revenue",
            "won_revenue",
            "weekly_mentions",
            "last_mentioned_on",
            "representative_note_ids",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
