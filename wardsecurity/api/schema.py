"""OpenAPI description of the portal's own authentication (imported by the API urls)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from wardsecurity.api.descriptions import operation_description, operation_summary
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


ERROR_BODY = {
    "type": "object",
    "description": "`detail` (and `code`) for request-level errors, or one list of messages "
    "per field (`non_field_errors` for the others); in the user's language.",
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: nothing was changed.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "The role may not do this.",
    "404": "No such record in the caller's scope.",
    "404-list": "No such page: a page number that is not ASCII digits from 1, or past the last "
    "page (past the count limit: a page with no row, or one starting past row 2,147,483,647).",
    "412": "If-Match does not name the current version: nothing was changed.",
    "422": "The Idempotency-Key was already used with another request: nothing was created.",
}
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any string the client chooses for this create. Sent again with the same "
    "request, it answers the record the first one created (201, `Idempotent-Replayed: true`) "
    "and creates nothing; with another request, 422. A key is the caller's own and is "
    "remembered for SESSION_COOKIE_AGE (12 hours by default).",
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
}


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
        # 404 on lists too: a page number past the end answers "Invalid page".
        codes = ["400", "401", "403", "404"]
        if self.method in {"PUT", "PATCH", "DELETE"}:
            codes.append("412")
        if self.is_idempotent_create():
            codes.append("422")
        listing = self.method == "GET" and self._is_list_view()
        for code in codes:
            described = f"{code}-list" if listing and f"{code}-list" in ERROR_DESCRIPTIONS else code
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[described],
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses

    def is_idempotent_create(self):
        """A ward record's create: it takes an ``Idempotency-Key`` (issue 15, item 6)."""
        from wardsecurity.api.viewsets import WardRecordViewSet

        return (
            self.method == "POST"
            and isinstance(self.view, WardRecordViewSet)
            and getattr(self.view, "action", None) == "create"
        )

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.is_idempotent_create():
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        return parameters
