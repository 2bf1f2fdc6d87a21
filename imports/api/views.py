"""``/api/v1/imports/``: upload a CSV/XLSX file, follow its validation, commit or cancel it."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from households.models import Ward
from imports import services
from imports.kinds import KINDS
from imports.models import ImportBatch
from imports.parsing import TOO_LARGE, max_bytes
from imports.tasks import queue_commit, queue_validation
from imports.templates import template_workbook
from wardsecurity.api.exceptions import error_response
from wardsecurity.api.schema import error_responses
from wardsecurity.api.serializers import StrictSerializer

NAME_THE_WARD = _("Name the ward (its code): your scope has several wards.")
WARD_NOT_IN_SCOPE = _("Choose a ward in your scope.")
HAS_ERRORS = _("The file has errors; correct them and upload it again.")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WAITING = _(
    "The file is saved and waits for the background worker to check it; it is checked as soon "
    "as the worker runs. Follow its status at the import's address."
)
CHECKING = _("The file is being checked.")
IMPORTING = _(
    "The rows are being written in the background (%(done)s of %(total)s). Follow the status "
    "at the import's address."
)


class ImportPermission(permissions.BasePermission):
    """Ward police, ward clerks and administrators only: steering viewers get 403 everywhere."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.can_write


class UploadParser(MultiPartParser):
    """Multipart, refused from its declared length before a byte of the file is read."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes() + 64 * 1024:  # the form's own fields and boundaries
            raise ParseError(TOO_LARGE)
        return super().parse(stream, media_type, parser_context)


class UploadSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=sorted(KINDS))
    file = serializers.FileField(allow_empty_file=True)
    ward = serializers.RegexField(
        r"^[0-9]{5}\Z", max_length=5, required=False, help_text="Ward code"
    )


class SummarySerializer(serializers.Serializer):
    # Fields named like the serializer's create()/update(): the API's names, read from the class
    # body by DRF; the stubs only know the methods.
    create = serializers.IntegerField()  # type: ignore[assignment]
    update = serializers.IntegerField()  # type: ignore[assignment]
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Line or sheet row; 1 is the header")
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class PreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "error"])
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))


class ImportSerializer(serializers.ModelSerializer):
    ward_code = serializers.CharField(source="ward.code", read_only=True)
    summary = serializers.SerializerMethodField()
    # A field named like the serializer's ``errors`` property: the API's name, read from the class
    # body by DRF; the stubs only know the property.
    errors = RowErrorSerializer(  # type: ignore[assignment]
        many=True, read_only=True, help_text="The first 1000 errors"
    )
    error_count = serializers.IntegerField(read_only=True, help_text="All errors")
    preview = PreviewRowSerializer(many=True, read_only=True, help_text="The first 200 rows")
    url = serializers.SerializerMethodField(help_text="The import's address, to follow it")
    message = serializers.SerializerMethodField(
        help_text="While a worker has the import: what it is waiting for or doing"
    )

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "url",
            "ward",
            "ward_code",
            "kind",
            "status",
            "message",
            "progress",
            "rows_done",
            "filename",
            "created_at",
            "row_count",
            "summary",
            "error_count",
            "errors",
            "preview",
        )
        read_only_fields = fields

    def get_url(self, batch) -> str:
        return reverse("api:import-detail", kwargs={"pk": batch.pk})

    def get_message(self, batch) -> str | None:
        if batch.status == ImportBatch.Status.QUEUED:
            return str(WAITING)
        if batch.status == ImportBatch.Status.VALIDATING:
            return str(CHECKING)
        if batch.status == ImportBatch.Status.COMMITTING:
            return str(IMPORTING % {"done": batch.rows_done, "total": batch.row_count})
        return None

    @extend_schema_field(SummarySerializer)
    def get_summary(self, batch):
        counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        counts.update(batch.summary or {})
        return counts


def errors(*codes: int):
    """The errors an import operation can answer, beyond those the schema infers."""
    return error_responses(
        *codes,
        e400="Invalid input or a file with errors: nothing was written.",
        e403="Steering viewers, and clerks for police-only kinds.",
        e404="No such import of the caller's.",
        e409="The import is not in a state that allows this (code `not_ready`).",
    )


def _batch(request, pk):
    batch = ImportBatch.objects.visible_to(request.user).select_related("ward").filter(pk=pk)
    batch = batch.first()
    if batch is None:
        raise Http404
    return batch


def _conflict(exc):
    return error_response("not_ready", exc.message, status.HTTP_409_CONFLICT)


class ImportUploadView(APIView):
    """Upload a CSV or XLSX file of one kind for one ward; validation runs in the background.

    The file is saved even when the background worker or its broker is down: the import waits,
    "queued", and is checked when they are back."""

    permission_classes = (ImportPermission,)
    parser_classes = (UploadParser,)

    @extend_schema(
        summary="Upload an import",
        description=(
            "Uploads a CSV or XLSX file of one kind (`households`, `organisations` …) for one"
            " ward (`ward`, its code; a ward officer's or clerk's own by default) and answers"
            " the import, 201. Validation runs in the background: read the import until it is"
            " `ready` or `invalid`. The file is kept even when the background worker or its "
            "broker is down (status `queued`). Ward police officers, ward clerks and "
            "administrators only (403 for steering viewers and province reviewers). Refused: "
            "a ward outside the scope, a file too large, an unknown kind (400)."
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportSerializer, **errors(400, 403)},
    )
    def post(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ward = self._ward(request.user, data.validated_data.get("ward"))
        upload = data.validated_data["file"]
        if upload.size > max_bytes():
            raise ValidationError({"file": [TOO_LARGE]})
        batch = services.import_start(
            actor=request.user,
            ward=ward,
            kind=data.validated_data["kind"],
            filename=upload.name or "",
            content=upload.read(),
        )
        queue_validation(batch)
        batch.refresh_from_db()
        return Response(ImportSerializer(batch).data, status=status.HTTP_201_CREATED)

    def _ward(self, user, code):
        wards = Ward.objects.visible_to(user)
        if code:
            ward = wards.filter(code=code).first()
            if ward is None:
                raise ValidationError({"ward": [WARD_NOT_IN_SCOPE]})
            return ward
        if user.scope_kind == user.ScopeKind.WARD and user.scope_ward_id:
            return wards.get(pk=user.scope_ward_id)
        raise ValidationError({"ward": [NAME_THE_WARD]})


class ImportDetailView(APIView):
    """An import's status, progress, counts, errors (row, column, message) and preview."""

    permission_classes = (ImportPermission,)

    @extend_schema(
        summary="Read an import",
        description=(
            "An import's status, progress, counts, errors (row, column, message) and preview."
            " Its uploader and administrators only: another user's import answers 404, "
            "steering viewers and province reviewers 403."
        ),
        responses={200: ImportSerializer, **errors(403, 404)},
    )
    def get(self, request, pk):
        return Response(ImportSerializer(_batch(request, pk)).data)


class ImportCommitView(APIView):
    """Write every row of a ready import in one transaction (400 while any row is in error).

    An import of more than ``IMPORT_SYNC_COMMIT_LIMIT`` rows is written by the background worker:
    202, status "committing", and its address to follow (``rows_done`` of ``row_count``)."""

    permission_classes = (ImportPermission,)

    @extend_schema(
        summary="Commit an import",
        description=(
            "Writes every row of a ready import in one transaction, through the same rules as"
            " any other write (closed periods, same-ward links, no duplicates). An import of "
            "more than IMPORT_SYNC_COMMIT_LIMIT rows is written by the background worker: "
            "202, status `committing`, and its address in `Location`. Its uploader and "
            "administrators only (404 for another user's import, 403 for steering viewers and"
            " province reviewers). Refused: an import with a row in error (400), one not "
            "ready yet or already committed or cancelled (409)."
        ),
        request=None,
        responses={
            200: ImportSerializer,
            202: OpenApiResponse(ImportSerializer, description="Queued: a large import"),
            **errors(400, 403, 404, 409),
        },
    )
    def post(self, request, pk):
        batch = _batch(request, pk)
        if batch.status == ImportBatch.Status.INVALID:
            raise ValidationError({"non_field_errors": [HAS_ERRORS]})
        try:
            if services.commits_in_worker(batch):
                batch = services.import_commit_queue(actor=request.user, batch=batch)
                queue_commit(batch)
                batch.refresh_from_db()
                body = ImportSerializer(batch).data
                return Response(
                    body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]}
                )
            batch = services.import_commit(actor=request.user, batch=batch)
        except services.ImportNotReady as exc:
            return _conflict(exc)
        return Response(ImportSerializer(batch).data)


class ImportCancelView(APIView):
    """Cancel an import that has not been committed."""

    permission_classes = (ImportPermission,)

    @extend_schema(
        summary="Cancel an import",
        description=(
            "Cancels an import that has not been committed: nothing of it is written. Its "
            "uploader and administrators only (404 for another user's import, 403 for "
            "steering viewers and province reviewers). Refused: an import already committed "
            "or being committed (409)."
        ),
        request=None,
        responses={200: ImportSerializer, **errors(403, 404, 409)},
    )
    def post(self, request, pk):
        batch = _batch(request, pk)
        try:
            batch = services.import_cancel(actor=request.user, batch=batch)
        except services.ImportNotReady as exc:
            return _conflict(exc)
        return Response(ImportSerializer(batch).data)


class ImportTemplateView(APIView):
    """The XLSX template of a kind: Vietnamese headers and an example row."""

    permission_classes = (ImportPermission,)

    @extend_schema(
        summary="Download an import template",
        description=(
            "The XLSX template of an import kind: the Vietnamese column headers and an "
            "example row. Ward police officers, ward clerks and administrators (403 for "
            "steering viewers and province reviewers); an unknown kind answers 404."
        ),
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=sorted(KINDS))],
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The template"),
            **errors(403, 404),
        },
    )
    def get(self, request, kind):
        if kind not in KINDS:
            raise Http404
        response = HttpResponse(template_workbook(kind), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
        return response
