"""Ratios, targets and the Markdown tables of one benchmark run.

Pure functions over the results dict that :mod:`bench.run` gathers; the same
text goes to the terminal, to ``bench/results/`` and into
``docs/performance.md``.
"""

from __future__ import annotations

from typing import Any

CLIENT_LABELS = {
    "raw": "raw aiohttp (floor)",
    "official": "official `elevenlabs` SDK",
    "elevenphone": "elevenphone",
    "elevenphone-bulk": "elevenphone bulk (`iter_bulk_update`)",
}


def ratios(results: dict[str, Any]) -> dict[str, float]:
    """The ratios the targets are stated in, from the medians of one run."""
    out: dict[str, float] = {}
    paired = results.get("end_to_end", {}).get("cpu_vs_floor")
    if paired:
        out["cpu_vs_floor"] = paired["elevenphone"]
        out["cpu_official_over_ours"] = paired["official"] / paired["elevenphone"]
        if "bulk_over_single" in paired:
            out["bulk_cpu_vs_single"] = paired["bulk_over_single"]
    counted = results.get("instructions", {}).get("per_update")
    if counted:
        out["instructions_vs_floor"] = counted["elevenphone"] / counted["raw"]
        out["instructions_bulk_vs_single"] = counted["elevenphone-bulk"] / counted["elevenphone"]
        imported = results["instructions"]["imports"]
        out["instructions_import_ratio"] = imported["elevenphone"] / imported["dependencies"]
    codec = results.get("codec")
    if codec:
        decode = codec["decode_us"]
        out["decode_speedup_min"] = min(d["official"] / d["elevenphone"] for d in decode.values())
        out["decode_speedup_validated_min"] = min(
            d["official_validated"] / d["elevenphone"] for d in decode.values()
        )
        out["encode_speedup_min"] = min(
            e["official"] / e["elevenphone"] for e in codec["encode_us"].values()
        )
    imports = results.get("imports")
    if imports:
        ms = imports["ms"]
        out["import_ratio_median"] = ms["elevenphone"]["median"] / ms["dependencies"]["median"]
        out["import_ratio_min"] = ms["elevenphone"]["min"] / ms["dependencies"]["min"]
    bulk = results.get("bulk", {})
    if "ratio" in bulk:
        out["bulk_rss_ratio"] = bulk["ratio"]
    big = results.get("big_reply")
    if big:
        out["big_reply_rss_ratio"] = big["peak_rss_mib"] / big["idle_rss_mib"]
    return out


# name, ratio key, how it is met, the target as read by a person
TARGETS = [
    ("CPU per update vs the floor, instructions", "instructions_vs_floor", "le", 1.02, "<= 1.02x"),
    (
        "bulk CPU per item / single update, instructions",
        "instructions_bulk_vs_single",
        "le",
        1.00,
        "<= 1.00x",
    ),
    ("CPU per update vs the floor, timed", "cpu_vs_floor", "le", 1.05, "<= 1.05x"),
    ("bulk CPU per item / single update, timed", "bulk_cpu_vs_single", "le", 1.10, "<= 1.10x"),
    ("official SDK CPU per update / ours", "cpu_official_over_ours", "ge", 15.0, ">= 15x"),
    ("decode speed-up (SDK's own path, worst variant)", "decode_speedup_min", "ge", 10.0, ">= 10x"),
    (
        "informative: decode speed-up vs pydantic validate_json (worst variant)",
        "decode_speedup_validated_min",
        "ge",
        10.0,
        ">= 10x",
    ),
    (
        "import elevenphone / import its 3 deps, instructions",
        "instructions_import_ratio",
        "le",
        1.10,
        "<= 1.10x",
    ),
    (
        "import elevenphone / import its 3 deps, timed (median)",
        "import_ratio_median",
        "le",
        1.10,
        "<= 1.10x",
    ),
    ("bulk peak RSS, 100,000 / 1,000 items", "bulk_rss_ratio", "le", 1.20, "<= 1.20x"),
    (
        "peak RSS reading a 300 MiB reply / idle client RSS",
        "big_reply_rss_ratio",
        "le",
        2.0,
        "<= 2.0x",
    ),
]


def target_rows(found: dict[str, float]) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, key, how, bound, text in TARGETS:
        if key not in found:
            rows.append((name, "n/a", text, "skipped"))
            continue
        value = found[key]
        met = value <= bound if how == "le" else value >= bound
        rows.append((name, f"{value:.3g}x", text, "met" if met else "NOT met"))
    return rows


def _table(header: list[str], rows: list[list[str]] | list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(results: dict[str, Any]) -> str:
    """The whole run as Markdown: machine, tables, ratios against targets."""
    parts = [_machine(results["machine"])]
    e2e = results.get("end_to_end")
    if e2e:
        parts.append(_end_to_end(e2e))
    if results.get("instructions"):
        parts.append(_instructions(results["instructions"]))
    if results.get("codec"):
        parts.append(_codec(results["codec"]))
    if results.get("imports"):
        parts.append(_imports(results["imports"]))
    if results.get("bulk"):
        parts.append(_bulk(results["bulk"]))
    if results.get("big_reply"):
        parts.append(_big_reply(results["big_reply"]))
    parts.append(
        "### Targets\n\n" + _table(["ratio", "value", "target", ""], target_rows(ratios(results)))
    )
    return "\n\n".join(parts) + "\n"


def _machine(machine: dict[str, Any]) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in machine["versions"].items())
    return (
        f"Run {machine['date']} on {machine['nproc']} CPUs ({machine['cpu']}), "
        f"Python {machine['python']} ({machine['platform']}); load average "
        f"{machine['load_before']:.2f} before, {machine['load_after']:.2f} after.\n"
        f"Versions: {versions}."
    )


def _end_to_end(e2e: dict[str, Any]) -> str:
    params = e2e["params"]
    rows = []
    for client, label in CLIENT_LABELS.items():
        m = e2e["median"][client]
        cpu = [run["cpu_per_update_us"] for run in e2e["runs"][client]]
        rows.append(
            [
                label,
                f"{m['cpu_per_update_us']:.1f} ({min(cpu):.0f}-{max(cpu):.0f})",
                f"{e2e['cpu_vs_floor'][client]:.2f}x",
                f"{m['updates_per_s']:,.0f}",
                f"{m['peak_rss_mib']:.1f}",
            ]
        )
    header = ["client", "CPU per update, us (range)", "vs floor", "updates/s", "peak RSS, MiB"]
    pinned = "; client and server pinned to separate CPUs" if params.get("pinned") else ""
    return (
        f"### End to end: {params['n']:,} updates, concurrency {params['concurrency']}, "
        f"median of {params['rounds']} rounds{pinned}\n\n"
        + _table(header, rows)
        + "\n\n*vs floor* is the median over rounds of the ratio within each round. The bulk"
        f" row's CPU per item is {e2e['cpu_vs_floor'].get('bulk_over_single', float('nan')):.2f}x"
        " a single update's (the same median of paired ratios)."
    )


def _instructions(counted: dict[str, Any]) -> str:
    title = "### CPU per update in instructions (callgrind)"
    if "skipped" in counted:
        return f"{title}\n\nSkipped: {counted['skipped']}."
    per_update = counted["per_update"]
    floor, single = per_update["raw"], per_update["elevenphone"]
    rows = [
        [
            CLIENT_LABELS[client],
            f"{count:,.0f}",
            f"{count / floor:.3f}x",
            f"{count / single:.3f}x" if client == "elevenphone-bulk" else "",
        ]
        for client, count in per_update.items()
    ]
    low, high = counted["params"]["counts"]
    header = ["client", "instructions per update", "vs floor", "vs a single update"]
    imported = counted["imports"]
    import_rows = [
        [statement, f"{imported[key] / 1e6:,.1f}"]
        for key, statement in (
            ("elevenphone", "`import elevenphone`"),
            ("dependencies", "`import aiohttp, msgspec, tenacity`"),
        )
    ]
    return (
        f"{title}\n\n"
        + _table(header, rows)
        + f"\n\nThe difference between runs of {high:,} and {low:,} updates, over"
        f" {high - low:,}: start-up and warm-up cancel out. Counted, not timed, so other load"
        " on the machine does not move it.\n\n"
        + _table(["statement", "million instructions"], import_rows)
        + "\n\nEach import in an interpreter of its own, bytecode cached, less an interpreter"
        f" that imports nothing: {imported['elevenphone'] / imported['dependencies']:.3f}x."
    )


def _codec(codec: dict[str, Any]) -> str:
    rows = []
    for provider, d in codec["decode_us"].items():
        rows.append(
            [
                f"decode {provider}",
                f"{d['elevenphone']:.2f}",
                f"{d['official']:.1f}",
                f"{d['official'] / d['elevenphone']:.0f}x",
                f"{d['official_validated']:.1f}",
                f"{d['official_validated'] / d['elevenphone']:.0f}x",
            ]
        )
    for name, e in codec["encode_us"].items():
        rows.append(
            [
                f"encode {name}",
                f"{e['elevenphone']:.2f}",
                f"{e['official']:.1f}",
                f"{e['official'] / e['elevenphone']:.0f}x",
                "",
                "",
            ]
        )
    header = [
        "per call (us)",
        "elevenphone",
        "official SDK",
        "speed-up",
        "pydantic validate_json",
        "speed-up",
    ]
    return "### Decode and encode, per call\n\n" + _table(header, rows)


def _imports(imports: dict[str, Any]) -> str:
    ms = imports["ms"]
    rows = [
        [statement, f"{ms[key]['median']:.1f}", f"{ms[key]['min']:.1f}"]
        for key, statement in (
            ("elevenphone", "`import elevenphone`"),
            ("dependencies", "`import aiohttp, msgspec, tenacity`"),
        )
    ]
    foreign = ", ".join(
        f"`{m['module']}` {m['cumulative_ms']:.1f}" for m in imports["top_foreign"][:5]
    )
    own = ", ".join(f"`{m['module']}` {m['self_ms']:.1f}" for m in imports["top_own"][:5])
    cli = ", ".join(imports["cli_only_loaded"]) or "none"
    return (
        f"### Import, fresh interpreter, {imports['repeats']} runs each (ms)\n\n"
        + _table(["statement", "median", "min"], rows)
        + f"\n\nBeyond its dependencies `import elevenphone` loads {imports['extra_modules']} "
        f"modules, {imports['extra_self_ms']:.1f} ms self time under `-X importtime`. "
        f"Other packages' modules (cumulative ms): {foreign or 'none'}. "
        f"Its own, heaviest (self ms): {own}. CLI-only modules loaded: {cli}."
    )


def _bulk(bulk: dict[str, Any]) -> str:
    if "skipped" in bulk:
        return f"### Bulk streaming peak RSS\n\nSkipped: {bulk['skipped']}."
    rows = [
        [
            f"{run['count']:,}",
            f"{run['peak_rss_mib']:.1f}",
            f"{run['count'] / run['wall_s']:,.0f}",
            f"{run['cpu_per_update_us']:.1f}",
        ]
        for run in bulk["runs"]
    ]
    concurrency = bulk["runs"][0]["concurrency"]
    return f"### Bulk streaming (`iter_bulk_update`, concurrency {concurrency})\n\n" + _table(
        ["updates", "peak RSS, MiB", "updates/s", "CPU per update, us"], rows
    )


def _big_reply(big: dict[str, Any]) -> str:
    growth = big["peak_rss_mib"] - big["idle_rss_mib"]
    return (
        f"### A {big['reply_mib']:.0f} MiB reply against the size cap "
        f"({big['cap_mib']:.0f} MiB)\n\n"
        + _table(
            ["idle client RSS, MiB", "peak RSS, MiB", "growth, MiB", "peak / idle"],
            [
                [
                    f"{big['idle_rss_mib']:.1f}",
                    f"{big['peak_rss_mib']:.1f}",
                    f"{growth:.1f}",
                    f"{big['peak_rss_mib'] / big['idle_rss_mib']:.2f}x",
                ]
            ],
        )
        + f"\n\nThe call raised `{big['error']}`."
    )


def adaptive_rows(adaptive: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Per scenario with a target: the ratio against the floor with T measured,
    the worst share refused with 429, the targets, and whether both are met."""
    rows = []
    limit = adaptive["params"]["refused_target"]
    for scenario in adaptive["scenarios"]:
        target = scenario["target"]
        if target is None:
            continue
        summary = adaptive["summary"][scenario["name"]]
        ratio, refused = summary["ratio_measured"], summary["worst_refused_share"]
        met = ratio <= target and refused <= limit
        rows.append(
            (
                scenario["label"],
                f"{ratio:.3f}x (<= {target:.2f}x)",
                f"{refused:.1%} (<= {limit:.0%})",
                "met" if met else "NOT met",
            )
        )
    return rows


def render_adaptive(results: dict[str, Any]) -> str:
    """Bulk runs at an account's unknown limit, as Markdown (its own block of the docs)."""
    adaptive = results["adaptive"]
    params = adaptive["params"]
    latency_ms = params["latency_s"] * 1e3
    t = adaptive["t"]
    t4 = ", ".join(f"{run['4'] * 1e3:.1f}" for run in t)
    t16 = ", ".join(f"{run['16'] * 1e3:.1f}" for run in t)
    rows = []
    for scenario in adaptive["scenarios"]:
        runs = adaptive["runs"][scenario["name"]]
        summary = adaptive["summary"][scenario["name"]]
        walls = ", ".join(f"{run['wall_s']:.2f}" for run in runs)
        measured = summary.get("ratio_measured")
        attempts = summary.get("ratio_to_attempts")
        found = sorted({str(run["limit_found"]) for run in runs})
        rows.append(
            [
                scenario["label"],
                f"{scenario['floor_s']:.2f}",
                walls,
                f"{summary['ratio']:.3f}x",
                "" if measured is None else f"{measured:.3f}x",
                "" if attempts is None else f"{attempts:.3f}x",
                ", ".join(f"{run['refused_share']:.1%}" for run in runs),
                ", ".join(found),
            ]
        )
    header = [
        "account",
        "floor, s",
        "wall, s (each run)",
        "wall / floor",
        "wall / floor, T measured",
        "wall / floor of attempts",
        "refused with 429 (each run)",
        "limit found",
    ]
    machine = results["machine"]
    return (
        f"### Bulk at an unknown limit: {params['count']:,} updates,"
        f" concurrency {params['concurrency']}, T = {latency_ms:.0f} ms,"
        f" median of {params['repeats']} runs\n\n"
        f"Run {machine['date']}; load average {machine['load_before']:.2f} before,"
        f" {machine['load_after']:.2f} after. T as the fake serves it, measured each round"
        f" (single updates kept 4 or 16 in flight): {t4} ms at 4, {t16} ms at 16.\n\n"
        + _table(header, rows)
        + "\n\n*floor* is N·T/L with T = 40 ms (for the rate limit: the requests beyond the"
        " bucket's first second, at its rate); *T measured* puts the measured T in it."
        " *floor of attempts* counts the failed attempts too: each held a slot for T."
        " Refused: the fake's 429 answers over all requests it received.\n\n"
        "#### Targets (T measured; 429s: the worst run)\n\n"
        + _table(["account", "wall / floor", "refused with 429", ""], adaptive_rows(adaptive))
        + "\n"
    )
