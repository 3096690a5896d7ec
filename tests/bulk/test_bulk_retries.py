"""Retries in bulk runs: bounded under a 429 storm, and logged with the number's path."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from bulk_helpers import client_for

from elevenphone import ElevenPhone, RateLimitError, RetryPolicy, UpdatePhoneNumberRequest
from elevenphone.testing import FakeElevenLabs, Fault
from tests.holds import until

PATH = "/v1/convai/phone-numbers/"
TOO_MANY_IN_FLIGHT = Fault.status(
    429,
    {
        "detail": {
            "status": "concurrent_limit_exceeded",
            "code": "concurrent_limit_exceeded",
            "message": "Too many concurrent requests.",
        }
    },
)


@pytest.mark.parametrize(("max_retries", "most"), [(2, 9), (0, 3)])
async def test_a_permanent_concurrency_429_storm_sends_a_bounded_number_of_requests(
    max_retries: int, most: int
) -> None:
    async with FakeElevenLabs(numbers=3, seed=61, fault_mix=[TOO_MANY_IN_FLIGHT]) as fake:
        fake.fault_rate = 1.0  # every request, from now on
        updates = {pid: UpdatePhoneNumberRequest(label="x") for pid in fake.numbers}
        async with (
            client_for(fake, max_retries=max_retries) as client,
            client.phone_numbers.iter_bulk_update(updates, concurrency=1) as run,
        ):
            outcomes = [outcome async for outcome in run]
        assert all(isinstance(o.error, RateLimitError) for o in outcomes)
        # 3 x (max_retries + 1) requests per item: 9 at the default 2.
        assert [o.requests for o in outcomes] == [most] * 3
        assert fake.stats.requests == 3 * most
        assert fake.stats.statuses[429] == 3 * most


async def test_other_failures_spend_max_retries() -> None:
    async with FakeElevenLabs(numbers=1, seed=62, fault_mix=[Fault.server_error(503)]) as fake:
        fake.fault_rate = 1.0
        [pid] = fake.numbers
        async with client_for(fake, max_retries=2) as client:
            result = await client.phone_numbers.bulk_update(
                {pid: UpdatePhoneNumberRequest(label="x")}
            )
        assert result.failed[pid].status_code == 503  # type: ignore[attr-defined]
        assert fake.stats.requests == 3


async def test_a_concurrency_429_waits_for_a_slot_without_spending_a_retry() -> None:
    async with FakeElevenLabs(numbers=1, seed=63) as fake:
        [pid] = fake.numbers
        # Two failures that spend retries, two that only wait: within max_retries=2.
        fake.script(
            TOO_MANY_IN_FLIGHT, Fault.server_error(503), TOO_MANY_IN_FLIGHT, Fault.server_error(503)
        )
        async with client_for(fake, max_retries=2) as client:
            result = await client.phone_numbers.bulk_update(
                {pid: UpdatePhoneNumberRequest(label="x")}
            )
        assert list(result.succeeded) == [pid]
        assert fake.stats.requests == 5
        assert fake.numbers[pid]["label"] == "x"


def _retry_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "elevenphone" and r.getMessage().startswith("retrying ")
    ]


async def test_retry_logs_of_bulk_items_name_the_method_and_path_like_single_calls(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO, logger="elevenphone")
    async with FakeElevenLabs(numbers=2, seed=64) as fake:
        single, bulk = fake.numbers
        async with client_for(fake, max_retries=2) as client:
            fake.script(Fault.server_error(503))
            await client.phone_numbers.update(single, label="x")
            fake.script(Fault.server_error(503))  # the GET of its state before, for the journal
            await client.phone_numbers.bulk_update(
                {bulk: UpdatePhoneNumberRequest(label="x")}, journal=tmp_path / "j.jsonl"
            )
            fake.script(Fault.server_error(503))  # its PATCH
            await client.phone_numbers.bulk_update({bulk: UpdatePhoneNumberRequest(label="y")})
    single_line, get_line, patch_line = _retry_lines(caplog)
    shape = r"retrying {} {} in \d+\.\d\d s \(retry 1 of 2\): 503 Service Unavailable: .+"
    assert re.fullmatch(shape.format("PATCH", PATH + single), single_line)
    assert re.fullmatch(shape.format("GET", PATH + bulk), get_line)
    assert re.fullmatch(shape.format("PATCH", PATH + bulk), patch_line)
    assert patch_line.count("Service Unavailable") == 1


@pytest.mark.parametrize(("others_in_flight", "waits"), [(True, False), (False, True)])
async def test_a_concurrency_429_waits_for_a_request_of_the_run_not_a_timer(
    others_in_flight: bool, waits: bool
) -> None:
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    count = 2 if others_in_flight else 1
    async with FakeElevenLabs(numbers=count, seed=65) as fake:
        fake.script(TOO_MANY_IN_FLIGHT)  # the first request to arrive
        held = 0

        async def hold() -> None:
            # The 429 goes back at once; the other request of the run stays in
            # flight until the run has decided how to wait for its retry.
            nonlocal held
            held += 1
            if held > 1:
                await until(lambda: bool(delays))

        fake._hold = hold
        policy = RetryPolicy(sleep=sleep)
        async with ElevenPhone(fake.api_key, base_url=fake.base_url, retry_policy=policy) as client:
            result = await client.phone_numbers.bulk_update(
                {pid: UpdatePhoneNumberRequest(label="x") for pid in fake.numbers}, concurrency=2
            )
        assert len(result.succeeded) == count
        assert fake.stats.requests == count + 1
    # With another request of the run in flight, the retry waits at the gate for
    # it to end; alone, it backs off as the policy says.
    assert len(delays) == 1
    assert (delays[0] > 0) is waits


async def test_a_rate_429_in_a_bulk_run_does_not_spend_max_retries() -> None:
    async with FakeElevenLabs(numbers=1, seed=66) as fake:
        [pid] = fake.numbers
        fake.script(Fault.rate_limited(), Fault.rate_limited())
        async with client_for(fake, max_retries=0) as client:
            result = await client.phone_numbers.bulk_update(
                {pid: UpdatePhoneNumberRequest(label="x")}
            )
            assert list(result.succeeded) == [pid]
            assert fake.stats.requests == 3
            fake.script(Fault.rate_limited())  # a single call spends its retries
            with pytest.raises(RateLimitError):
                await client.phone_numbers.update(pid, label="y")
