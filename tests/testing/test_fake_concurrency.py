"""The concurrency limit: 429 ``concurrent_limit_exceeded`` beyond K requests in flight.

Requests the fake lets through are held until every request of the test has
arrived (not for a time), so that all are in flight at once on any machine."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from elevenphone.testing import FakeElevenLabs, Fault
from tests.holds import hold_until_arrived
from tests.testing.helpers import NUMBERS


async def fire(fake: FakeElevenLabs, count: int) -> list[tuple[int, dict[str, str], bytes]]:
    """Send ``count`` GETs at once, each answered once all have arrived; return
    (status, headers, body) of each."""
    hold_until_arrived(fake, count)
    async with aiohttp.ClientSession() as session:

        async def one() -> tuple[int, dict[str, str], bytes]:
            async with session.get(
                fake.base_url + NUMBERS, headers={"xi-api-key": fake.api_key}
            ) as response:
                return response.status, dict(response.headers), await response.read()

        return await asyncio.gather(*(one() for _ in range(count)))


async def test_requests_beyond_the_limit_get_429() -> None:
    async with FakeElevenLabs(numbers=3, concurrency_limit=4) as fake:
        answers = await fire(fake, 20)
        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [200] * 4 + [429] * 16
        for status, headers, body in answers:
            if status != 429:
                continue
            assert headers["maximum-concurrent-requests"] == "4"
            # Four held until all arrived, plus this one; rejections return at once.
            assert headers["current-concurrent-requests"] == "5"
            detail = json.loads(body)["detail"]
            assert detail["status"] == "too_many_concurrent_requests"
            assert detail["code"] == "concurrent_limit_exceeded"
        assert fake.stats.concurrency_rejections == 16
        assert fake.stats.peak_in_flight == 5
        assert fake.stats.in_flight == 0
        assert fake.stats.statuses == {200: 4, 429: 16}


async def test_peak_in_flight_without_a_limit() -> None:
    async with FakeElevenLabs() as fake:
        answers = await fire(fake, 12)
        assert {status for status, _, _ in answers} == {200}
        assert fake.stats.peak_in_flight == 12
        assert fake.stats.concurrency_rejections == 0


async def test_limit_can_change_while_serving_and_frees_slots() -> None:
    async with FakeElevenLabs(concurrency_limit=2) as fake:
        first = await fire(fake, 3)
        assert sorted(status for status, _, _ in first) == [200, 200, 429]
        # Slots are free again once requests finish.
        second = await fire(fake, 2)
        assert [status for status, _, _ in second] == [200, 200]
        fake.concurrency_limit = None
        third = await fire(fake, 5)
        assert {status for status, _, _ in third} == {200}


async def test_scripted_fault_is_the_next_answer_even_over_the_limit() -> None:
    async with FakeElevenLabs(concurrency_limit=1) as fake:
        fake.script(Fault.status(503), Fault.status(503))
        answers = await fire(fake, 3)
        # Both scripted answers go out despite the limit of 1; they still count as
        # in flight, so the unscripted third request is over the limit.
        assert sorted(status for status, _, _ in answers) == [429, 503, 503]
