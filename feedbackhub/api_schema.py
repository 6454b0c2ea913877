"""The OpenAPI schema says every answer the API can give, errors included.

drf-spectacular documents only the success of each operation; the API also
answers with its error shape (`feedbackhub.api_errors`) for invalid input (400),
a missing or wrong token (401), a permission rule (403), an unknown id or page
(404), a clash with the current state (409, writes only) and too many requests
(429). `tests/api/test_schema_conformance.py` holds the schema to this.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The API's one error shape."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Per field, the list of what is wrong with it; empty when no field is at fault.",
    )


_ERRORS = {
    "400": "Invalid input: `errors` says which fields and why.",
    "401": "No valid token or session.",
    "403": "You may not do this (your role, or a rule about whose row it is).",
    "404": "No such object, or no such page.",
    "429": "Too many requests; wait and retry.",
}
_WRITE_ERRORS = {"409": "Conflicts with the current state (e.g. still referred to)."}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = dict(_ERRORS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(_WRITE_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code
                )
        return responses
