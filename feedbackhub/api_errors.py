"""One error shape for the whole API.

    {"detail": "what went wrong, in a sentence", "errors": {"field": ["message", ...]}}

Django's ValidationError and PermissionDenied raised by services become 400
and 403 like DRF's own, so a service's message reaches the integrator as is.
A `Conflict` from a service (or a row still referred to, or a unique rule
broken by a concurrent write) becomes 409 with the reason.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from feedbackhub.errors import Conflict


def _conflict(detail: str) -> Response:
    return Response({"detail": detail, "errors": {}}, status=status.HTTP_409_CONFLICT)


def api_exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return _conflict(str(exc))
    if isinstance(exc, ProtectedError | RestrictedError):
        return _conflict("Other records still refer to this one, so it cannot be deleted.")
    if isinstance(exc, IntegrityError):
        # Validation catches these first; this is the race where two requests
        # claim the same unique value at once.
        return _conflict("This conflicts with a record saved a moment ago; reload and retry.")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": "The request has invalid fields.", "errors": fields}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"]), "errors": {}}
    return response
