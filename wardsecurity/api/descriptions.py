"""The summary and description of each operation of a model resource, for the OpenAPI schema.

A resource is described once, in its viewset's own docstring, for integrators: what it is (with
its Vietnamese name), who may read and write it, what it refuses. Each operation adds its
summary ("List households", "Create a household", …: built from the model's English name, so
the schema reads the same whatever the request's language) and a short paragraph of its own
(filters and pages, ``Idempotency-Key``, ``If-Match``, history). Base classes are never
described: a viewset without a docstring of its own has no resource text (the test of
``tests/wardsecurity/test_api_descriptions.py`` fails).

Operations that are not a model resource's (tokens, periods, statistics, imports, report jobs,
the reporting chain) carry their summary and description beside their view, in
``extend_schema`` and the view's or method's docstring.
"""

import inspect

from django.utils import translation
from rest_framework.viewsets import GenericViewSet

SUMMARIES = {
    "list": "List {plural}",
    "create": "Create {a}",
    "retrieve": "Read {a}",
    "update": "Replace {a}",
    "partial_update": "Change part of {a}",
    "destroy": "Delete {a}",
    "history": "History of {a}",
}

IF_MATCH = (
    "Send the record's `ETag` as `If-Match`: without it the answer is 428, with the ETag of an "
    "older version 412, and nothing is changed. Records dated in a closed period are read-only "
    "(400, code `period_closed`)."
)
PARAGRAPHS = {
    "list": (
        "Lists the {plural} in the caller's scope. Narrow the list with the filters below "
        "(`search` ignores accents and case), sort it with `ordering`, and page through it with "
        "`page` and `page_size` (50 a page by default, at most 500; `count` is exact up to "
        "100,000 rows), or walk all of it with `?cursor=`. A page that is not a page answers 404."
    ),
    "create": (
        "Creates {a} and answers it with its `ETag`. Links name records the caller can see: "
        "another ward's record and a missing id get the same 400. Send an `Idempotency-Key` "
        "header so that a retry answers the record the first request created instead of "
        "creating a second one (the same key with another request: 422)."
    ),
    "retrieve": (
        "Reads {a} in the caller's scope (another ward's answers 404), with its `ETag` "
        '(`"<id>-<version>"`) to send back as `If-Match` when changing it.'
    ),
    "update": "Replaces {the}: send every writable field. " + IF_MATCH,
    "partial_update": "Changes {the}: only the fields sent; the others stay as they are. "
    + IF_MATCH,
    "destroy": "Deletes {the} (204). " + IF_MATCH,
    "history": (
        "The changes of {the}, newest first: for each creation, change or deletion, who made it "
        "(`actor`; null for the system, with the command in `context`), when, and each field "
        "it changed with the old and the new value (`old` is null on creation). Personal data "
        "the caller may not see is listed as changed, with null values. Paged like lists "
        '(`page`, `page_size`). See docs/api.md, "History".'
    ),
}
READ_ONLY_RETRIEVE = "Reads {a} in the caller's scope (404 outside it)."


def resource_model(view):
    """The model of a router-registered viewset, or None for any other view."""
    if not isinstance(view, GenericViewSet):
        return None
    queryset = getattr(view, "queryset", None)
    return getattr(view, "model", None) or (queryset.model if queryset is not None else None)


def _names(model):
    """``{a}``, ``{the}``, ``{plural}`` of ``model`` in English, whatever the active language."""
    with translation.override("en"):
        singular = str(model._meta.verbose_name)
        plural = str(model._meta.verbose_name_plural)
    article = "an" if singular[:1].lower() in "aeiou" else "a"
    return {"a": f"{article} {singular}", "the": f"the {singular}", "plural": plural}


def _action(view):
    action = getattr(view, "action", None)
    return action if action in SUMMARIES else None


def operation_summary(view) -> str | None:
    """ "List households", "Create a household" …; None for a view that is not a resource's."""
    model, action = resource_model(view), _action(view)
    if model is None or action is None:
        return None
    text = SUMMARIES[action].format(**_names(model))
    return text[:1].upper() + text[1:]


def resource_description(view_class) -> str:
    """The docstring the resource's viewset declares itself (never a base class's), each
    paragraph on one line."""
    text = inspect.cleandoc(vars(view_class).get("__doc__") or "")
    return "\n\n".join(" ".join(part.split("\n")) for part in text.split("\n\n"))


def operation_description(view) -> str | None:
    """The resource's docstring, then the operation's paragraph; None when not a resource's."""
    model, action = resource_model(view), _action(view)
    if model is None or action is None:
        return None
    paragraph = PARAGRAPHS[action]
    if action == "retrieve" and getattr(view, "read_only_resource", False):
        paragraph = READ_ONLY_RETRIEVE
    parts = [resource_description(type(view)), paragraph.format(**_names(model))]
    return "\n\n".join(part for part in parts if part)
