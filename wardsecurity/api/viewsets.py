"""The base viewset of every ward-owned resource: scoped reads, service writes, ETags."""

from rest_framework import status, viewsets
from rest_framework.response import Response

from wardsecurity.api.exceptions import PreconditionFailed
from wardsecurity.api.pagination import PageNumberPagination
from wardsecurity.api.serializers import lean_representation
from wardsecurity.models import SensitiveRead


def etag_for(instance) -> str:
    return f'"{instance.pk}-{instance.version}"'


def expected_version(request, instance):
    """The version an ``If-Match`` asks for: None when absent or ``*``; weak tags never match."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    current = etag_for(instance)
    for tag in (part.strip() for part in header.split(",")):
        if not tag.startswith("W/") and tag == current:
            return instance.version
    raise PreconditionFailed


class WardRecordViewSet(viewsets.ModelViewSet):
    """CRUD over a model's services; reads start from ``visible_to(request.user)``.

    Subclasses set ``model``, ``serializer_class``, ``filterset_class``, ``services`` (the
    create, update and delete functions) and the joins a list needs.
    """

    model = None
    services = ()
    list_select_related = ()
    list_prefetch_related = ()
    ordering_fields = ("id", "created_at", "updated_at")
    ordering = ("-id",)
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset

    # Reads ------------------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        lean = lean_representation(self.get_serializer_class())
        if lean is None or not isinstance(self.paginator, PageNumberPagination | None):
            response = super().list(request, *args, **kwargs)
        else:
            response = self.lean_list(lean)
        if self.model.sensitive:
            rows = response.data.get("results", response.data)
            self.log_sensitive_read([row["id"] for row in rows])
        return response

    def lean_list(self, lean):
        """The list through LeanRepresentation: the same queries and JSON, less Python."""
        queryset = self.filter_queryset(self.get_queryset())
        if self.paginator is None:
            return Response(lean.represent(lean.rows(queryset)))
        page = self.paginator.paginate_queryset(queryset, self.request, view=self, rows=lean.rows)
        return self.get_paginated_response(lean.represent(page))

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        if self.model.sensitive:
            self.log_sensitive_read([instance.pk])
        return Response(self.get_serializer(instance).data, headers={"ETag": etag_for(instance)})

    def log_sensitive_read(self, ids):
        SensitiveRead.objects.create(
            user=self.request.user,
            model=self.model._meta.label_lower,
            object_ids=ids,
            path=self.request.path[:255],
        )

    # Writes -----------------------------------------------------------------------------------

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        create, _update, _delete = self.services
        instance = create(actor=request.user, data=serializer.validated_data)
        return Response(
            self.get_serializer(instance).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(instance)},
        )

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
