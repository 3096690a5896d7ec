"""CPU per update counted in instructions, under valgrind's callgrind.

Timed CPU per update moves by tens of percent on a shared machine (other
tenants, frequency changes), which drowns the few percent the targets are
about. Instructions executed do not move: the same run counts the same to
within a few hundred per update. Each client of :mod:`bench.clients` runs
under ``valgrind --tool=callgrind`` twice, for ``N1`` and ``N2`` updates
(after the same warm-up), and ``(I(N2) - I(N1)) / (N2 - N1)`` is the cost of
one update, with start-up, imports and warm-up cancelled out. Hash
randomisation is fixed so that both runs take the same paths.

The imports are counted the same way: ``import elevenphone`` and ``import
aiohttp, msgspec, tenacity``, each in an interpreter of its own with its
bytecode cached (as :mod:`bench.importtime` does), less an interpreter that
imports nothing.

Instructions are not time (a cache miss costs more than an add), so the timed
tables stay; the two agree when the machine is quiet. Skipped when valgrind
is not installed. About a minute and a half per client.

``python -m bench.instructions --url URL`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import importtime

REPO = Path(__file__).resolve().parent.parent
CLIENTS = ("raw", "elevenphone", "elevenphone-bulk")
COUNTS = (500, 2500)
WARMUP = 100
_SUMMARY = re.compile(r"^summary: (\d+)", re.MULTILINE)


def _counted(args: list[str], env: dict[str, str]) -> int:
    """Instructions callgrind counts for ``python args``, start to end."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, *args],
            cwd=REPO,
            capture_output=True,
            check=True,
            env={**env, "PYTHONHASHSEED": "0"},
        )
        found = _SUMMARY.search(out.read_text())
    if found is None:
        raise RuntimeError(f"callgrind wrote no summary for python {' '.join(args)}")
    return int(found.group(1))


def _run_of(client: str, url: str, count: int, concurrency: int) -> int:
    """Instructions of a whole run of ``count`` updates by ``client``."""
    args = ["-m", "bench.clients", client, "--url", url, "-n", str(count)]
    args += ["--warmup", str(WARMUP), "--concurrency", str(concurrency)]
    return _counted(args, dict(os.environ))


def imports() -> dict[str, float]:
    """Instructions of each import statement of :mod:`bench.importtime`, less
    those of an interpreter that imports nothing."""
    env = importtime.cached_bytecode_env()
    for statement in importtime.STATEMENTS.values():  # warm-up: write the bytecode cache
        subprocess.run([sys.executable, "-c", statement], cwd=REPO, check=True, env=env)
    bare = _counted(["-c", "pass"], env)
    return {
        name: float(_counted(["-c", statement], env) - bare)
        for name, statement in importtime.STATEMENTS.items()
    }


def measure(url: str, concurrency: int = 32) -> dict[str, Any]:
    """Instructions per update of each client, or why they were not counted."""
    if shutil.which("valgrind") is None:
        return {"skipped": "valgrind is not installed"}
    low, high = COUNTS
    per_update = {}
    for client in CLIENTS:
        total_low = _run_of(client, url, low, concurrency)
        total_high = _run_of(client, url, high, concurrency)
        per_update[client] = (total_high - total_low) / (high - low)
        print(f"  {client:16} {per_update[client]:12,.0f} instructions/update", file=sys.stderr)
    return {
        "params": {"counts": list(COUNTS), "warmup": WARMUP, "concurrency": concurrency},
        "per_update": per_update,
        "imports": imports(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the local server's base URL")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    json.dump(measure(args.url, args.concurrency), sys.stdout)
    print()


if __name__ == "__main__":
    main()
