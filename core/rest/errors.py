"""Errors as JSON: every failure the API can meet becomes a 4xx with a field-by-field message.

DRF already answers its own exceptions, Http404 and PermissionDenied. This handler adds the
ones Django raises below the serializers: a model's ValidationError from `full_clean()`
(DRF never calls `Model.clean()`), an IntegrityError from a constraint the database guards,
and a ProtectedError when a row is still referenced.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it: fetch it again and resend your change."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Other records still refer to this one."
    default_code = "conflict"


def validation_error_detail(error):
    """A Django ValidationError as DRF's field-by-field dict ("non_field_errors" for the rest)."""
    if hasattr(error, "error_dict"):
        detail = {}
        for field, messages in error.message_dict.items():
            key = "non_field_errors" if field == NON_FIELD_ERRORS else field
            detail[key] = list(messages)
        return detail
    return {"non_field_errors": list(error.messages)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):  # subclasses of IntegrityError: first
        rows = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        names = sorted({str(type(row)._meta.verbose_name_plural) for row in rows})
        exc = Conflict(f"Other records still refer to this one ({', '.join(names)}); detach or delete them first.")
    elif isinstance(exc, IntegrityError):
        # full_clean() checks the constraints first; this is the race it cannot see.
        exc = exceptions.ValidationError(
            {"non_field_errors": ["This change conflicts with another record (a uniqueness or consistency rule)."]}
        )
    return drf_exception_handler(exc, context)


def not_found(request, *args, **kwargs):
    """Any /api/v1/ path no route knows: a JSON 404, like every other API error."""
    return JsonResponse({"detail": "No API endpoint at this address."}, status=404)
