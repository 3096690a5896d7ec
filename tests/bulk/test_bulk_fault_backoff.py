"""Retries after 5xx and lost connections in bulk runs: brief while the run's
other requests succeed, the policy's full backoff once faults are common."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence

from elevenphone import (
    APIConnectionError,
    APIStatusError,
    ElevenPhone,
    NotFoundError,
    RetryPolicy,
    UpdatePhoneNumberRequest,
)
from elevenphone.bulk.adaptive import Permit
from elevenphone.bulk.gate import FAULT_MEMORY, ISOLATED_FAULT_SHARE, BulkGate
from elevenphone.testing import FakeElevenLabs, Fault

POLICY = RetryPolicy(max_retries=2, initial_delay=0.5, isolated_fault_delay=0.05, jitter=0.25)


def _attempt(gate: BulkGate, error: BaseException | None) -> None:
    permit = gate.enter()
    assert isinstance(permit, Permit)
    gate.leave(permit, error)


def _server_error() -> APIStatusError:
    return APIStatusError("503 Service Unavailable", status_code=503, body=b"", headers={})


def test_faults_are_rare_only_once_the_run_has_a_history() -> None:
    gate = BulkGate(concurrency=4, max_rate=None)
    for _ in range(FAULT_MEMORY - 1):
        _attempt(gate, None)
    assert not gate.faults_are_rare()  # too few attempts to say
    _attempt(gate, None)
    assert gate.faults_are_rare()


def test_a_run_of_faults_makes_them_common_and_successes_make_them_rare_again() -> None:
    gate = BulkGate(concurrency=4, max_rate=None)
    for _ in range(2 * FAULT_MEMORY):
        _attempt(gate, None)
    _attempt(gate, _server_error())
    _attempt(gate, APIConnectionError("connection reset"))
    assert gate.faults_are_rare()
    streak = int(ISOLATED_FAULT_SHARE * FAULT_MEMORY) + 2
    for _ in range(streak):
        _attempt(gate, _server_error())
    assert not gate.faults_are_rare()
    for _ in range(3 * FAULT_MEMORY):
        _attempt(gate, None)
    assert gate.faults_are_rare()


def test_refusals_that_are_not_retried_are_not_faults() -> None:
    gate = BulkGate(concurrency=4, max_rate=None)
    for _ in range(FAULT_MEMORY):
        _attempt(gate, None)
    for _ in range(FAULT_MEMORY):
        _attempt(gate, NotFoundError("404 Not Found", status_code=404, body=b"", headers={}))
    assert gate.faults_are_rare()  # a missing number says nothing of the API's health


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


async def _run_with_faults_after(
    successes: int, faults: Sequence[Fault], numbers: int, *, failures: int = 0
) -> list[float]:
    """A bulk run, one request at a time, whose requests after the first
    ``successes`` meet ``faults``; the waits its retries asked for. Checks
    that ``failures`` items failed and the others succeeded."""
    sleep = RecordingSleep()
    async with FakeElevenLabs(numbers=numbers, seed=71) as fake:

        async def items() -> AsyncIterator[tuple[str, UpdatePhoneNumberRequest]]:
            for index, pid in enumerate(fake.numbers):
                if index == successes:
                    fake.script(*faults)
                yield pid, UpdatePhoneNumberRequest(label="x")

        policy = dataclasses.replace(POLICY, sleep=sleep)
        async with ElevenPhone(fake.api_key, base_url=fake.base_url, retry_policy=policy) as c:
            result = await c.phone_numbers.bulk_update(items(), concurrency=1)
        assert (len(result.succeeded), len(result.failed)) == (numbers - failures, failures)
        assert fake.scripted_pending == 0
    return sleep.delays


async def test_a_fault_among_successes_is_retried_after_a_brief_backoff() -> None:
    delays = await _run_with_faults_after(
        2 * FAULT_MEMORY, [Fault.server_error(503), Fault.reset()], numbers=2 * FAULT_MEMORY + 2
    )
    # The item's two retries: from isolated_fault_delay, doubling, less jitter.
    assert len(delays) == 2
    assert 0.0375 <= delays[0] <= 0.05
    assert 0.075 <= delays[1] <= 0.1


async def test_a_fault_before_the_run_has_a_history_gets_the_full_backoff() -> None:
    delays = await _run_with_faults_after(1, [Fault.server_error(503)], numbers=4)
    assert len(delays) == 1
    assert 0.375 <= delays[0] <= 0.5


async def test_a_server_asked_wait_is_honoured_even_when_faults_are_rare() -> None:
    asked = Fault.status(503, {"detail": "down"}, headers={"Retry-After": "2"})
    delays = await _run_with_faults_after(2 * FAULT_MEMORY, [asked], numbers=2 * FAULT_MEMORY + 1)
    assert delays == [2.0]


async def test_once_faults_are_common_retries_back_off_in_full() -> None:
    # 5xx from the 2*FAULT_MEMORY-th request on: the first few retries are
    # brief, and once faults make up more than ISOLATED_FAULT_SHARE of the
    # recent attempts, every retry waits the policy's full backoff.
    storm = [Fault.server_error(503)] * 60
    delays = await _run_with_faults_after(
        2 * FAULT_MEMORY, storm, numbers=2 * FAULT_MEMORY + 20, failures=20
    )
    brief = [d for d in delays if d <= 0.1]
    assert 1 <= len(brief) <= ISOLATED_FAULT_SHARE * FAULT_MEMORY + 2
    assert delays[: len(brief)] == brief  # the brief ones come first
    assert all(d >= 0.375 for d in delays[len(brief) :])
    assert len(delays) == 20 * 2  # every item retried twice, then failed
