"""The imports app reads the apps' models and services, never an API (only its own endpoints,
``imports/api/``, are an API), and its modules import one another one way: the tasks above the
services, the services above the row and COPY paths, those above the report and the rules."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "imports"


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module (and module.name) ``path`` imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def sources():
    return {
        module_name(path): imported(path)
        for path in APP.rglob("*.py")
        if "migrations" not in path.parts and "samples" not in path.parts
    }


def test_only_the_imports_own_endpoints_read_an_api():
    for module, names in sources().items():
        if module.startswith("imports.api"):
            continue
        api = sorted(
            n for n in names if ".api" in n or n.startswith(("rest_framework", "drf_spectacular"))
        )
        assert api == [], module


def test_the_imports_modules_import_one_another_one_way():
    found = sources()
    edges = {
        module: {name for name in names if name in found and name != module}
        for module, names in found.items()
    }
    path = []

    def visit(module, seen):
        assert module not in path, " -> ".join([*path[path.index(module) :], module])
        if module in seen:
            return
        seen.add(module)
        path.append(module)
        for target in sorted(edges[module]):
            visit(target, seen)
        path.pop()

    seen = set()
    for module in sorted(edges):
        visit(module, seen)
    assert "imports.tasks" in edges["imports.views"]
    assert "imports.tasks" not in edges["imports.services"]
