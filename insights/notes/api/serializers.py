from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deals.models import Account, Competitor, Deal
from feedbackhub.api_strict import StrictFieldsMixin
from insights.notes import rules
from insights.notes.models import CallNote, Importance, Tag


class NoteThemeSerializer(serializers.Serializer):
    """The theme a note is in, as the notes API shows it (themes have their own API)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()


class TagNamesField(serializers.ListField):
    """Tags as a list of names on the way in and out."""

    child = serializers.CharField(
        max_length=rules.TAG_MAX,
        allow_blank=False,
        error_messages={"max_length": rules.TAG_TOO_LONG, "blank": rules.TAG_EMPTY},
    )

    def to_representation(self, value):
        return [tag.name for tag in value.all()]


class NoteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A call note. `tags` are names; `competitors` are competitor ids.

    Limits and messages come from insights.notes.rules (they also reach the
    OpenAPI schema); the note services run every rule again when they save.
    """

    author = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        help_text="Only integration users (allowed to act for others) may set it; "
        "everyone else is the author of what they send.",
    )
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    deal = serializers.PrimaryKeyRelatedField(
        queryset=Deal.objects.all(), allow_null=True, required=False
    )
    body = serializers.CharField(
        max_length=rules.BODY_MAX,
        trim_whitespace=False,
        help_text=f"What the customer said: at least {rules.BODY_MIN_WORDS} words, at most "
        f"{rules.BODY_MAX:,} characters (longer notes are refused, never cut).",
        error_messages={"max_length": rules.BODY_TOO_LONG, "blank": rules.BODY_EMPTY},
    )
    tags = TagNamesField(
        max_length=rules.TAGS_PER_NOTE_MAX,
        required=False,
        error_messages={"max_length": rules.TOO_MANY_TAGS},
    )
    competitors = serializers.PrimaryKeyRelatedField(
        queryset=Competitor.objects.all(), many=True, required=False
    )
    importance = serializers.ChoiceField(
        choices=Importance.choices,
        required=False,
        error_messages={"invalid_choice": rules.UNKNOWN_IMPORTANCE},
    )
    quote = serializers.CharField(
        max_length=rules.QUOTE_MAX,
        required=False,
        allow_blank=True,
        error_messages={"max_length": rules.QUOTE_TOO_LONG},
    )
    theme = serializers.SerializerMethodField()
    confirm_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Creating a note with the same text (case and spacing aside) as a note you "
        f"saved for the same account in the last {rules.DUPLICATE_WINDOW.seconds // 60} minutes "
        "is refused with 409, so a retried or double-sent request never duplicates it. Send "
        "`true` to save it anyway (it was another call). Ignored on updates.",
    )

    class Meta:
        model = CallNote
        fields = [
            "id",
            "author",
            "account",
            "deal",
            "call_date",
            "body",
            "tags",
            "importance",
            "competitors",
            "quote",
            "confirm_duplicate",
            "source",
            "external_id",
            "theme",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "external_id", "created_at", "updated_at"]
        extra_kwargs = {"call_date": {"required": False}}

    @extend_schema_field(NoteThemeSerializer(allow_null=True))
    def get_theme(self, note) -> dict | None:
        assignment = getattr(note, "assignment", None)
        if assignment is None or assignment.theme is None:
            return None
        return NoteThemeSerializer(assignment.theme).data


class TagSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]
