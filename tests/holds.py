"""Latency for the fake that is counted in events, never in seconds.

A fake with ``latency=0.01`` holds a request for ten milliseconds; whether a
client's whole window of requests is in flight at once then depends on how
busy the machine is. These hooks hold each request the fake lets through until
something has happened instead, so that what the fake sees is the same on any
machine. They set the fake's ``_hold`` hook (awaited in place of latency).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from elevenphone.testing import FakeElevenLabs

# Turns of the event loop with no new request before the held ones are
# answered. A request the client may send reaches the fake in a few turns
# (its task wakes, aiohttp writes, the server reads: loopback delivers at
# once), however slow each turn is; this is well above that.
SETTLE_TURNS = 50


def hold_until_settled(fake: FakeElevenLabs, turns: int = SETTLE_TURNS) -> None:
    """Hold each request ``fake`` lets through until no new request has reached
    it for ``turns`` turns of the event loop: until the client (in the same
    event loop) has sent every request it may, its whole window in flight."""

    async def hold() -> None:
        seen = -1
        while seen != fake.stats.requests:
            seen = fake.stats.requests
            for _ in range(turns):
                await asyncio.sleep(0)

    fake._hold = hold


def hold_until_arrived(fake: FakeElevenLabs, count: int) -> None:
    """Hold each request ``fake`` lets through until ``count`` more requests
    than it has now have reached it: all of them are in flight at once."""
    target = fake.stats.requests + count

    async def hold() -> None:
        await until(lambda: fake.stats.requests >= target)

    fake._hold = hold


def hold_until_released(fake: FakeElevenLabs) -> asyncio.Event:
    """Hold each request ``fake`` lets through until the event returned is set."""
    release = asyncio.Event()
    fake._hold = release.wait
    return release


async def until(condition: Callable[[], bool], give_up_after: float = 60.0) -> None:
    """Wait for ``condition()`` to hold (checked every millisecond): an event that
    no hook announces, in this process or another. The time is only a guard
    against a test that would hang; no assertion depends on it."""
    loop = asyncio.get_running_loop()
    end = loop.time() + give_up_after
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"still not so after {give_up_after} s")
        await asyncio.sleep(0.001)
