"""Imports flow one way: the domain rules and the QR drawing never import Flask or the app."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "app/domain": ("flask", "flask_babel", "flask_wtf", "sqlalchemy", "app.models", "app.services"),
    "qr": ("flask", "flask_babel", "app"),
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module or ""


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_pure_packages_import_no_flask(folder):
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"{folder} has no modules"
    for path in files:
        for name in _imports(path):
            for banned in FORBIDDEN[folder]:
                assert not (name == banned or name.startswith(banned + ".")), f"{path} imports {name}"


LAYERS = {  # a package and what it may not import: imports flow views -> services -> models, domain
    "app/core": ("app.services", "app.staff", "app.citizen", "app.stats", "app.cli", "app.demo"),
    "app/services": ("flask", "app.staff", "app.citizen", "app.cli", "app.notify"),
    "app/notify": ("app.staff", "app.citizen", "app.cli"),
    "app/staff": ("app.citizen",),
    "app/citizen": ("app.staff",),
}


@pytest.mark.parametrize("folder", sorted(LAYERS))
def test_layers_import_one_way(folder):
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in _imports(path):
            for banned in LAYERS[folder]:
                assert not (name == banned or name.startswith(banned + ".")), f"{path} imports {name}"


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_at_module_level():
    """Modules import each other only one way at import time (no import-at-the-bottom tricks)."""
    modules = {_module_of(p): p for p in (ROOT / "app").rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        found = set()
        for node in tree.body:  # top level only: an import inside a function runs later
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:  # `from package import submodule` needs the submodule
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    state: dict = {}

    def visit(name, trail):
        if state.get(name) == "done":
            return
        assert state.get(name) != "open", "import cycle: " + " -> ".join(trail + [name])
        state[name] = "open"
        for other in sorted(graph[name]):
            visit(other, trail + [name])
        state[name] = "done"

    for name in sorted(graph):
        visit(name, [])


CASE_TABLES = {"Suggestion", "CaseEvent", "Reply", "FigureMonth"}


def test_staff_views_never_query_cases_themselves():
    """Staff views ask services (which start from app/services/access.py visible_cases) for the
    cases they list: a view that selected cases itself is how a report once leaked."""
    for path in sorted((ROOT / "app/staff").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "select", "get", "query", "execute", "scalars", "scalar"):
                named = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                assert not named & CASE_TABLES, f"{path}:{node.lineno} queries {named & CASE_TABLES}"
