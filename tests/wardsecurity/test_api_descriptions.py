"""Every API operation has a real summary and description (issue 16, item 4).

The schema is generated as ``/api/v1/schema/`` serves it. A resource is described once, in its
viewset's own docstring; the operations add their summary (from the model's English name) and a
paragraph of their own. Nothing a base class says about itself to developers reaches the schema.
"""

import re

import pytest
from django.urls import resolve
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from wardsecurity.api.descriptions import resource_description
from wardsecurity.api.urls import router

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# What base classes said about themselves, to developers: none of it is an integrator's text.
BASE_CLASS_PHRASES = (
    "Subclasses",
    "subclass",
    "CRUD over",
    "visible_to",
    "``",
    "The territory is reference data",
    "A viewset that provides",
    "issue 13",
)


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


@pytest.fixture(scope="module")
def schema_operations():
    return operations()


def view_class(path):
    """The class that answers ``path`` (a viewset, an APIView or a transition's subclass)."""
    match = resolve(re.sub(r"\{[^}]+\}", "1", path))
    return match.func.cls


def test_every_operation_has_a_summary_and_a_description(schema_operations):
    missing = [
        f"{method.upper()} {path}"
        for (path, method), operation in schema_operations.items()
        if not operation.get("summary", "").strip() or not operation.get("description", "").strip()
    ]
    assert not missing, f"operations without a summary or a description: {missing}"


def test_no_description_repeats_what_a_base_class_says_to_developers(schema_operations):
    found = [
        f"{method.upper()} {path}: {phrase!r}"
        for (path, method), operation in schema_operations.items()
        for phrase in BASE_CLASS_PHRASES
        if phrase in operation["description"]
    ]
    assert not found, found


def test_no_two_resources_share_a_description(schema_operations):
    resources_of = {}
    for (path, _method), operation in schema_operations.items():
        resources_of.setdefault(operation["description"], set()).add(view_class(path))
    shared = {
        description[:80]: sorted(cls.__name__ for cls in classes)
        for description, classes in resources_of.items()
        if len(classes) > 1
    }
    assert not shared, shared


def test_every_operation_says_something_of_its_own(schema_operations):
    seen = {}
    for (path, method), operation in schema_operations.items():
        seen.setdefault(operation["description"], []).append(f"{method.upper()} {path}")
    repeated = [names for names in seen.values() if len(names) > 1]
    assert not repeated, repeated


@pytest.mark.parametrize(
    ("prefix", "viewset"),
    [(prefix, viewset) for prefix, viewset, _basename in router.registry],
    ids=[prefix for prefix, _viewset, _basename in router.registry],
)
def test_each_resource_writes_its_own_description_for_integrators(
    schema_operations, prefix, viewset
):
    text = resource_description(viewset)
    assert text, f"{viewset.__name__} has no docstring of its own"
    # A read-only resource refuses writes with 405 rather than a role's 403.
    assert "403" in text or "(405)" in text, "the description does not say what it refuses"
    for (path, _method), operation in schema_operations.items():
        if path.startswith(f"/api/v1/{prefix}/") and view_class(path) is viewset:
            assert operation["description"].startswith(text)


def test_summaries_come_from_the_models_english_name(schema_operations):
    households = {
        ("/api/v1/households/", "get"): "List households",
        ("/api/v1/households/", "post"): "Create a household",
        ("/api/v1/households/{id}/", "get"): "Read a household",
        ("/api/v1/households/{id}/", "put"): "Replace a household",
        ("/api/v1/households/{id}/", "patch"): "Change part of a household",
        ("/api/v1/households/{id}/", "delete"): "Delete a household",
        ("/api/v1/households/{id}/history/", "get"): "History of a household",
        ("/api/v1/incidents/", "post"): "Create an incident",
        ("/api/v1/eid-tallies/{id}/history/", "get"): "History of an e-ID tally",
        ("/api/v1/provinces/", "get"): "List provinces",
    }
    for key, summary in households.items():
        assert schema_operations[key]["summary"] == summary


def test_summaries_are_the_same_in_every_language():
    with translation.override("vi"):
        vietnamese = {key: op["summary"] for key, op in operations().items()}
    with translation.override("en"):
        english = {key: op["summary"] for key, op in operations().items()}
    assert vietnamese == english
    assert vietnamese[("/api/v1/groups/", "get")] == "List residential groups"


def test_writes_say_that_if_match_is_needed_and_creates_offer_an_idempotency_key(
    schema_operations,
):
    for (path, method), operation in schema_operations.items():
        cls = view_class(path)
        if not any(viewset is cls for _prefix, viewset, _basename in router.registry):
            continue
        if method in {"put", "patch", "delete"}:
            assert "If-Match" in operation["description"] and "428" in operation["description"]
        if method == "post" and "{" not in path:
            assert "Idempotency-Key" in operation["description"]
