"""The base viewset of every ward-owned resource: reads through the app's selector, writes through
its services, ETags."""

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from wardsecurity.api.exceptions import PreconditionFailed, error_response
from wardsecurity.api.pagination import HistoryPagination, PageNumberPagination
from wardsecurity.api.serializers import HistoryEntry, lean_representation
from wardsecurity.audit import sensitive_read_log
from wardsecurity.history import event_entries, record_events
from wardsecurity.models import FormSubmission
from wardsecurity.personal import hidden_fields
from wardsecurity.services import OutOfScope
from wardsecurity.submissions import AlreadySubmitted, idempotency_nonce, submit_once

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}\Z")
MAX_PK = 2**63 - 1


def request_fingerprint(request) -> str:
    """The path and the body of a create, as a SHA-256: the same request gives the same one."""
    data = request.data
    if hasattr(data, "lists"):  # a form or multipart body
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()


def record_pk(value) -> int:
    """A record id from the URL: ASCII digits within a bigint, anything else is no record."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_PK:
        raise OutOfScope
    return int(text)


def etag_for(instance) -> str:
    return f'"{instance.pk}-{instance.version}"'


class PreconditionRequired(APIException):
    """A ``PUT``, ``PATCH`` or ``DELETE`` without ``If-Match`` (428, RFC 6585): a client that
    forgot the header would otherwise overwrite changes it never saw (GUARANTEES G7)."""

    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy("Send the ETag you read in If-Match (or * to overwrite).")


# The writes that must say which version they change; ``*`` is the explicit "whatever it is".
IF_MATCH_REQUIRED = frozenset({"PUT", "PATCH", "DELETE"})


def expected_version(request, instance):
    """The version an ``If-Match`` asks for: None for ``*`` (and for a POST without one);
    weak tags never match. A ``PUT``, ``PATCH`` or ``DELETE`` without it is a 428."""
    header = request.headers.get("If-Match")
    if header is None:
        if request.method in IF_MATCH_REQUIRED:
            raise PreconditionRequired
        return None
    if header.strip() == "*":
        return None
    current = etag_for(instance)
    for tag in (part.strip() for part in header.split(",")):
        if not tag.startswith("W/") and tag == current:
            return instance.version
    raise PreconditionFailed


class WardRecordViewSet(viewsets.ModelViewSet):
    # No docstring: a viewset's docstring is its resource's published description (the OpenAPI
    # schema), written for integrators in each subclass; the summaries and the paragraph of each
    # operation are added by ``wardsecurity.api.schema.WardAutoSchema``.
    #
    # CRUD over a model's services; reads start from ``visible_to(request.user)``. Subclasses
    # set ``model``, ``serializer_class``, ``filterset_class`` (the app's FilterSet, applied by
    # the filter backend), ``selectors`` (the app's ``<noun>_list`` and ``<noun>_get``: the list
    # selector starts from ``visible_to`` and owns the joins), ``services`` (``<noun>_create``,
    # ``_update`` and ``_delete``), and ``ordering_fields`` and ``ordering`` from the app's
    # ``fields.py``.

    model: type[Model] | None = None
    selectors: tuple[Callable[..., Any], ...] = ()
    services: tuple[Callable[..., Any], ...] = ()
    ordering_fields: tuple[str, ...] = ("id", "created_at", "updated_at")
    ordering: tuple[str, ...] = ("-id",)
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        hidden = hidden_fields(self.model, request.user) if self.model is not None else ()
        if hidden:
            # Never sorted by personal data for a role that may not see it: ``?ordering=`` on
            # such a field is ignored like any field that is not sortable (issue 15, item 13).
            self.ordering_fields = tuple(f for f in self.ordering_fields if f not in hidden)

    def get_queryset(self):
        list_selector, _get = self.selectors
        return list_selector(user=self.request.user)

    # Reads ------------------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        lean = lean_representation(self.get_serializer_class())
        if lean is None or not isinstance(self.paginator, PageNumberPagination | None):
            response = super().list(request, *args, **kwargs)
        else:
            response = self.lean_list(lean)
        if self.model.sensitive:
            rows = response.data.get("results", response.data)
            sensitive_read_log(
                user=request.user,
                model=self.model,
                ids=[row["id"] for row in rows],
                path=request.path,
            )
        return response

    def lean_list(self, lean):
        """The list through LeanRepresentation: the same queries and JSON, less Python."""
        queryset = self.filter_queryset(self.get_queryset())
        hidden = hidden_fields(self.model, self.request.user)
        if self.paginator is None:
            return Response(lean.represent(lean.rows(queryset), hidden=hidden))
        page = self.paginator.paginate_queryset(queryset, self.request, view=self, rows=lean.rows)
        return self.get_paginated_response(lean.represent(page, hidden=hidden))

    @extend_schema(responses=HistoryEntry(many=True))
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filter_backends=[])
    def history(self, request, *args, **kwargs):
        # The record is read as ``retrieve`` reads it (the role was checked by RolePermission:
        # 403 before any lookup), through the app's get selector: outside the scope, 404.
        _list, get_selector = self.selectors
        instance = get_selector(user=request.user, pk=record_pk(kwargs.get(self.lookup_field)))
        self.check_object_permissions(request, instance)
        events = record_events(self.model, instance.pk)
        if events is None:  # every ward record is tracked (tests/wardsecurity/test_history.py)
            raise OutOfScope
        page = self.paginator.paginate_queryset(events, request, view=self)
        # Logged once the answer is certain: a page that is not a page (404) reads nothing.
        sensitive_read_log(
            user=request.user, model=self.model, ids=[instance.pk], path=request.path
        )
        # The event just older than the page's last is the base of its changes (one query).
        before = events.filter(pgh_id__lt=page[-1].pgh_id).first() if page else None
        entries = event_entries(
            self.model, page, before=before, hidden=hidden_fields(self.model, request.user)
        )
        return self.get_paginated_response(HistoryEntry(entries, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        sensitive_read_log(
            user=request.user, model=self.model, ids=[instance.pk], path=request.path
        )
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    # Writes -----------------------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is not None:
            return self.create_once(request, key)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        create, _update, _delete = self.services
        instance = create(actor=request.user, data=serializer.validated_data)
        return self.created(instance)

    def created(self, instance, **headers):
        return Response(
            self.get_serializer(instance).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(instance), **headers},
        )

    def create_once(self, request, key):
        """A create with an ``Idempotency-Key`` (issue 15, item 6): sent again with the same
        request, even at the same instant, it answers the record the first one created."""
        if not IDEMPOTENCY_KEY.match(key):
            return error_response(
                "idempotency_key",
                _("Idempotency-Key must be 1 to 255 visible ASCII characters."),
                status.HTTP_400_BAD_REQUEST,
            )
        nonce = idempotency_nonce(request.user, key)
        fingerprint = request_fingerprint(request)
        earlier = FormSubmission.objects.filter(nonce=nonce).first()
        if earlier is not None:  # before validating: the first record may clash with the body
            return self.replay(request, earlier, fingerprint)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        create, _update, _delete = self.services
        try:
            instance = submit_once(
                user=request.user,
                nonce=nonce,
                fingerprint=fingerprint,
                create=lambda: create(actor=request.user, data=serializer.validated_data),
                result_url=lambda record: reverse(f"api:{self.basename}-detail", args=[record.pk]),
            )
        except AlreadySubmitted as repeat:
            return self.replay(request, repeat.submission, fingerprint)
        return self.created(instance)

    def replay(self, request, submission, fingerprint):
        if submission.fingerprint != fingerprint:
            # 409, as the offline client expects (issue 17): the key is taken, not the body wrong.
            return error_response(
                "idempotency_key_reused",
                _("This Idempotency-Key was already used for another request."),
                status.HTTP_409_CONFLICT,
            )
        _list, get_selector = self.selectors
        instance = get_selector(user=request.user, pk=submission.object_id)
        return self.created(instance, **{"Idempotent-Replayed": "true"})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        version = expected_version(request, instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        _create, update, _delete = self.services
        instance = update(
            actor=request.user,
            instance=instance,
            data=serializer.validated_data,
            expected_version=version,
        )
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        version = expected_version(request, instance)
        _create, _update, delete = self.services
        delete(actor=request.user, instance=instance, expected_version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)
