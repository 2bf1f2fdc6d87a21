"""The layers of ``reports`` import one way: the statistics engine at the bottom, ``figures``
over it, the period reports (``documents``) and the ``dashboard`` side by side over both."""

import ast
from pathlib import Path

import pytest

import reports
from reports.dashboard import content as dashboard
from reports.documents.layout import SECTIONS

ROOT = Path(reports.__file__).parent
# What each layer may never import: the layers above it, or beside it.
FORBIDDEN = {
    "statistics": ("reports.figures", "reports.documents", "reports.dashboard", "reports.api"),
    "figures": ("reports.documents", "reports.dashboard", "reports.api"),
    "documents": ("reports.dashboard", "reports.api"),
    "dashboard": ("reports.documents", "reports.api"),
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_no_layer_above_or_beside_it(layer):
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files
    wrong = [
        f"{path.relative_to(ROOT.parent)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path))
        if name.startswith(FORBIDDEN[layer])
    ]
    assert wrong == []


def test_the_dashboard_counts_each_figure_in_the_unit_of_the_period_report():
    report_units = {
        item.key: item.unit
        for section in SECTIONS
        for heading in section.headings
        for item in heading.items
        if item.choices is None
    }
    shown = {key for key, _better in dashboard.TILES} | set(dashboard.TRENDS)
    shown |= set(dashboard.RANKING)
    assert set(dashboard.UNITS) == shown
    assert {key: report_units[key] for key in shown} == dashboard.UNITS
