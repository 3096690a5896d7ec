"""Run every benchmark and report: ``nox -s bench`` or ``python bench/run.py``.

One run starts the local server (:mod:`bench.server`) in its own process, then
measures each client in a fresh process of its own, alternating the clients
over several rounds, then counts the instructions of an update under
callgrind (:mod:`bench.instructions`), then the codec, import and bulk benchmarks, then bulk
runs at an account's limit the caller does not know (:mod:`bench.adaptive`,
against the fake). It prints the tables and ratios, writes the raw results as
JSON to ``bench/results/``, and with ``--update-docs`` rewrites the results
blocks of ``docs/performance.md`` of the parts that ran. ``--only adaptive``
(or ``--skip``) picks parts. It reports; it never fails on a missed target.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(REPO))

from bench import adaptive, instructions, report  # noqa: E402

RESULTS = REPO / "bench" / "results"
DOC = REPO / "docs" / "performance.md"
DOC_BLOCKS = {
    "main": ("<!-- bench:begin -->", "<!-- bench:end -->"),
    "adaptive": ("<!-- bench:adaptive:begin -->", "<!-- bench:adaptive:end -->"),
}
CLIENT_ORDER = ("raw", "official", "elevenphone", "elevenphone-bulk")
PARTS = ("e2e", "instructions", "codec", "imports", "bulk", "big-reply", "adaptive")


def _pinning() -> tuple[list[str], list[str]]:
    """CPU pins for the server and for the measured clients: apart, when there
    are two CPUs to spare, so neither migrates onto the other's."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return [], []
    return ["--cpu", str(cpus[0])], ["--cpu", str(cpus[1])]


SERVER_PIN, CLIENT_PIN = _pinning()
PACKAGES = ("elevenphone", "aiohttp", "msgspec", "tenacity", "elevenlabs", "httpx", "pydantic")


def _child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` in a fresh interpreter; its stdout is JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """Start :mod:`bench.server` in its own process; yield its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.server", *SERVER_PIN],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError(f"the bench server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def end_to_end(url: str, n: int, concurrency: int, rounds: int) -> dict[str, Any]:
    """Each client in a fresh process per round; the order rotates every round."""
    runs: dict[str, list[dict[str, Any]]] = {client: [] for client in CLIENT_ORDER}
    for round_number in range(rounds):
        shift = round_number % len(CLIENT_ORDER)
        for client in CLIENT_ORDER[shift:] + CLIENT_ORDER[:shift]:
            args = ("--url", url, "-n", str(n), "--concurrency", str(concurrency), *CLIENT_PIN)
            result = _child("bench.clients", client, *args)
            runs[client].append(result)
            print(
                f"  round {round_number + 1} {client:12} "
                f"{result['cpu_per_update_us']:8.1f} us/update "
                f"{result['updates_per_s']:8,.0f}/s",
                file=sys.stderr,
            )
    metrics = ("cpu_per_update_us", "updates_per_s", "peak_rss_mib")
    median = {
        client: {m: statistics.median(r[m] for r in client_runs) for m in metrics}
        for client, client_runs in runs.items()
    }
    # Ratios are taken within each round, then their median: slow drift of the
    # machine (other load, clock) then cancels instead of landing on one client.
    cpu = {
        client: [r["cpu_per_update_us"] for r in client_runs]
        for client, client_runs in runs.items()
    }
    paired = {
        client: statistics.median(c / f for c, f in zip(cpu[client], cpu["raw"], strict=True))
        for client in CLIENT_ORDER
    }
    # The bulk engine's own cost: CPU per item against a single update's.
    paired["bulk_over_single"] = statistics.median(
        b / e for b, e in zip(cpu["elevenphone-bulk"], cpu["elevenphone"], strict=True)
    )
    params = {"n": n, "concurrency": concurrency, "rounds": rounds, "pinned": bool(CLIENT_PIN)}
    return {"params": params, "median": median, "cpu_vs_floor": paired, "runs": runs}


def bulk(url: str, counts: tuple[int, int]) -> dict[str, Any]:
    runs = [_child("bench.bulk_rss", "--url", url, "--count", str(c), *CLIENT_PIN) for c in counts]
    if "skipped" in runs[0]:
        return {"skipped": runs[0]["skipped"]}
    return {"runs": runs, "ratio": runs[1]["peak_rss_mib"] / runs[0]["peak_rss_mib"]}


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, Any]:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "versions": {package: _version(package) for package in PACKAGES},
        "load_before": os.getloadavg()[0],
    }


def update_docs(blocks: dict[str, str]) -> None:
    """Replace the named results blocks of docs/performance.md with this run's."""
    text = DOC.read_text()
    for name, markdown in blocks.items():
        begin, end = DOC_BLOCKS[name]
        head, found, rest = text.partition(begin)
        _, found_end, tail = rest.partition(end)
        if not (found and found_end):
            raise RuntimeError(f"{DOC} has no {begin} ... {end} block")
        text = f"{head}{begin}\n{markdown}{end}{tail}"
    DOC.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=5000, help="updates per end-to-end run")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5, help="end-to-end rounds")
    parser.add_argument("--skip", action="append", default=[], choices=PARTS)
    parser.add_argument("--only", action="append", default=[], choices=PARTS, help="skip the rest")
    parser.add_argument("--bulk-counts", type=int, nargs=2, default=(1_000, 100_000))
    parser.add_argument(
        "--adaptive-repeats", type=int, default=2, help="rounds of the adaptive scenarios"
    )
    parser.add_argument("--adaptive-count", type=int, default=adaptive.COUNT)
    parser.add_argument("--update-docs", action="store_true", help="rewrite docs/performance.md")
    args = parser.parse_args()
    if args.only:
        args.skip += [part for part in PARTS if part not in args.only]

    results: dict[str, Any] = {"machine": machine()}
    main_parts = [part for part in PARTS if part != "adaptive" and part not in args.skip]
    with local_server() if main_parts else contextlib.nullcontext("") as url:
        if "e2e" not in args.skip:
            print("end to end ...", file=sys.stderr)
            results["end_to_end"] = end_to_end(url, args.n, args.concurrency, args.rounds)
        if "instructions" not in args.skip:
            print("instructions per update, under callgrind ...", file=sys.stderr)
            results["instructions"] = instructions.measure(url, args.concurrency)
        if "codec" not in args.skip:
            print("decode and encode ...", file=sys.stderr)
            results["codec"] = _child("bench.codec")
        if "imports" not in args.skip:
            print("imports ...", file=sys.stderr)
            results["imports"] = _child("bench.importtime")
        if "bulk" not in args.skip:
            print("bulk ...", file=sys.stderr)
            results["bulk"] = bulk(url, tuple(args.bulk_counts))
        if "big-reply" not in args.skip:
            print("a 300 MiB reply ...", file=sys.stderr)
            results["big_reply"] = _child("bench.big_reply", "--url", url, *CLIENT_PIN)
    if "adaptive" not in args.skip:
        print("bulk at an unknown limit (the fake, one process per run) ...", file=sys.stderr)
        results["adaptive"] = adaptive.run_scenarios(
            args.adaptive_repeats, args.adaptive_count, SERVER_PIN, CLIENT_PIN
        )
    results["machine"]["load_after"] = os.getloadavg()[0]
    results["ratios"] = report.ratios(results)

    blocks = {}
    if main_parts:
        blocks["main"] = report.render(results)
    if "adaptive" in results:
        blocks["adaptive"] = report.render_adaptive(results)
    markdown = "\n".join(blocks.values())
    print(markdown)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown)
    if args.update_docs:
        update_docs(blocks)
    print(f"results: {RESULTS / f'bench-{stamp}.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
