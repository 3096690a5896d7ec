"""Peak memory while a huge reply streams in, against the idle client.

``python -m bench.big_reply --url URL`` makes one ordinary call (the warm,
idle client), notes the process's RSS, then asks the local server for a
300 MiB reply (:mod:`bench.server`). The client reads up to its
``max_response_bytes`` (32 MiB by default), stops and raises. Prints one JSON
line: the RSS of the idle client, the peak after, the reply's size, the cap,
and which error came back.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
from typing import Any

from bench.fixtures import AGENT_ID, API_KEY, PHONE_NUMBER_ID
from bench.server import HUGE_REPLY_BYTES


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def measure(base_url: str) -> dict[str, Any]:
    from elevenphone import APIResponseValidationError, ElevenPhone

    async with ElevenPhone(api_key=API_KEY, base_url=base_url) as client:
        await client.phone_numbers.update(PHONE_NUMBER_ID, agent_id=AGENT_ID)
        idle = _rss_mib()
        error = "none"
        try:
            await client.phone_numbers.get(PHONE_NUMBER_ID)
        except APIResponseValidationError as exc:
            error = f"{type(exc).__name__}: {exc}"
        cap = client.max_response_bytes
    return {
        "idle_rss_mib": idle,
        "peak_rss_mib": _peak_rss_mib(),
        "reply_mib": HUGE_REPLY_BYTES / 2**20,
        "cap_mib": cap / 2**20,
        "error": error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the local server's base URL")
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    json.dump(asyncio.run(measure(args.url)), sys.stdout)
    print()


if __name__ == "__main__":
    main()
