"""The package's layers, read from its imports: no cycles, and nothing below
the resources imports them (imports under ``if TYPE_CHECKING:`` do not count:
they never run)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import elevenphone

PACKAGE = Path(elevenphone.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, module: str) -> set[str]:
    """The elevenphone modules ``path`` imports when it runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom):
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in MODULES else base)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list):
                    visit([c for c in children if isinstance(c, ast.stmt)])

    visit(tree.body)
    return {name for name in found if name in MODULES and name != module}


PATHS = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
MODULES = set(PATHS)
GRAPH = {module: _runtime_imports(path, module) for module, path in PATHS.items()}


def _cycle_from(start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        module, trail = stack.pop()
        for imported in GRAPH[module]:
            if imported == start:
                return [*trail, start]
            if imported not in trail:
                stack.append((imported, [*trail, imported]))
    return None


def test_the_graph_is_read() -> None:
    assert "elevenphone.resources.phone_numbers" in GRAPH["elevenphone._client"]
    assert "elevenphone._wire" in GRAPH["elevenphone.resources.phone_numbers"]


def test_no_import_cycles() -> None:
    # Package __init__ files re-export their modules; a cycle through one is
    # an import of a sibling, not of a layer above.
    cycles = [c for m in sorted(GRAPH) if (c := _cycle_from(m)) and not _through_init(c)]
    assert cycles == []


def _through_init(cycle: list[str]) -> bool:
    return any(PATHS[module].name == "__init__.py" for module in cycle[:-1])


LOWER_LAYERS = (
    "elevenphone._wire",
    "elevenphone._transport",
    "elevenphone._request",
    "elevenphone._response",
    "elevenphone._retry",
    "elevenphone._exceptions",
    "elevenphone._logs",
    "elevenphone._models",
    "elevenphone.bulk",
)


def test_nothing_below_the_resources_imports_them() -> None:
    upward = {
        module: sorted(m for m in imported if m.startswith("elevenphone.resources"))
        for module, imported in GRAPH.items()
        if module.startswith(LOWER_LAYERS)
    }
    assert {module: ups for module, ups in upward.items() if ups} == {}


def test_bulk_runs_load_on_first_use() -> None:
    # Most programs never start a bulk run: importing elevenphone leaves the
    # bulk package unloaded, and its names and methods load it when used.
    code = (
        "import sys, elevenphone\n"
        "print('elevenphone.bulk' in sys.modules)\n"
        "from elevenphone import BulkResult, Journal\n"
        "print('elevenphone.bulk' in sys.modules, BulkResult.__module__, Journal.__module__)\n"
        "print(sorted(set(elevenphone.__all__) - set(dir(elevenphone))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:3] == [
        "False",
        "True elevenphone elevenphone",
        "[]",
    ]
    assert elevenphone.PhoneNumberState is elevenphone.bulk.PhoneNumberState
    with pytest.raises(AttributeError, match="no attribute 'BulkRuns'"):
        _ = elevenphone.BulkRuns
