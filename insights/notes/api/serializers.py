from collections import defaultdict

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


class TagNameField(serializers.CharField):
    """One tag's name; a long one is refused by name, as the form and the import do."""

    def to_internal_value(self, data):
        name = super().to_internal_value(data)
        if len(name) > rules.TAG_MAX:
            raise serializers.ValidationError(rules.tag_too_long(name))
        return name


class TagNamesField(serializers.ListField):
    """Tags as a list of names on the way in and out."""

    # max_length stays for the OpenAPI schema; the name check above answers first.
    child = TagNameField(
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
        # None of the model's unique constraints is the client's to break: the only
        # one, (source, external_id), is read-only here and decided by the upsert
        # service. Without this, every create would ask the database about it.
        validators = []

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


# What a list page reads per note: the columns NoteSerializer shows, no more.
LIST_COLUMNS = (
    "id",
    "author__username",
    "account_id",
    "deal_id",
    "call_date",
    "body",
    "importance",
    "quote",
    "source",
    "external_id",
    "created_at",
    "updated_at",
    "assignment__theme_id",
    "assignment__theme__title",
    "assignment__theme__status",
)
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def note_list_rows(rows: list[dict]) -> list[dict]:
    """A page of notes read with `.values(*LIST_COLUMNS)` as NoteSerializer would show them.

    The list is the API's busiest endpoint: shaping plain rows avoids a model
    instance and a dozen serializer fields per note (most of a page's time).
    Two queries fetch the page's tag names and competitor ids. The OpenAPI
    schema is NoteSerializer's, and a test checks both give the same JSON.
    """
    ids = [row["id"] for row in rows]
    tags, competitors = defaultdict(list), defaultdict(list)
    for note_id, name in (
        CallNote.tags.through.objects.filter(callnote_id__in=ids)
        .order_by("tag__name")
        .values_list("callnote_id", "tag__name")
    ):
        tags[note_id].append(name)
    for note_id, competitor_id in (
        CallNote.competitors.through.objects.filter(callnote_id__in=ids)
        .order_by(*(f"competitor__{f}" for f in Competitor._meta.ordering), "competitor_id")
        .values_list("callnote_id", "competitor_id")
    ):
        competitors[note_id].append(competitor_id)
    return [
        {
            "id": row["id"],
            "author": row["author__username"],
            "account": row["account_id"],
            "deal": row["deal_id"],
            "call_date": _DATE.to_representation(row["call_date"]),
            "body": row["body"],
            "tags": tags[row["id"]],
            "importance": row["importance"],
            "competitors": competitors[row["id"]],
            "quote": row["quote"],
            "source": row["source"],
            "external_id": row["external_id"],
            "theme": None
            if row["assignment__theme_id"] is None
            else {
                "id": row["assignment__theme_id"],
                "title": row["assignment__theme__title"],
                "status": row["assignment__theme__status"],
            },
            "created_at": _DATETIME.to_representation(row["created_at"]),
            "updated_at": _DATETIME.to_representation(row["updated_at"]),
        }
        for row in rows
    ]
