"""Every public name has a docstring and a place in the API reference (docs/reference/)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from functools import cache
from pathlib import Path

import pytest

import elevenphone
import elevenphone.testing
import elevenphone.webhooks
from tests.docs.markdown_blocks import DOCS

REFERENCE = DOCS / "reference"

# Public data names whose definition has no docstring yet (the package is not
# ours to edit). Strict: once one gets its docstring, its entry must go.
MISSING_DOCSTRINGS: dict[str, str] = {}

_DIRECTIVE = re.compile(r"^::: (elevenphone(?:\.testing|\.webhooks)?)\.(\w+)\s*$", re.M)
_ANCHOR = re.compile(r"(?:\{ #|<a id=\")(elevenphone(?:\.testing|\.webhooks)?)\.(\w+)")


def _documented() -> set[str]:
    names = set()
    for page in REFERENCE.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for package, name in [*_DIRECTIVE.findall(text), *_ANCHOR.findall(text)]:
            names.add(f"{package}.{name}")
    return names


@cache
def _tree(module: str) -> ast.Module:
    path = Path(inspect.getfile(importlib.import_module(module)))
    return ast.parse(path.read_text(encoding="utf-8"))


def _home(package: str, name: str) -> tuple[str, str] | None:
    """The module and name ``package`` imports ``name`` from, if it is imported."""
    for node in ast.walk(_tree(package)):
        if isinstance(node, ast.ImportFrom):
            relative = "." * node.level + (node.module or "")
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return importlib.util.resolve_name(relative, package), alias.name
                if alias.name == "*":
                    module = importlib.util.resolve_name(relative, package)
                    if name in getattr(importlib.import_module(module), "__all__", ()):
                        return module, name
    return None


def _has_docstring(module: str, name: str) -> bool:
    body = _tree(module).body
    for index, node in enumerate(body):
        definition = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        if isinstance(node, definition) and node.name == name:
            return bool(ast.get_docstring(node))
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        if name in targets:
            following = body[index + 1] if index + 1 < len(body) else None
            return (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
                and bool(following.value.value.strip())
            )
    return False


def _docstring_found(package: str, name: str) -> bool:
    value = getattr(importlib.import_module(package), name)
    home = _home(package, name)
    if home is None:
        return _has_docstring(package, name)
    module, original = home
    if not module.startswith("elevenphone"):
        return bool((getattr(value, "__doc__", None) or "").strip())  # a third-party re-export
    if _has_docstring(module, original):
        return True
    if _home(module, original) is not None:  # re-exported again (a package's __init__)
        return _docstring_found(module, original)
    # An alias of a documented class (OutboundSIPTrunkInfo = GetPhoneNumber...),
    # defined next to it (its __module__ is the public package's).
    if inspect.isclass(value) and value.__name__ != original:
        return _has_docstring(module, value.__name__)
    return False


def _params(package: str, names: list[str]) -> list[object]:
    params = []
    for name in sorted(names):
        marks = []
        if package == "elevenphone" and name in MISSING_DOCSTRINGS:
            marks.append(pytest.mark.xfail(reason=MISSING_DOCSTRINGS[name], strict=True))
        params.append(pytest.param(package, name, id=f"{package}.{name}", marks=marks))
    return params


def _own(package: str) -> list[str]:
    """The public names of ``package`` but those it takes from ``elevenphone``
    (documented there)."""
    module = importlib.import_module(package)
    return [n for n in module.__all__ if getattr(elevenphone, n, None) is not getattr(module, n)]


PUBLIC = [
    *_params("elevenphone", elevenphone.__all__),
    *_params("elevenphone.testing", elevenphone.testing.__all__),
    *_params("elevenphone.webhooks", _own("elevenphone.webhooks")),
]


@pytest.mark.parametrize(("package", "name"), PUBLIC)
def test_public_name_has_a_docstring(package: str, name: str) -> None:
    assert _docstring_found(package, name), f"{package}.{name} has no docstring"


@pytest.mark.parametrize(
    ("package", "name"), [pytest.param(p.values[0], p.values[1], id=p.id) for p in PUBLIC]
)
def test_public_name_is_in_the_api_reference(package: str, name: str) -> None:
    assert f"{package}.{name}" in _documented(), (
        f"docs/reference/ has no '::: {package}.{name}' (nor an anchor for it)"
    )


def test_reference_names_only_public_objects() -> None:
    public = {f"elevenphone.{n}" for n in elevenphone.__all__}
    public |= {f"elevenphone.testing.{n}" for n in elevenphone.testing.__all__}
    public |= {f"elevenphone.webhooks.{n}" for n in elevenphone.webhooks.__all__}
    assert _documented() <= public, _documented() - public
