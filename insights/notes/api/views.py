from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from feedbackhub.api_paging import NewestFirstCursorPagination
from feedbackhub.api_permissions import ModelPermissionsWithView
from feedbackhub.api_schema import ErrorSerializer
from insights.notes import services
from insights.notes.api.serializers import (
    LIST_COLUMNS,
    NoteSerializer,
    TagSerializer,
    note_list_rows,
)
from insights.notes.models import CallNote, Tag

_WRITABLE = ("account", "deal", "call_date", "body", "tags", "importance", "competitors", "quote")


def _author_for(request, requested):
    """The authenticated user, or — for integration users only — the user they name."""
    if requested is None or requested == request.user:
        return request.user
    if not request.user.has_perm("insights.change_any_callnote"):
        raise PermissionDenied(
            "Only integration users allowed to act for others may set `author`; "
            "your notes are always yours."
        )
    if not requested.has_perm("insights.add_callnote"):
        raise PermissionDenied(f"{requested.username} cannot author call notes.")
    return requested


class NoteViewSet(viewsets.ModelViewSet):
    """Call notes, newest first. Reps create notes and change only their own; everyone with
    access reads. The list pages by cursor: follow `next` until it is null."""

    serializer_class = NoteSerializer
    pagination_class = NewestFirstCursorPagination
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = {
        "account": ["exact"],
        "deal": ["exact"],
        "author": ["exact"],
        "importance": ["exact"],
        "source": ["exact"],
        "call_date": ["gte", "lte"],
        "tags__name": ["exact"],
    }
    queryset = (
        CallNote.objects.select_related("author", "assignment__theme")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")), "competitors")
        .order_by("-created_at", "-id")
    )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = queryset.select_related(None).prefetch_related(None).values(*LIST_COLUMNS)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(note_list_rows(page))

    def _fields(self, data) -> dict:
        return {k: data[k] for k in _WRITABLE if k in data}

    @extend_schema(
        responses={
            201: NoteSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="You saved a note with the same text for this account a few "
                "minutes ago; send it again with `confirm_duplicate: true` if it was another "
                "call. `errors.body` names the earlier note.",
            ),
        }
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = _author_for(request, data.get("author"))
        try:
            note = services.note_create(
                author=author,
                source="api",
                confirm_duplicate=data.get("confirm_duplicate", False),
                **self._fields(data),
            )
        except services.DuplicateNote as exc:
            return Response(
                {
                    "detail": f"{exc} If this was another call, send it again with "
                    '"confirm_duplicate": true.',
                    "errors": {"body": [f"Same text as note {exc.earlier.pk}."]},
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        note = self.get_object()
        serializer = self.get_serializer(note, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        if "author" in serializer.validated_data:
            raise PermissionDenied("The author of a note cannot be changed.")
        note = services.note_update(
            note=note, user=request.user, **self._fields(serializer.validated_data)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=note.pk)).data)

    def perform_destroy(self, instance):
        services.note_delete(note=instance, user=self.request.user)

    @extend_schema(
        request=NoteSerializer,
        responses={200: NoteSerializer, 201: NoteSerializer},
        description="Create or update the note another system knows as (source, external_id). "
        "Sending the same note again updates it, so a sync can retry safely.",
    )
    @action(
        detail=False,
        methods=["put"],
        url_path=r"external/(?P<source>[\w.\-]{1,40})/(?P<external_id>[^/]{1,200})",
    )
    def upsert(self, request, source: str, external_id: str):
        if source in {"web", "csv", "demo"}:
            raise PermissionDenied(f"'{source}' is reserved; name your system, e.g. 'salesforce'.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = _author_for(request, data.get("author"))
        note, created = services.note_upsert_external(
            author=author, source=source, external_id=external_id, **self._fields(data)
        )
        note = self.get_queryset().get(pk=note.pk)
        return Response(
            self.get_serializer(note).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class TagViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Tag.objects.order_by("name")
    serializer_class = TagSerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_fields = {"name": ["exact", "startswith"]}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        names = services.parse_tags([serializer.validated_data["name"]])
        if not names:
            return Response(
                {"detail": "The request has invalid fields.", "errors": {"name": ["Empty tag."]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        tag = services.resolve_tags(names)[0]
        return Response(self.get_serializer(tag).data, status=status.HTTP_201_CREATED)
