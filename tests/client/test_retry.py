"""The retry policy: what is retried, how often, and how long it waits."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
import tenacity
from aioresponses import aioresponses

from elevenphone import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConflictError,
    ElevenPhone,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from tests.conftest import BASE_URL, NUMBERS_URL, RecordingSleep, sent_requests, twilio_number

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"
URL = f"{NUMBERS_URL}/{PID}"


def make_client(sleeps: RecordingSleep, **kwargs: object) -> ElevenPhone:
    policy = kwargs.pop("retry_policy", RetryPolicy(sleep=sleeps))
    return ElevenPhone("k", base_url=BASE_URL, retry_policy=policy, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 520])
async def test_retryable_statuses_are_retried_then_succeed(
    mocked: aioresponses, sleeps: RecordingSleep, status: int
) -> None:
    mocked.patch(URL, status=status, payload={"detail": {"message": "busy"}})
    mocked.patch(URL, payload=twilio_number())
    async with make_client(sleeps) as client:
        number = await client.phone_numbers.update(PID, agent_id="a")
    assert number.phone_number_id == PID
    assert len(sent_requests(mocked)) == 2
    assert len(sleeps.delays) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_permanent_statuses_are_never_retried(
    mocked: aioresponses, sleeps: RecordingSleep, status: int
) -> None:
    mocked.patch(URL, status=status, payload={"detail": {"message": "no"}}, repeat=True)
    async with make_client(sleeps) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.phone_numbers.update(PID, agent_id="a")
    assert caught.value.status_code == status
    assert len(sent_requests(mocked)) == 1
    assert sleeps.delays == []


@pytest.mark.parametrize("max_retries", [0, 1, 2, 5])
async def test_max_retries_counts_retries_after_the_first_attempt(
    mocked: aioresponses, sleeps: RecordingSleep, max_retries: int
) -> None:
    mocked.patch(URL, status=503, body="<html>down</html>", repeat=True)
    async with make_client(sleeps, max_retries=max_retries) as client:
        with pytest.raises(InternalServerError):
            await client.phone_numbers.update(PID, agent_id="a")
    assert len(sent_requests(mocked)) == max_retries + 1
    assert len(sleeps.delays) == max_retries


async def test_the_default_is_two_retries(mocked: aioresponses, sleeps: RecordingSleep) -> None:
    mocked.patch(URL, status=500, repeat=True)
    async with make_client(sleeps) as client:
        assert client.max_retries == 2
        with pytest.raises(InternalServerError):
            await client.phone_numbers.update(PID)
    assert len(sent_requests(mocked)) == 3


async def test_the_last_typed_error_is_raised_never_retry_error(
    mocked: aioresponses, sleeps: RecordingSleep
) -> None:
    mocked.patch(URL, status=503, repeat=False)
    mocked.patch(URL, status=409, payload={"detail": {"status": "conflict", "message": "m"}})
    mocked.patch(URL, status=429, payload={"detail": {"code": "rate_limit_exceeded"}})
    async with make_client(sleeps) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.phone_numbers.update(PID)
    assert not isinstance(caught.value, tenacity.RetryError)
    assert caught.value.code == "rate_limit_exceeded"
    assert len(sent_requests(mocked)) == 3


async def test_connection_errors_and_timeouts_are_retried(
    mocked: aioresponses, sleeps: RecordingSleep
) -> None:
    mocked.patch(URL, exception=aiohttp.ClientConnectionError("refused"))
    mocked.patch(URL, exception=asyncio.TimeoutError())
    mocked.patch(URL, payload=twilio_number())
    async with make_client(sleeps) as client:
        await client.phone_numbers.update(PID)
    assert len(sent_requests(mocked)) == 3
    assert len(sleeps.delays) == 2


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (aiohttp.ServerDisconnectedError(), APIConnectionError),
        (aiohttp.ClientOSError(104, "Connection reset by peer"), APIConnectionError),
        (asyncio.TimeoutError(), APITimeoutError),
    ],
)
async def test_exhausted_connection_errors_raise_typed_errors(
    mocked: aioresponses, sleeps: RecordingSleep, failure: Exception, error: type[Exception]
) -> None:
    mocked.patch(URL, exception=failure, repeat=True)
    async with make_client(sleeps, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.phone_numbers.update(PID)
    assert type(caught.value) is error
    assert len(sent_requests(mocked)) == 2


async def test_backoff_doubles_from_half_a_second_up_to_eight_with_jitter(
    mocked: aioresponses, sleeps: RecordingSleep
) -> None:
    mocked.patch(URL, status=502, repeat=True)
    async with make_client(sleeps, max_retries=7) as client:
        with pytest.raises(InternalServerError):
            await client.phone_numbers.update(PID)
    nominal = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert len(sleeps.delays) == len(nominal)
    for delay, expected in zip(sleeps.delays, nominal, strict=True):
        assert 0.75 * expected <= delay <= expected


def test_backoff_has_jitter() -> None:
    policy = RetryPolicy()
    assert len({policy.backoff(1) for _ in range(20)}) > 1
    assert RetryPolicy(jitter=0).backoff(3) == 2.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "0"}, 0.0),
        ({"retry-after-ms": "1200", "Retry-After": "30"}, 1.2),
    ],
)
async def test_server_requested_delays_are_honoured(
    mocked: aioresponses, sleeps: RecordingSleep, headers: dict[str, str], expected: float
) -> None:
    mocked.patch(
        URL, status=429, headers=headers, payload={"detail": {"code": "rate_limit_exceeded"}}
    )
    mocked.patch(URL, payload=twilio_number())
    async with make_client(sleeps) as client:
        await client.phone_numbers.update(PID)
    assert sleeps.delays == [pytest.approx(expected)]


@pytest.mark.parametrize("retry_after", ["61", "-5", "3600", "later"])
async def test_out_of_range_retry_after_falls_back_to_backoff(
    mocked: aioresponses, sleeps: RecordingSleep, retry_after: str
) -> None:
    mocked.patch(URL, status=503, headers={"Retry-After": retry_after})
    mocked.patch(URL, payload=twilio_number())
    async with make_client(sleeps) as client:
        await client.phone_numbers.update(PID)
    [delay] = sleeps.delays
    assert 0.375 <= delay <= 0.5


async def test_each_retry_is_logged_at_info_with_reason_and_delay(
    mocked: aioresponses, sleeps: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="elevenphone")
    mocked.patch(URL, status=503, headers={"Retry-After": "2"}, body="maintenance")
    mocked.patch(URL, exception=aiohttp.ServerDisconnectedError())
    mocked.patch(URL, payload=twilio_number())
    async with make_client(sleeps) as client:
        await client.phone_numbers.update(PID)
    records = [r for r in caplog.records if r.name == "elevenphone"]
    assert len(records) == 2
    assert all(r.levelno == logging.INFO for r in records)
    first, second = (r.getMessage() for r in records)
    assert "503" in first
    assert "2.00 s" in first
    assert "PATCH" in first
    assert "ServerDisconnectedError" in second


async def test_a_conflict_is_retried_as_the_issue_requires(
    mocked: aioresponses, sleeps: RecordingSleep
) -> None:
    mocked.patch(URL, status=409, repeat=True)
    async with make_client(sleeps, max_retries=1) as client:
        with pytest.raises(ConflictError):
            await client.phone_numbers.update(PID)
    assert len(sent_requests(mocked)) == 2


async def test_cancellation_during_a_backoff_sleep_is_not_retried(mocked: aioresponses) -> None:
    mocked.patch(URL, status=503, repeat=True)
    started = asyncio.Event()

    async def slow_sleep(seconds: float) -> None:
        started.set()
        await asyncio.sleep(3600)

    async with make_client(RecordingSleep(), retry_policy=RetryPolicy(sleep=slow_sleep)) as client:
        task = asyncio.create_task(client.phone_numbers.update(PID))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert len(sent_requests(mocked)) == 1


def test_policy_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=2)
    assert RetryPolicy().with_max_retries(5).max_retries == 5
