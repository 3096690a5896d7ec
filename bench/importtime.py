"""Import cost of ``import elevenphone`` against ``import aiohttp, msgspec, tenacity``.

Each import runs in a fresh interpreter, alternating the two, several times;
the time is taken inside the child around the import statement alone, so the
interpreter's own start-up is not counted. A ``-X importtime`` run then names
the modules ``import elevenphone`` loads beyond its three dependencies, and
the heaviest of them, and flags any that only the CLI may load.

Bytecode is cached for both sides (in ``bench/results/pycache``, written by a
warm-up run), as it is for any installed package: the environment may set
``PYTHONDONTWRITEBYTECODE``, and an editable checkout would then be compiled
afresh on every import while the installed dependencies would not.

``python -m bench.importtime`` prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

STATEMENTS = {
    "elevenphone": "import elevenphone",
    "dependencies": "import aiohttp, msgspec, tenacity",
}
CLI_ONLY = ("click", "rich", "elevenphone.cli")
"""Packages that ``import elevenphone`` must leave to the CLI."""

PYCACHE = Path(__file__).resolve().parent / "results" / "pycache"

_TIMED = "import time; _t = time.perf_counter(); {statement}; print(time.perf_counter() - _t)"


def cached_bytecode_env() -> dict[str, str]:
    """The environment of an interpreter that caches bytecode in ``PYCACHE``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def _timed_import(statement: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED.format(statement=statement)],
        check=True,
        capture_output=True,
        text=True,
        env=cached_bytecode_env(),
    ).stdout
    return float(out) * 1000


def _imported(statement: str) -> dict[str, tuple[int, int]]:
    """Module name to (self us, cumulative us), from ``-X importtime``."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
        env=cached_bytecode_env(),
    ).stderr
    modules = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        modules[name.strip()] = (int(self_us), int(cumulative_us))
    return modules


def _top(modules: dict[str, tuple[int, int]], *, by: int, count: int = 8) -> list[Any]:
    heaviest = sorted(modules.items(), key=lambda item: item[1][by], reverse=True)[:count]
    return [
        {"module": name, "self_ms": self_us / 1000, "cumulative_ms": cumulative_us / 1000}
        for name, (self_us, cumulative_us) in heaviest
    ]


def run(repeats: int = 15) -> dict[str, Any]:
    for statement in STATEMENTS.values():  # warm-up: write the bytecode cache
        _timed_import(statement)
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(repeats):
        for name, statement in STATEMENTS.items():
            times[name].append(_timed_import(statement))
    ours = _imported(STATEMENTS["elevenphone"])
    theirs = _imported(STATEMENTS["dependencies"])
    extra = {name: cost for name, cost in ours.items() if name not in theirs}
    own = {name: cost for name, cost in extra.items() if name.split(".")[0] == "elevenphone"}
    foreign = {name: cost for name, cost in extra.items() if name not in own}
    return {
        "repeats": repeats,
        "ms": {
            name: {"min": min(values), "median": statistics.median(values), "all": values}
            for name, values in times.items()
        },
        "extra_modules": len(extra),
        "extra_self_ms": sum(self_us for self_us, _ in extra.values()) / 1000,
        # Modules of other packages: by cumulative time, which names the one
        # that pulls the rest in.
        "top_foreign": _top(foreign, by=1),
        # elevenphone's own: by self time (their cumulative time also counts
        # whichever dependency they happen to import first).
        "top_own": _top(own, by=0),
        "cli_only_loaded": sorted(
            name for name in ours if name.split(".")[0] in CLI_ONLY or name in CLI_ONLY
        ),
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
