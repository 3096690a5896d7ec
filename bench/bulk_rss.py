"""Peak RSS of ``iter_bulk_update`` streaming many updates against few.

``python -m bench.bulk_rss --url URL --count N`` streams N updates, made by a
generator and never held in a list, through
``client.phone_numbers.iter_bulk_update`` against the local server, consumes
each outcome as it comes, and prints one JSON line with the process's peak
RSS. Streaming holds memory flat: 100,000 updates should peak near where
1,000 do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.fixtures import AGENT_ID, API_KEY

MISSING = "iter_bulk_update is not in this elevenphone yet; the bulk benchmark is skipped"


def available() -> bool:
    """Whether this elevenphone has the bulk API."""
    from elevenphone import PhoneNumbers

    return hasattr(PhoneNumbers, "iter_bulk_update")


def _updates(count: int) -> Iterator[tuple[str, Any]]:
    from elevenphone import UpdatePhoneNumberRequest

    for i in range(count):
        yield f"phnum_bulk{i:022d}", UpdatePhoneNumberRequest(agent_id=AGENT_ID)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def stream(base_url: str, count: int, concurrency: int) -> dict[str, Any]:
    from elevenphone import ElevenPhone

    succeeded = 0
    cpu, wall = _cpu(), time.perf_counter()
    async with ElevenPhone(api_key=API_KEY, base_url=base_url) as client:
        run = client.phone_numbers.iter_bulk_update(_updates(count), concurrency=concurrency)
        async with run:
            async for outcome in run:
                succeeded += outcome.ok
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    return {
        "count": count,
        "concurrency": concurrency,
        "succeeded": succeeded,
        "wall_s": wall,
        "cpu_per_update_us": cpu / count * 1e6,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the local server's base URL")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    if not available():
        result: dict[str, Any] = {"count": args.count, "skipped": MISSING}
    else:
        result = asyncio.run(stream(args.url, args.count, args.concurrency))
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
