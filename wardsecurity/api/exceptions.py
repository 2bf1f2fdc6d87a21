"""One error body for every API error, in the user's language (issue 16, item 3).

Every 4xx (and the JSON 500) under /api/v1/ answers::

    {"code": "<machine code>", "detail": "<message>",
     "fields": {"<field>": ["message", ...]},   # validation errors tied to fields
     "non_field_errors": ["message", ...]}      # validation errors tied to none

``code`` and ``detail`` are always there; ``fields`` and ``non_field_errors`` only on a 400 that
has such errors. Services raise Django's ValidationError (with codes such as ``period_closed``),
StaleVersion and PreconditionFailed; DRF raises its own exceptions; all of them become this body
here. docs/api.md, "Errors", lists the codes.
"""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from wardsecurity.services import StaleVersion

INVALID_INPUT = gettext_lazy("Invalid input.")
TOO_LARGE = gettext_lazy("The request is too large.")
STALE_IF_MATCH = gettext_lazy(
    "The record has been changed since you read it (If-Match does not match)."
)
# Codes that say nothing more than "invalid": a body whose errors carry only these says ``invalid``.
GENERIC_CODES = {None, "", "invalid"}


class PreconditionFailed(Exception):
    """An ``If-Match`` that does not name the current version (GUARANTEES G7)."""


def error_body(code: str, detail) -> dict:
    """The body of an error that is not about the input's fields: ``{"code", "detail"}``."""
    return {"code": code, "detail": str(detail)}


def error_response(code: str, detail, status_code: int, **headers) -> Response:
    """An error answered by a view itself (not raised), with the one body."""
    return Response(error_body(code, detail), status=status_code, headers=headers or None)


def validation_body(exc: DjangoValidationError | exceptions.ValidationError) -> dict:
    """The 400 body of a Django or DRF validation error.

    ``code`` is the one code every error shares (``period_closed``, ``required`` …) or
    ``invalid``; ``detail`` the single message when there is only one and it is not tied to a
    field, else "Invalid input."; nested errors get dotted paths (``members.0.full_name``).
    """
    if isinstance(exc, DjangoValidationError):
        errors = list(_django_errors(exc))
    else:
        errors = list(_drf_errors(exc.detail, ""))
    fields: dict[str, list[str]] = {}
    non_field: list[str] = []
    codes = set()
    for path, message, code in errors:
        codes.add(code)
        if path:
            fields.setdefault(path, []).append(message)
        else:
            non_field.append(message)
    shared = next(iter(codes)) if len(codes) == 1 else None
    body: dict[str, Any] = {
        "code": "invalid" if shared in GENERIC_CODES else str(shared),
        "detail": non_field[0] if len(errors) == 1 and non_field else str(INVALID_INPUT),
    }
    if fields:
        body["fields"] = fields
    if non_field:
        body["non_field_errors"] = non_field
    return body


def _is_non_field(key) -> bool:
    return key in {NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY}


def _django_errors(exc: DjangoValidationError) -> Iterator[tuple[str, str, str | None]]:
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            path = "" if _is_non_field(field) else str(field)
            for error in field_errors:
                for message in error.messages:
                    yield path, message, error.code
    else:
        for error in exc.error_list:
            for message in error.messages:
                yield "", message, error.code


def _drf_errors(detail, path: str) -> Iterator[tuple[str, str, str | None]]:
    """(path, message, code) for each message of a DRF error tree."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            child = path if _is_non_field(key) else (f"{path}.{key}" if path else str(key))
            yield from _drf_errors(value, child)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):  # a nested serializer of many: one per item
                yield from _drf_errors(value, f"{path}.{index}" if path else str(index))
            else:
                yield from _drf_errors(value, path)
    else:
        yield path, str(detail), getattr(detail, "code", None)


def _api_exception_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return validation_body(exc)
    detail = exc.detail
    if isinstance(detail, dict | list):  # raised with a structure: keep its messages
        return validation_body(exceptions.ValidationError(detail))
    return error_body(getattr(detail, "code", None) or exc.default_code, detail)


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion | PreconditionFailed):
        message = exc.messages[0] if isinstance(exc, StaleVersion) else STALE_IF_MATCH
        return error_response("stale", message, status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # Like the JSON parser's own refusal of a body past DATA_UPLOAD_MAX_MEMORY_SIZE.
        return error_response("parse_error", TOO_LARGE, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, Http404):
        # Not DRF's NotFound(*exc.args): Django's message names the model, in English.
        exc = exceptions.NotFound(_("Not found."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = _api_exception_body(exc)
    return response
