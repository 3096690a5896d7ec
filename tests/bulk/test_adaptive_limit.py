"""AdaptiveConcurrencyLimit without a server: admission, AIMD, the server's maximum."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from elevenphone import AdaptiveConcurrencyLimit


async def test_never_admits_more_than_the_limit() -> None:
    limit = AdaptiveConcurrencyLimit(4)
    inside = 0
    most = 0

    async def worker() -> None:
        nonlocal inside, most
        permit = await limit.acquire()
        try:
            inside += 1
            most = max(most, inside)
            for _ in range(3):
                await asyncio.sleep(0)
            inside -= 1
        finally:
            limit.release(permit)

    await asyncio.gather(*(worker() for _ in range(50)))
    assert most == 4
    assert limit.peak_in_flight == 4
    assert limit.in_flight == 0


async def test_one_burst_of_overload_halves_the_limit_once() -> None:
    limit = AdaptiveConcurrencyLimit(16)
    permits = [await limit.acquire() for _ in range(16)]
    for permit in permits:  # all sixteen report the same overload
        limit.record_overload(permit)
        limit.release(permit)
    assert limit.limit == 8
    assert limit.decreases == 1
    later = await limit.acquire()  # admitted after the decrease: a new signal counts
    limit.record_overload(later)
    limit.release(later)
    assert limit.limit == 4
    assert limit.decreases == 2


async def test_the_limit_never_falls_below_the_minimum() -> None:
    limit = AdaptiveConcurrencyLimit(8, minimum=2)
    for _ in range(10):
        permit = await limit.acquire()
        limit.record_overload(permit)
        limit.release(permit)
    assert limit.limit == 2


async def test_successes_raise_the_limit_additively_up_to_the_maximum() -> None:
    limit = AdaptiveConcurrencyLimit(8, initial=2)
    seen = []
    for _ in range(60):
        permit = await limit.acquire()
        limit.record_success(permit)
        limit.release(permit)
        seen.append(limit.limit)
    assert seen[0] == 2
    assert seen == sorted(seen)  # only ever up
    assert all(b - a <= 1 for a, b in itertools.pairwise(seen))  # one step at a time
    assert seen[-1] == 8
    assert max(seen) == 8


async def test_the_servers_maximum_caps_the_limit_for_good() -> None:
    limit = AdaptiveConcurrencyLimit(32)
    permit = await limit.acquire()
    limit.record_overload(permit, server_maximum=4)
    limit.release(permit)
    assert limit.limit == 4
    assert limit.ceiling == 4
    for _ in range(100):
        permit = await limit.acquire()
        limit.record_success(permit)
        limit.release(permit)
    assert limit.limit == 4


async def test_a_cancelled_waiter_takes_no_slot() -> None:
    limit = AdaptiveConcurrencyLimit(1)
    held = await limit.acquire()
    waiter = asyncio.ensure_future(limit.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    limit.release(held)
    assert limit.in_flight == 0
    again = await asyncio.wait_for(limit.acquire(), timeout=5)
    assert limit.in_flight == 1
    limit.release(again)


async def test_a_waiter_cancelled_as_it_is_admitted_hands_the_slot_on() -> None:
    limit = AdaptiveConcurrencyLimit(1)
    held = await limit.acquire()
    first = asyncio.ensure_future(limit.acquire())
    second = asyncio.ensure_future(limit.acquire())
    await asyncio.sleep(0)
    limit.release(held)  # admits `first`...
    first.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    permit = await asyncio.wait_for(second, timeout=5)
    assert limit.in_flight == 1
    limit.release(permit)
    assert limit.in_flight == 0


async def _simulate(
    limit: AdaptiveConcurrencyLimit, capacity: int, requests: int, *, adapt: bool = True
) -> list[bool]:
    """A server that refuses requests beyond ``capacity`` in flight, without the
    maximum header; ``adapt=False`` never reports the refusals to the limit."""
    answers: list[bool] = []  # True: refused
    queue = iter(range(requests))
    in_server = 0

    async def worker() -> None:
        nonlocal in_server
        for _ in queue:
            permit = await limit.acquire()
            in_server += 1
            try:
                refused = in_server > capacity
                answers.append(refused)
                for _ in range(2):
                    await asyncio.sleep(0)
                if refused and adapt:
                    limit.record_overload(permit)
                else:
                    limit.record_success(permit)
            finally:
                in_server -= 1
                limit.release(permit)

    await asyncio.gather(*(worker() for _ in range(limit.ceiling)))
    return answers


def _shares(answers: list[bool]) -> tuple[float, float]:
    third = len(answers) // 3
    return sum(answers[:third]) / third, sum(answers[-third:]) / third


async def test_aimd_converges_near_the_servers_capacity() -> None:
    fixed = await _simulate(AdaptiveConcurrencyLimit(32), capacity=4, requests=3000, adapt=False)
    limit = AdaptiveConcurrencyLimit(32)
    adaptive = await _simulate(limit, capacity=4, requests=3000)
    early, late = _shares(adaptive)
    _, fixed_late = _shares(fixed)
    assert late < early
    # Without the server's maximum, AIMD probes one above capacity now and
    # then (a sawtooth); a window that does not adapt is refused most of the time.
    assert late < fixed_late / 5
    assert limit.limit <= 5


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0,), {}, "maximum"),
        ((True,), {}, "maximum"),
        ((4,), {"minimum": 5}, "minimum"),
        ((4,), {"initial": 9}, "initial"),
        ((4,), {"decrease_factor": 1.0}, "decrease_factor"),
    ],
)
def test_bad_bounds_are_refused(args: tuple[int], kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AdaptiveConcurrencyLimit(*args, **kwargs)  # type: ignore[arg-type]


def test_release_without_acquire_is_an_error() -> None:
    from elevenphone.bulk.adaptive import Permit

    limit = AdaptiveConcurrencyLimit(2)
    with pytest.raises(RuntimeError):
        limit.release(Permit(0))
