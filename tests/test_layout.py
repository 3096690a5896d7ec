"""The package's layers, read from its imports, those under ``if
TYPE_CHECKING:`` included: no import cycles, and no arrow from a layer to one
above it (the send path below the resources and bulk runs, bulk runs below
the resources, the front client above them all)."""

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


def _imports(path: Path, module: str, *, type_checking: bool) -> set[str]:
    """The elevenphone modules ``path`` imports: when it runs, or, with
    ``type_checking``, also those only type checkers read."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            checking = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            if checking and not type_checking:
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
GRAPH = {m: _imports(p, m, type_checking=False) for m, p in PATHS.items()}
"""What each module imports when it runs."""
FULL_GRAPH = {m: _imports(p, m, type_checking=True) for m, p in PATHS.items()}
"""What each module imports, ``TYPE_CHECKING`` imports included."""

LAYERS = (
    ("elevenphone._version", "elevenphone._logs", "elevenphone._public", "elevenphone._typing"),
    ("elevenphone._exceptions",),
    ("elevenphone._models",),
    ("elevenphone._wire",),
    ("elevenphone._options", "elevenphone._retry", "elevenphone._transport"),
    ("elevenphone._request",),
    ("elevenphone._response",),
    ("elevenphone._base_client",),
    ("elevenphone.bulk",),
    ("elevenphone.resources",),
    ("elevenphone._client",),
    ("elevenphone.webhooks", "elevenphone.testing"),
    ("elevenphone", "elevenphone.__main__", "elevenphone.cli"),
)
"""The layers, lowest first; a module belongs to the layer of the longest
name it starts with."""


def _layer(module: str) -> int:
    best, rank = "", -1
    for index, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > len(best):
                best, rank = name, index
    assert rank >= 0, f"{module} is in no layer"
    return rank


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    while stack:
        module, trail = stack.pop()
        for imported in graph[module]:
            if imported == start:
                return [*trail, start]
            if imported not in trail:
                stack.append((imported, [*trail, imported]))
    return None


def test_the_graph_is_read() -> None:
    assert "elevenphone.resources.phone_numbers" in GRAPH["elevenphone._client"]
    assert "elevenphone._wire" in GRAPH["elevenphone.resources.phone_numbers"]
    assert "elevenphone._base_client" in GRAPH["elevenphone.resources._base"]
    assert "elevenphone.bulk.options" in FULL_GRAPH["elevenphone.resources.phone_number_runs"]


def test_every_module_has_a_layer() -> None:
    assert all(_layer(module) >= 0 for module in MODULES)


def test_no_import_cycles() -> None:
    # Package __init__ files re-export their modules; a cycle through one is
    # an import of a sibling, not of a layer above.
    cycles = [
        c for m in sorted(FULL_GRAPH) if (c := _cycle_from(m, FULL_GRAPH)) and not _through_init(c)
    ]
    assert cycles == []


def _through_init(cycle: list[str]) -> bool:
    return any(PATHS[module].name == "__init__.py" for module in cycle[:-1])


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = {
        module: sorted(m for m in imported if _layer(m) > _layer(module))
        for module, imported in FULL_GRAPH.items()
    }
    assert {module: ups for module, ups in upward.items() if ups} == {}


def test_bulk_runs_never_reach_the_resources_or_the_front_client() -> None:
    # A bulk run is given the send path and builds its own requests.
    reached = {
        module: sorted(
            m for m in imported if m.startswith(("elevenphone.resources", "elevenphone._client"))
        )
        for module, imported in FULL_GRAPH.items()
        if module.startswith("elevenphone.bulk")
    }
    assert {module: found for module, found in reached.items() if found} == {}


def test_resources_are_given_the_send_path_not_the_front_client() -> None:
    reached = {
        module: sorted(m for m in imported if m == "elevenphone._client")
        for module, imported in FULL_GRAPH.items()
        if module.startswith("elevenphone.resources")
    }
    assert {module: found for module, found in reached.items() if found} == {}


def test_no_module_is_longer_than_500_lines() -> None:
    lengths = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in PATHS.items()}
    assert {m: n for m, n in lengths.items() if n > 500} == {}


def _printed(code: str) -> list[str]:
    """The lines ``code`` prints, run in an interpreter of its own (one that
    has imported nothing yet)."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.split("\n")


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
    assert _printed(code)[:3] == [
        "False",
        "True elevenphone elevenphone",
        "[]",
    ]
    assert elevenphone.PhoneNumberState is elevenphone.bulk.PhoneNumberState
    with pytest.raises(AttributeError, match="no attribute 'BulkRuns'"):
        _ = elevenphone.BulkRuns


CALL_LIFE_MODULES = (
    "elevenphone._models.agents",
    "elevenphone._models.batch_calls",
    "elevenphone._models.conversations",
    "elevenphone._wire.lifecycle",
    "elevenphone.resources._polling",
    "elevenphone.resources.agents",
    "elevenphone.resources.batch_calls",
    "elevenphone.resources.conversations",
)


def test_the_call_life_loads_on_first_use() -> None:
    # A program that only manages numbers never loads agents, conversations
    # or batch calls; a client's resource, or a public name, loads them.
    code = (
        "import sys, elevenphone\n"
        f"life = {CALL_LIFE_MODULES!r}\n"
        "print(sorted(m for m in life if m in sys.modules))\n"
        "client = elevenphone.ElevenPhone('k', base_url='http://127.0.0.1:9')\n"
        "agents = client.agents\n"
        "print(type(agents).__name__, agents is client.agents, type(agents).__module__)\n"
        "print('elevenphone.resources.batch_calls' in sys.modules)\n"
        "print(elevenphone.Conversation.__module__, elevenphone.BatchCall.__module__)\n"
    )
    assert _printed(code)[:4] == [
        "[]",
        "Agents True elevenphone",
        "False",
        "elevenphone elevenphone",
    ]


async def test_a_clone_builds_its_own_call_life_resources() -> None:
    client = elevenphone.ElevenPhone("k", base_url="http://127.0.0.1:9", timeout=5)
    clone = client.with_options(timeout=7)
    assert client.agents is client.agents
    assert clone.conversations is not client.conversations
    assert clone.batch_calls._client.timeout == 7
    assert client.batch_calls._client.timeout == 5
    await client.close()
