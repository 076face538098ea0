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
