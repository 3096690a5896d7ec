"""AdaptiveConcurrencyLimit without a server: slow start, the account's counts,
hold and probe, recovery. Outcomes are synthetic; nothing is timed."""

from __future__ import annotations

import asyncio

import pytest

from elevenphone import AdaptiveConcurrencyLimit
from elevenphone.bulk.adaptive import (
    FIRST_PATIENCE,
    LONG_PATIENCE,
    SHORT_PATIENCE,
    Permit,
)


class Account:
    """A server that takes ``capacity`` requests in flight from everyone, of
    which ``others`` are another client's, and answers with the counts of
    ``concurrent_limit_exceeded`` (or without them)."""

    def __init__(self, limit: AdaptiveConcurrencyLimit, capacity: int, *, counts: bool = True):
        self.limit = limit
        self.capacity = capacity
        self.others = 0
        self.counts = counts
        self.refused = 0
        self.sent = 0

    def round(self) -> list[bool]:
        """Fill the window, answer every request (refused: True), in order."""
        permits = []
        while (permit := self.limit.try_acquire()) is not None:
            permits.append(permit)
        answers = []
        accepted = 0
        for permit in permits:
            self.sent += 1
            if accepted + self.others < self.capacity:
                accepted += 1
                answers.append((permit, None))
            else:
                current = accepted + self.others + 1
                answers.append((permit, current))
        # Refusals come back at once, successes a request time later.
        for permit, current in answers:
            if current is not None:
                self.refused += 1
                if self.counts:
                    self.limit.record_overload(permit, self.capacity, current)
                else:
                    self.limit.record_overload(permit)
                self.limit.release(permit)
        for permit, current in answers:
            if current is None:
                self.limit.record_success(permit)
                self.limit.release(permit)
        return [current is not None for _, current in answers]

    def rounds(self, count: int) -> list[int]:
        """Run ``count`` rounds; the limit after each."""
        seen = []
        for _ in range(count):
            self.round()
            seen.append(self.limit.limit)
        return seen


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


def test_a_run_starts_at_eight_and_grows_by_half_each_round() -> None:
    limit = AdaptiveConcurrencyLimit(64)
    assert limit.limit == 8
    account = Account(limit, capacity=1000)
    assert account.rounds(7) == [12, 18, 27, 40, 60, 64, 64]
    assert account.refused == 0
    assert limit.found is None  # the account never said no
    assert AdaptiveConcurrencyLimit(3).limit == 3  # never above the caller's cap


def test_the_round_that_crosses_the_limit_overshoots_by_at_most_half() -> None:
    for capacity in (4, 5, 9, 16, 23, 40):
        limit = AdaptiveConcurrencyLimit(64)
        account = Account(limit, capacity)
        while limit.found is None:  # up to the round that crosses it
            account.round()
        assert limit.found == capacity
        # The opening window (8) or one round's growth by half, no more.
        assert account.refused <= max(8 - capacity, capacity // 2 + 1), capacity
        assert limit.peak_in_flight <= max(8, capacity + capacity // 2 + 1)


def test_the_accounts_counts_give_this_runs_share_in_one_burst() -> None:
    # Another client holds 12 of the account's 16: four are ours.
    limit = AdaptiveConcurrencyLimit(64, initial=16)
    account = Account(limit, capacity=16)
    account.others = 12
    refused = account.round()
    assert refused == [False] * 4 + [True] * 12
    assert limit.limit == 4
    assert limit.found == 4
    assert limit.decreases == 1  # one burst, one decrease
    account.round()
    assert account.refused == 12  # nothing refused once the share is known


def test_without_counts_one_below_what_was_in_flight_then_harder() -> None:
    limit = AdaptiveConcurrencyLimit(32, initial=16)
    permits = [limit.try_acquire() for _ in range(16)]
    first = permits.pop()
    assert first is not None
    limit.record_overload(first)  # 16 in flight, one refused
    limit.release(first)
    assert limit.limit == 15
    done = permits.pop()  # one ends well...
    assert done is not None
    limit.record_success(done)
    limit.release(done)
    again = limit.try_acquire()  # ...and its successor is refused too,
    assert again is not None  # within a round of the decrease
    limit.record_overload(again)
    limit.release(again)
    assert limit.limit == 7  # half of 15
    assert limit.decreases == 2


def test_a_static_limit_is_held_and_probed_ever_more_rarely() -> None:
    limit = AdaptiveConcurrencyLimit(64)
    account = Account(limit, capacity=4)
    account.round()  # the opening: 8 sent, 4 refused
    assert (limit.limit, account.refused) == (4, 4)
    probes = []
    for number in range(1, 400):
        before = account.refused
        account.round()
        if account.refused > before:
            probes.append(number)
            assert account.refused == before + 1  # a probe costs one refusal
        assert limit.limit in (4, 5)
    gaps = [b - a for a, b in zip([0, *probes], probes, strict=False)]
    # FIRST_PATIENCE rounds, then each refused probe doubles the wait, up to
    # LONG_PATIENCE rounds (a probe at 5 is refused at once: it costs no round).
    patience = FIRST_PATIENCE
    for gap in gaps:
        assert gap == patience
        patience = min(2 * patience, LONG_PATIENCE)
    assert gaps[-1] == LONG_PATIENCE
    assert account.refused / account.sent < 0.01


def test_capacity_taken_and_given_back() -> None:
    limit = AdaptiveConcurrencyLimit(64)
    account = Account(limit, capacity=16)
    account.rounds(30)
    assert limit.found == 16
    account.others = 12  # another client takes 12
    account.round()
    assert limit.limit == 4
    refused = account.refused
    # While below the level held before, probes come every SHORT_PATIENCE rounds.
    seen = account.rounds(5 * SHORT_PATIENCE)
    assert max(seen) == 5
    assert 4 <= account.refused - refused <= 6
    account.others = 0  # and gives them back
    refused = account.refused
    seen = account.rounds(SHORT_PATIENCE + 6)
    # Found at the next probe, then doubling per round back to 16, where it stops.
    assert seen.index(16) <= SHORT_PATIENCE + 5
    assert max(seen) == 16
    assert limit.found == 16
    assert account.refused == refused  # no overshoot on the way back


def test_a_probe_counts_only_once_a_request_went_at_its_level() -> None:
    limit = AdaptiveConcurrencyLimit(64)
    account = Account(limit, capacity=4)
    account.rounds(FIRST_PATIENCE)  # the opening, then holding 4 up to the probe
    assert limit.limit == 5
    # The run's last items: three in flight, never five. Many rounds pass
    # without a refusal, but nothing was tried at 5.
    for _ in range(10 * 5):
        permits = [limit.try_acquire() for _ in range(3)]
        for permit in permits:
            assert permit is not None
            limit.record_success(permit)
            limit.release(permit)
    assert (limit.limit, limit.found) == (5, 4)
    account.round()  # a full window again: the probe at 5 is refused
    assert (limit.limit, limit.found) == (4, 4)


def test_without_counts_the_limit_still_finds_the_capacity() -> None:
    limit = AdaptiveConcurrencyLimit(64)
    account = Account(limit, capacity=6, counts=False)
    account.rounds(100)
    assert limit.found == 6
    assert limit.limit in (6, 7)
    assert account.refused / account.sent < 0.02


def test_an_echo_of_a_burst_already_acted_on_changes_nothing() -> None:
    limit = AdaptiveConcurrencyLimit(16, initial=8)
    early = [limit.try_acquire() for _ in range(8)]
    first = early.pop()
    assert first is not None
    limit.record_overload(first, 6, 8)  # 8 in flight, 2 too many: 6
    limit.release(first)
    assert limit.limit == 6
    late = early.pop()
    assert late is not None
    limit.record_overload(late, 6, 7)  # admitted before: it says 6 too
    limit.release(late)
    assert limit.limit == 6
    assert limit.decreases == 1


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


async def test_waiters_are_admitted_as_the_limit_grows() -> None:
    limit = AdaptiveConcurrencyLimit(16, initial=2)
    held = [await limit.acquire() for _ in range(2)]
    waiters = [asyncio.ensure_future(limit.acquire()) for _ in range(3)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiters)
    for permit in held:
        limit.record_success(permit)  # two successes: one more slot
    await asyncio.sleep(0)
    assert [w.done() for w in waiters] == [True, False, False]
    for permit in held:
        limit.release(permit)
    for permit in await asyncio.gather(*waiters):
        limit.release(permit)
    assert limit.in_flight == 0


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
    limit = AdaptiveConcurrencyLimit(2)
    with pytest.raises(RuntimeError):
        limit.release(Permit(0))
