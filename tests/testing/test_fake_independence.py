"""The fake never imports the SDK: a misreading shared by both would hide."""

from __future__ import annotations

import ast
from pathlib import Path

import elevenphone.testing

PACKAGE = Path(elevenphone.testing.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved within elevenphone.testing."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module or "")
            elif node.level == 1:
                found.add(f"elevenphone.testing.{node.module or ''}".rstrip("."))
            else:
                found.add(f"elevenphone (a relative import {node.level} levels up)")
    return found


def test_no_module_of_the_fake_imports_the_sdk() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        for module in imported_modules(path):
            if module.split(".")[0] != "elevenphone":
                continue
            assert module.startswith("elevenphone.testing"), f"{path.name} imports {module}"
