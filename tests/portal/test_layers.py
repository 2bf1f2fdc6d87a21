"""The portal is an entry point beside the API, not on top of it, and the export machinery
imports one way (the task module at the top)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from wardsecurity.api.urls import router
from wardsecurity.portal import PORTAL_APPS, registry

ROOT = Path(settings.BASE_DIR)
PORTAL_MODULES = sorted(
    [
        *(ROOT / "wardsecurity" / "portal").glob("*.py"),
        *(ROOT / app / "views.py" for app in PORTAL_APPS),
    ]
)


def imported_modules(path):
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", PORTAL_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_portal_imports_nothing_of_the_api(path):
    api = [name for name in imported_modules(path) if "api" in name.split(".")]
    assert api == []


def test_the_export_jobs_import_neither_the_pages_nor_the_tasks():
    imported = imported_modules(ROOT / "wardsecurity" / "portal" / "export_jobs.py")
    assert not imported & {"wardsecurity.portal.views", "wardsecurity.tasks"}
    assert not any(
        name.startswith(("wardsecurity.portal.views", "wardsecurity.tasks")) for name in imported
    )


ENTITIES = {entity.model: entity for entity in registry()}
RESOURCES = [
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if getattr(viewset, "services", ())
]


@pytest.mark.parametrize(("prefix", "viewset"), RESOURCES, ids=[p for p, _v in RESOURCES])
def test_the_page_and_the_api_agree_on_fields_sorting_and_reads(prefix, viewset):
    """Declared once in the app (fields.py, selectors.py, services.py) and read by both."""
    entity = ENTITIES[viewset.model]
    serializer = viewset.serializer_class()
    writable = tuple(name for name, field in serializer.fields.items() if not field.read_only)
    assert writable == entity.fields == tuple(entity.form_class._meta.fields)
    assert tuple(viewset.ordering_fields) == entity.sortable
    assert tuple(viewset.ordering) == entity.ordering
    assert viewset.filterset_class is entity.filterset_class
    assert tuple(viewset.services) == entity.services
    assert tuple(viewset.selectors) == entity.selectors
    assert entity.prefix == prefix
