"""OpenAPI description of the portal's authentication and errors (imported by the API urls)."""

import uritemplate
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

from wardsecurity.api.descriptions import operation_description, operation_summary
from wardsecurity.api.permissions import RolePermission, view_model
from wardsecurity.personal import personal_fields


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "wardsecurity.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/v1/auth/token/ (expires; revoked at logout).",
        }


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer, in the request's language (docs/api.md, "Errors")."""

    code = serializers.CharField(
        help_text="What went wrong, for programs: `invalid` (or the code every input error "
        "shares, e.g. `period_closed`, `required`), `bad_credentials`, `locked_out`, "
        "`not_authenticated`, `authentication_failed`, `permission_denied`, `not_found`, "
        "`not_ready`, `method_not_allowed`, `unsupported_media_type`, `parse_error`, "
        "`idempotency_key`, `idempotency_key_reused`, `stale`, `throttled`, `server_error`, "
        "`database_unavailable`."
    )
    detail = serializers.CharField(
        help_text="The message, in the request's language (Vietnamese unless Accept-Language "
        "asks for English); for input errors a summary, or the one message not tied to a field."
    )
    # A field named like the serializer's ``fields`` property: the API's name, read from the
    # class body by DRF; the stubs only know the property.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Input errors by field: the field's name, or a dotted path into nested data "
        "(`members.0.full_name`). Only on a 400 with such errors.",
    )
    non_field_errors = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Input errors tied to no field. Only on a 400 with such errors.",
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: nothing was changed.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "The role may not do this.",
    "404": "No such record in the caller's scope.",
    "404-list": "No such page: a page number that is not ASCII digits from 1, or past the last "
    "page (past the count limit: a page with no row, or one starting past row 2,147,483,647).",
    "409": "The Idempotency-Key was already used with another request: nothing was created.",
    "412": "If-Match does not name the current version: nothing was changed.",
    "428": "No If-Match: send the ETag you read, or `*` to overwrite. Nothing was changed.",
    "429": "Too many sign-in attempts from this address: try again after Retry-After seconds.",
}
WRITE_METHODS = {"PUT", "PATCH", "DELETE"}
# Permission classes whose only refusal is "not signed in" (401), or none at all.
SIGNED_IN_ONLY = (RolePermission, permissions.IsAuthenticated, permissions.AllowAny)


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """``extend_schema(responses=…)`` entries for errors WardAutoSchema cannot infer from the
    view (a 409 of a state check, a 400 of a body-less action …); ``descriptions`` override the
    standard texts by code (``e403="…"``). The body is always the ``Error`` component."""
    return {
        code: OpenApiResponse(
            ErrorSerializer,
            description=descriptions.get(f"e{code}", ERROR_DESCRIPTIONS[str(code)]),
        )
        for code in codes
    }


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any string the client chooses for this create. Sent again with the same "
    "request, it answers the record the first one created (201, `Idempotent-Replayed: true`) "
    "and creates nothing; with another request, 409. A key is the caller's own and is "
    "remembered for SESSION_COOKIE_AGE (12 hours by default).",
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
}

IF_MATCH_PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The ETag of the version this write is based on, as the GET, the create or "
    'the last write answered it (`"<id>-<version>"`), or `*` to write whatever the current '
    "version is. Missing: 428; another version: 412, and nothing is changed. Weak tags (`W/…`) "
    "never match.",
    "schema": {"type": "string"},
}
IF_MATCH_OPTIONAL = {
    **IF_MATCH_PARAMETER,
    "required": False,
    "description": "The ETag of the version this change is based on: another version answers "
    "412 and nothing is changed. Weak tags (`W/…`) never match.",
}
ETAG_HEADER = {
    "description": 'The record\'s version, `"<id>-<version>"`: send it back as `If-Match` to '
    "change or delete the record.",
    "required": True,
    "schema": {"type": "string", "pattern": '^"[0-9]+-[0-9]+"$'},
}
# The actions of a ward record's viewset whose answer is one record with its ETag.
ETAG_ACTIONS = frozenset({"retrieve", "create", "update", "partial_update"})
IF_MATCH_REQUIRED = frozenset({"PUT", "PATCH", "DELETE"})


def without_title(schema):
    """A parameter's schema without ``title``: drf-spectacular copies the filter's (translated)
    label there, and client generators name the parameter's enum class after it
    (``GroupsListLoẠI`` in Vietnamese, ``GroupsListKind`` in English). The label stays in the
    parameter's description; the class is named from the operation and the parameter."""
    schema = {key: value for key, value in schema.items() if key != "title"}
    if isinstance(schema.get("items"), dict):
        schema["items"] = without_title(schema["items"])
    return schema


class WardAutoSchema(AutoSchema):
    """Every operation documents the errors the API can answer (GUARANTEES G12)."""

    def get_summary(self):
        # A resource's operations: "List households" … (wardsecurity.api.descriptions).
        return operation_summary(self.view) or super().get_summary()

    def get_description(self):
        # A resource's docstring and the operation's paragraph; other views: their docstrings.
        return operation_description(self.view) or super().get_description()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        parent = getattr(field, "parent", None)
        model = getattr(getattr(parent, "Meta", None), "model", None)
        if (
            direction == "response"
            and model is not None
            and field.source_attrs
            and field.source_attrs[0] in personal_fields(model)
        ):
            # Personal data is null for the roles that may not see it (wardsecurity.personal).
            # One schema for every role; requests are unchanged (COMPONENT_SPLIT_REQUEST).
            schema = {**schema, "nullable": True}
            schema["description"] = (
                schema.get("description", "") + " Personal data: null for roles that may not"
                " see it (steering committee viewers)."
            ).strip()
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        listing = self.method == "GET" and self._is_list_view()
        for code in self._error_statuses(responses):
            described = f"{code}-list" if listing and f"{code}-list" in ERROR_DESCRIPTIONS else code
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[described]})
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400:
                response["content"] = {"application/json": {"schema": error}}
        # The answers first, then the errors in order.
        return dict(sorted(responses.items(), key=lambda item: (item[0] >= "400", item[0])))

    def _error_statuses(self, declared) -> set[str]:
        """The errors this operation can answer: those the view declares, and those that follow
        from its method, parameters, authentication and permissions."""
        codes = {code for code in declared if code.isdigit() and int(code) >= 400}
        query = {p["name"] for p in self._get_parameters() if p.get("in") == "query"}
        writes = self.method in WRITE_METHODS
        if query or writes or (self.method == "POST" and self.get_request_serializer()):
            codes.add("400")  # a bad filter, page_size or cursor; a bad body; a closed period
        auth = self.get_auth()
        signed_in = bool(auth) and {} not in auth
        if signed_in:
            codes.add("401")
        if self._may_refuse_role(signed_in):
            codes.add("403")
        if "{" in self.path or "page" in query:
            codes.add("404")  # no such record in scope; no such page
        if self.is_idempotent_create():
            codes.add("409")
        # If-Match: another version is refused (412); a write that must carry it and does not,
        # 428. Declared here once, from the parameters, for the viewsets and the state changes.
        if any(p["name"] == "If-Match" for p in self._get_parameters()):
            codes.add("412")
        if self.method in IF_MATCH_REQUIRED:
            codes.add("428")
        return codes

    def _may_refuse_role(self, signed_in: bool) -> bool:
        """403: a write (a role that may not write, or a session without its CSRF token), a
        sensitive resource (police and administrators only), or a permission of its own."""
        if signed_in and self.method not in permissions.SAFE_METHODS:
            return True
        if getattr(view_model(self.view), "sensitive", False):
            return True
        return any(
            not isinstance(permission, SIGNED_IN_ONLY) for permission in self.view.get_permissions()
        )

    def is_idempotent_create(self):
        """A ward record's create: it takes an ``Idempotency-Key`` (issue 15, item 6)."""
        from wardsecurity.api.viewsets import WardRecordViewSet

        return (
            self.method == "POST"
            and isinstance(self.view, WardRecordViewSet)
            and getattr(self.view, "action", None) == "create"
        )

    def _get_parameters(self):
        parameters = [
            {**parameter, "schema": without_title(parameter["schema"])}
            if isinstance(parameter.get("schema"), dict)
            else parameter
            for parameter in super()._get_parameters()
        ]
        if self.is_idempotent_create():
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        if self.method in IF_MATCH_REQUIRED:
            parameters.append(IF_MATCH_PARAMETER)
        elif self.method == "POST" and self.sends_etag() and uritemplate.variables(self.path):
            # A change of state of one record (a report's submit, an issue): If-Match optional.
            parameters.append(IF_MATCH_OPTIONAL)
        return parameters

    def sends_etag(self):
        """Whether the operation answers one versioned record with its ``ETag``: a ward
        record's read, create and update, and the views that say so (``sends_etag = True``)."""
        from wardsecurity.api.viewsets import WardRecordViewSet

        if self.method == "DELETE":
            return False
        if isinstance(self.view, WardRecordViewSet):
            return getattr(self.view, "action", None) in ETAG_ACTIONS
        # Of the others, one record's operations and creates; never a list.
        single = bool(uritemplate.variables(self.path)) or self.method == "POST"
        return getattr(self.view, "sends_etag", False) and single

    def _get_response_headers_for_code(self, status_code, direction="response"):
        headers = super()._get_response_headers_for_code(status_code, direction)
        if str(status_code) in {"200", "201"} and self.sends_etag():
            headers = {**headers, "ETag": ETAG_HEADER}
        return headers
