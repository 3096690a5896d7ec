"""One client's end-to-end run, in a process of its own.

``python -m bench.clients CLIENT --url URL`` sends N updates at a given
concurrency through one client and prints one JSON line: CPU (user + sys of
this process) and wall time over the N updates, and the process's peak RSS.
Warm-up calls (connections, first-call setup) run before the clock starts.

Clients:

* ``raw``: the floor. aiohttp with a pre-encoded body, the reply read with
  ``json.loads``.
* ``official``: the official ``elevenlabs`` SDK (httpx and pydantic).
* ``elevenphone``: this SDK, one ``update`` call per update.
* ``elevenphone-bulk``: this SDK's ``iter_bulk_update``, every update an item
  of one run at the same concurrency (its CPU per item against a single
  update's is the cost of the bulk engine).

Every reply is checked, so a client that fails fast is not mistaken for one
that is fast. Every update names another phone number (``next_id()``), as a
real workload does: the same URL every time would let yarl's URL cache spare
the single calls a parse that a bulk run over many numbers pays.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import resource
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from bench.fixtures import AGENT_ID, API_KEY, PHONE_NUMBER_ID, UPDATE_AGENT

Update = Callable[[], Awaitable[None]]

PATH = "/v1/convai/phone-numbers/"
_counter = itertools.count()


def next_id() -> str:
    """Another phone number id for each update (the server answers any)."""
    return f"{PHONE_NUMBER_ID}{next(_counter):08d}"


def _check(provider: str, agent_id: str) -> None:
    if provider != "twilio" or agent_id != AGENT_ID:
        raise AssertionError(f"unexpected reply: {provider=} {agent_id=}")


@asynccontextmanager
async def raw_client(base_url: str) -> AsyncIterator[Update]:
    import aiohttp

    body = json.dumps(UPDATE_AGENT).encode()
    headers = {"xi-api-key": API_KEY, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:

        async def update() -> None:
            url = f"{base_url}{PATH}{next_id()}"
            async with session.patch(url, data=body, headers=headers) as reply:
                payload = await reply.read()
            if reply.status != 200:
                raise AssertionError(f"status {reply.status}")
            number = json.loads(payload)
            _check(number["provider"], number["assigned_agent"]["agent_id"])

        yield update


@asynccontextmanager
async def official_client(base_url: str) -> AsyncIterator[Update]:
    from elevenlabs import AsyncElevenLabs

    client = AsyncElevenLabs(api_key=API_KEY, base_url=base_url)
    phone_numbers = client.conversational_ai.phone_numbers

    async def update() -> None:
        number = await phone_numbers.update(next_id(), agent_id=AGENT_ID)
        _check(number.provider, number.assigned_agent.agent_id)

    try:
        yield update
    finally:
        await client._client_wrapper.httpx_client.httpx_client.aclose()


@asynccontextmanager
async def elevenphone_client(base_url: str) -> AsyncIterator[Update]:
    from elevenphone import ElevenPhone

    async with ElevenPhone(api_key=API_KEY, base_url=base_url) as client:
        phone_numbers = client.phone_numbers

        async def update() -> None:
            number = await phone_numbers.update(next_id(), agent_id=AGENT_ID)
            assert number.assigned_agent is not None
            _check(number.provider, number.assigned_agent.agent_id)

        yield update


Drive = Callable[[int, int], Awaitable[None]]
"""Send ``n`` updates, ``concurrency`` at a time."""


def driving(update: Update) -> Drive:
    """Send updates by calling ``update``, ``concurrency`` callers at a time."""

    async def drive(n: int, concurrency: int) -> None:
        remaining = n

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                await update()

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    return drive


@asynccontextmanager
async def elevenphone_bulk_client(base_url: str) -> AsyncIterator[Drive]:
    from elevenphone import ElevenPhone, UpdatePhoneNumberRequest

    async with ElevenPhone(api_key=API_KEY, base_url=base_url) as client:
        request = UpdatePhoneNumberRequest(agent_id=AGENT_ID)

        async def drive(n: int, concurrency: int) -> None:
            items = ((next_id(), request) for _ in range(n))
            run = client.phone_numbers.iter_bulk_update(items, concurrency=concurrency)
            async with run:
                async for outcome in run:
                    number = outcome.phone_number
                    assert number is not None
                    assert number.assigned_agent is not None
                    _check(number.provider, number.assigned_agent.agent_id)

        yield drive


def _updating(
    make: Callable[[str], AbstractAsyncContextManager[Update]],
) -> Callable[[str], AbstractAsyncContextManager[Drive]]:
    @asynccontextmanager
    async def client(base_url: str) -> AsyncIterator[Drive]:
        async with make(base_url) as update:
            yield driving(update)

    return client


CLIENTS: dict[str, Callable[[str], AbstractAsyncContextManager[Drive]]] = {
    "raw": _updating(raw_client),
    "official": _updating(official_client),
    "elevenphone": _updating(elevenphone_client),
    "elevenphone-bulk": elevenphone_bulk_client,
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(
    client: str, base_url: str, n: int, concurrency: int, warmup: int
) -> dict[str, Any]:
    async with CLIENTS[client](base_url) as drive:
        await drive(warmup, concurrency)
        cpu, wall = _cpu(), time.perf_counter()
        await drive(n, concurrency)
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    return {
        "client": client,
        "n": n,
        "concurrency": concurrency,
        "cpu_s": cpu,
        "wall_s": wall,
        "cpu_per_update_us": cpu / n * 1e6,
        "updates_per_s": n / wall,
        # ru_maxrss is in KiB on Linux.
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("client", choices=sorted(CLIENTS))
    parser.add_argument("--url", required=True, help="the local server's base URL")
    parser.add_argument("-n", type=int, default=5000, help="updates to measure")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    result = asyncio.run(measure(args.client, args.url, args.n, args.concurrency, args.warmup))
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
