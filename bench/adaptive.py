"""Bulk runs at an account's limit the caller does not know: wall time against the floor.

An account that allows L requests in flight, each taking T seconds, can apply
N updates in no less than N·T/L seconds. Each scenario runs ``bulk_update`` of
N numbers at ``concurrency=64`` against the fake (:mod:`elevenphone.testing`)
in a process of its own, with T = 40 ms of server latency, and reports the
wall time over that floor and the share of requests refused with 429, as the
fake counted them.

``python -m bench.adaptive serve SCENARIO`` starts the fake with the
scenario's limits and N numbers, prints ``READY <port>``, and when its stdin
closes prints the fake's counters (and how many numbers ended on the new
agent) as JSON. ``python -m bench.adaptive client SCENARIO --url URL`` runs
the bulk update and prints what the run reported as JSON.
``python -m bench.adaptive calibrate unlimited --url URL --in-flight L``
times single updates kept exactly L in flight against the fake without
limits, and prints T as the fake serves it (about 44 ms, not 40: its own
handling and the event loop's timers). :func:`run_scenarios` drives all three
for every scenario, each round (``bench/run.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

LATENCY = 0.040
CONCURRENCY = 64
COUNT = 1_000
FAULT_RATE = 0.05
REFUSED_TARGET = 0.02
"""The most requests refused with 429, as a share of all, that meets the target."""
OLD_AGENT, NEW_AGENT = "agent_bench_old", "agent_bench_new"


@dataclass(frozen=True)
class Scenario:
    """An account's limits during one run, and the floor of that run."""

    name: str
    label: str
    concurrency_limit: Any = None
    other_clients_in_flight: Any = 0
    fault_rate: float = 0.0
    rate_limit: float | None = None
    isolated_fault_delay: float | None = None
    """The retry policy's first backoff while faults are rare (None: the
    default, 50 ms)."""
    target: float | None = None
    """The most wall time over the floor that meets the target (None: informative)."""

    def floor(self, count: int) -> float:
        """The least wall time ``count`` updates can take under this account's limits."""
        if self.rate_limit is not None:
            # The fake's bucket starts full: one second's worth goes at once.
            return (count - self.rate_limit) / self.rate_limit
        if isinstance(self.concurrency_limit, int) and not self.other_clients_in_flight:
            return count * LATENCY / self.concurrency_limit
        # 16, then 4, then 16 again over the run's thirds.
        return sum(count / 3 * LATENCY / share for share in (16, 4, 16))


def _thirds(count: int, first: int, second: int) -> list[tuple[int, int]]:
    """A schedule keyed by requests received: ``first``, ``second``, then ``first`` again."""
    return [(0, first), (count // 3, second), (2 * count // 3, first)]


UNLIMITED = Scenario("unlimited", "no limit: the measure of T")
"""The fake without limits, on which T is measured each round."""


def scenarios(count: int) -> list[Scenario]:
    """The scenarios of one round, in the order they run."""
    return [
        Scenario("L4", "L = 4", concurrency_limit=4, target=1.05),
        Scenario("L16", "L = 16", concurrency_limit=16, target=1.05),
        Scenario(
            "L4-faults", "L = 4, 5% faults", concurrency_limit=4, fault_rate=FAULT_RATE, target=1.05
        ),
        Scenario(
            "L16-faults",
            "L = 16, 5% faults",
            concurrency_limit=16,
            fault_rate=FAULT_RATE,
            target=1.05,
        ),
        Scenario(
            "L4-faults-full-backoff",
            "L = 4, 5% faults, every retry's backoff from 0.5 s (informative)",
            concurrency_limit=4,
            fault_rate=FAULT_RATE,
            isolated_fault_delay=0.5,
        ),
        Scenario(
            "L16-faults-full-backoff",
            "L = 16, 5% faults, every retry's backoff from 0.5 s (informative)",
            concurrency_limit=16,
            fault_rate=FAULT_RATE,
            isolated_fault_delay=0.5,
        ),
        Scenario(
            "moving",
            "L = 16 → 4 → 16 (the account's limit)",
            concurrency_limit=_thirds(count, 16, 4),
            target=1.15,
        ),
        Scenario(
            "others",
            "L = 16 → 4 → 16 (another client takes 12, then gives them back)",
            concurrency_limit=16,
            other_clients_in_flight=_thirds(count, 0, 12),
            target=1.15,
        ),
        Scenario(
            "rate",
            "200 requests/s, no in-flight limit (informative)",
            rate_limit=200.0,
        ),
    ]


SCENARIOS = {scenario.name: scenario for scenario in [*scenarios(COUNT), UNLIMITED]}


def _fault_mix() -> list[Any]:
    """Transient server faults: 5xx (JSON and a proxy's HTML page) and resets.

    No 429 among them: 429s are what the scenarios measure.
    """
    from elevenphone.testing import Fault

    return [
        Fault.server_error(500),
        Fault.server_error(503),
        Fault.html_error(502),
        Fault.reset(),
    ]


def _ids(count: int) -> list[str]:
    return [f"phnum_adaptive{i:08d}" for i in range(count)]


async def serve(scenario: Scenario, count: int, seed: int) -> None:
    """Serve the fake with ``scenario``'s limits until stdin closes; print its counters."""
    from elevenphone.testing import FakeElevenLabs

    async with FakeElevenLabs(
        api_key="bench-key",
        seed=seed,
        latency=LATENCY,
        fault_rate=scenario.fault_rate,
        fault_mix=_fault_mix(),
        concurrency_limit=scenario.concurrency_limit,
        other_clients_in_flight=scenario.other_clients_in_flight,
        rate_limit=scenario.rate_limit,
    ) as fake:
        for phone_number_id in _ids(count):
            fake.add_number(agent_id=OLD_AGENT, phone_number_id=phone_number_id)
        fake.add_agent(NEW_AGENT)  # the run checks it before its first update
        print(f"READY {fake.port}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        moved = sum(
            1
            for number in fake.numbers.values()
            if (number.get("assigned_agent") or {}).get("agent_id") == NEW_AGENT
        )
        stats = fake.stats.as_dict()
        stats["moved"] = moved
        json.dump(stats, sys.stdout)
        print(flush=True)


async def client(scenario: Scenario, base_url: str, count: int) -> dict[str, Any]:
    """Move ``count`` numbers in one bulk run at concurrency 64; what the run reported."""
    from elevenphone import BulkProgress, ElevenPhone, RetryPolicy, UpdatePhoneNumberRequest

    update = UpdatePhoneNumberRequest(agent_id=NEW_AGENT)
    updates = {phone_number_id: update for phone_number_id in _ids(count)}
    trace: list[tuple[float, int, int]] = []

    def sample(progress: BulkProgress) -> None:
        trace.append((progress.elapsed, progress.concurrency_limit, progress.in_flight))

    policy = None
    if scenario.isolated_fault_delay is not None:
        policy = RetryPolicy(isolated_fault_delay=scenario.isolated_fault_delay)
    async with ElevenPhone("bench-key", base_url=base_url, retry_policy=policy) as elevenphone:
        await elevenphone.phone_numbers.get(_ids(1)[0])  # a connection, before the clock starts
        started = time.perf_counter()
        result = await elevenphone.phone_numbers.bulk_update(
            updates, concurrency=CONCURRENCY, on_progress=sample
        )
        wall = time.perf_counter() - started
    # The limit over time, a point per tenth of the run.
    tenths = [trace[min(len(trace) - 1, i * len(trace) // 10)][1] for i in range(10)]
    return {
        "wall_s": wall,
        "succeeded": len(result.succeeded),
        "failed": len(result.failed),
        "requests": result.requests,
        "rate_limited": result.rate_limited,
        "concurrency_limited": result.concurrency_limited,
        "limit_found": result.limit_found,
        "final_limit": result.concurrency_limit,
        "peak_in_flight": result.peak_in_flight,
        "paced_rate": result.paced_rate,
        "limit_by_tenth": tenths,
    }


async def measure_t(base_url: str, count: int, in_flight: int, updates: int) -> float:
    """Seconds per request of single ``update`` calls kept exactly ``in_flight``
    at a time: what a client that knew the limit would see (``updates`` is
    rounded down to whole rounds)."""
    from elevenphone import ElevenPhone

    ids = _ids(count)
    rounds = max(1, updates // in_flight)
    pending = iter(ids[i % count] for i in range(rounds * in_flight))
    async with ElevenPhone("bench-key", base_url=base_url) as elevenphone:
        update = elevenphone.phone_numbers.update
        await asyncio.gather(*(update(pid, agent_id=NEW_AGENT) for pid in ids[:in_flight]))

        async def worker() -> None:
            for phone_number_id in pending:
                await update(phone_number_id, agent_id=NEW_AGENT)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return (time.perf_counter() - started) / rounds


@contextlib.contextmanager
def _fake(scenario: Scenario, count: int, seed: int, pin: list[str]) -> Iterator[tuple[str, Any]]:
    """The fake of ``scenario`` in its own process: yields its URL and a list
    that holds its counters once the block ends."""
    command = [sys.executable, "-m", "bench.adaptive", "serve", scenario.name]
    server = subprocess.Popen(
        [*command, "--count", str(count), "--seed", str(seed), *pin],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None
    assert server.stdout is not None
    stats: list[dict[str, Any]] = []
    try:
        line = server.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError(f"the fake did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}", stats
        server.stdin.close()
        stats.append(json.loads(server.stdout.readline()))
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _child(*args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "bench.adaptive", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.adaptive {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def calibrate(count: int, server_pin: list[str], client_pin: list[str]) -> dict[str, float]:
    """T as the fake serves it, in seconds per request, at 4 and at 16 in flight."""
    with _fake(UNLIMITED, count, 0, server_pin) as (url, _):
        return {
            str(in_flight): _child(
                "calibrate",
                UNLIMITED.name,
                "--url",
                url,
                "--count",
                str(count),
                "--in-flight",
                str(in_flight),
                *client_pin,
            )
            for in_flight in (4, 16)
        }


def measured_floor(scenario: Scenario, count: int, t: dict[str, float]) -> float | None:
    """The floor with T as measured at each share (None for a rate limit)."""
    if scenario.rate_limit is not None:
        return None
    if isinstance(scenario.concurrency_limit, int) and not scenario.other_clients_in_flight:
        share = scenario.concurrency_limit
        return count * t[str(share)] / share
    return sum(count / 3 * t[str(share)] / share for share in (16, 4, 16))


def run_scenario(
    scenario: Scenario,
    count: int,
    seed: int,
    server_pin: list[str],
    client_pin: list[str],
    t: dict[str, float] | None = None,
) -> dict[str, Any]:
    """One run of ``scenario``: the client's report, the fake's counters, the
    ratios (also against ``t``, T as measured by :func:`calibrate`)."""
    with _fake(scenario, count, seed, server_pin) as (url, stats):
        run: dict[str, Any] = _child(
            "client", scenario.name, "--url", url, "--count", str(count), *client_pin
        )
    fake = stats[0]
    refused = fake["statuses"].get("429", 0)
    floor = scenario.floor(count)
    run.update(
        fake_requests=fake["requests"],
        refused_429=refused,
        throttled=fake["throttled"],
        faults=sum(fake["faults"].values()),
        moved=fake["moved"],
        floor_s=floor,
        ratio=run["wall_s"] / floor,
        refused_share=refused / fake["requests"],
    )
    floor_t = None if t is None else measured_floor(scenario, count, t)
    if floor_t is not None:
        run.update(floor_measured_s=floor_t, ratio_measured=run["wall_s"] / floor_t)
        if scenario.fault_rate:
            # Each failed attempt held a slot for T too: the floor of what was sent.
            attempts = fake["requests"] - refused
            run["ratio_to_attempts"] = run["wall_s"] / (floor_t * attempts / count)
    return run


def run_scenarios(
    repeats: int, count: int, server_pin: list[str], client_pin: list[str]
) -> dict[str, Any]:
    """Every scenario ``repeats`` times, round by round; the medians per scenario."""
    runs: dict[str, list[dict[str, Any]]] = {s.name: [] for s in scenarios(count)}
    measured_t: list[dict[str, float]] = []
    for round_number in range(repeats):
        t = calibrate(count, server_pin, client_pin)
        measured_t.append(t)
        print(
            f"  round {round_number + 1} T measured: {t['4'] * 1e3:.2f} ms at 4 in flight,"
            f" {t['16'] * 1e3:.2f} ms at 16",
            file=sys.stderr,
        )
        for scenario in scenarios(count):
            run = run_scenario(scenario, count, round_number, server_pin, client_pin, t)
            runs[scenario.name].append(run)
            measured = run.get("ratio_measured")
            print(
                f"  round {round_number + 1} {scenario.name:11} wall {run['wall_s']:6.2f} s"
                f" = {run['ratio']:.3f} x floor"
                + ("" if measured is None else f" ({measured:.3f} x with T measured)")
                + f", {run['refused_429']} x 429 ({run['refused_share']:.1%}),"
                f" limit found {run['limit_found']}",
                file=sys.stderr,
            )
    summary = {name: _summary(scenario_runs) for name, scenario_runs in runs.items()}
    params = {
        "count": count,
        "concurrency": CONCURRENCY,
        "latency_s": LATENCY,
        "fault_rate": FAULT_RATE,
        "repeats": repeats,
        "refused_target": REFUSED_TARGET,
    }
    described = [
        {
            "name": s.name,
            "label": s.label,
            "target": s.target,
            "floor_s": s.floor(count),
            "rate_limit": s.rate_limit,
        }
        for s in scenarios(count)
    ]
    return {
        "params": params,
        "scenarios": described,
        "summary": summary,
        "t": measured_t,
        "runs": runs,
    }


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and worst of each ratio over the runs of one scenario."""
    out: dict[str, Any] = {}
    for key in ("ratio", "ratio_measured", "ratio_to_attempts", "refused_share", "wall_s"):
        values = [run[key] for run in runs if run.get(key) is not None]
        if values:
            out[key] = statistics.median(values)
            out[f"worst_{key}"] = max(values)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["serve", "client", "calibrate"])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--url", help="the fake's base URL (client)")
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--in-flight", type=int, default=4, help="requests in flight (calibrate)")
    parser.add_argument("--updates", type=int, default=400, help="requests to time (calibrate)")
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    scenario = {s.name: s for s in [*scenarios(args.count), UNLIMITED]}[args.scenario]
    if args.role == "serve":
        asyncio.run(serve(scenario, args.count, args.seed))
    elif args.role == "calibrate":
        t = asyncio.run(measure_t(args.url, args.count, args.in_flight, args.updates))
        json.dump(t, sys.stdout)
        print()
    else:
        json.dump(asyncio.run(client(scenario, args.url, args.count)), sys.stdout)
        print()


if __name__ == "__main__":
    main()
