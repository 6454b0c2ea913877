from rest_framework import serializers

from insights.themes.models import Theme


class ThemeSerializer(serializers.ModelSerializer):
    # Empty until a PM links the roadmap item, so not always a URI.
    external_url = serializers.CharField(
        read_only=True, help_text="Roadmap or issue URL, or an empty string."
    )
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

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
