"""Errors as JSON in the user's language: services' exceptions become 400, 403, 404 or 412."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from wardsecurity.services import StaleVersion


class PreconditionFailed(Exception):
    """An ``If-Match`` that does not name the current version (GUARANTEES G7)."""


def validation_body(exc: DjangoValidationError) -> dict:
    """``{field: [messages]}``, with errors not tied to a field under ``non_field_errors``."""
    if hasattr(exc, "error_dict"):
        body = {}
        for field, errors in exc.message_dict.items():
            body["non_field_errors" if field == NON_FIELD_ERRORS else field] = errors
        return body
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion | PreconditionFailed):
        message = (
            exc.messages[0]
            if isinstance(exc, StaleVersion)
            else _("The record has been changed since you read it (If-Match does not match).")
        )
        return Response(
            {"detail": message, "code": "stale"}, status=status.HTTP_412_PRECONDITION_FAILED
        )
    if isinstance(exc, DjangoValidationError):
        return Response(validation_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": _("The request is too large.")}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, PermissionDenied):
        exc = DRFPermissionDenied()
    if isinstance(exc, Http404):
        return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)
