"""Bulk runs against an account whose limits the caller does not know: what the
fake counts (429s, requests in flight), never how long it took.

The fake holds each request until the client has sent all it may
(:func:`tests.holds.hold_until_settled`), so that it sees the run's whole
window in flight on any machine, however loaded.
"""

from __future__ import annotations

from bulk_helpers import TURN_RETRIES, agent_of, client_for

from elevenphone import BulkProgress, UpdatePhoneNumberRequest
from elevenphone.testing import FakeElevenLabs
from tests.holds import hold_until_settled

NEW = "agent_new"


def _updates(fake: FakeElevenLabs) -> dict[str, UpdatePhoneNumberRequest]:
    return {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}


async def test_a_run_opens_small_and_finds_the_accounts_limit() -> None:
    async with FakeElevenLabs(numbers=60, seed=11, concurrency_limit=4) as fake:
        fake.add_agent(NEW)
        hold_until_settled(fake)
        async with client_for(fake, retry_policy=TURN_RETRIES) as client:
            result = await client.phone_numbers.bulk_update(_updates(fake), concurrency=64)
        assert result.failed == {}
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
        assert result.limit_found == 4
        # An opening window of 8, not the caller's 64: four refused, then a probe.
        assert result.peak_in_flight <= 8
        assert fake.stats.peak_in_flight <= 8
        assert result.concurrency_limited == fake.stats.concurrency_rejections <= 6
        # The check of NEW, then a PATCH per number, and the retries.
        assert result.requests == fake.stats.requests == 1 + 60 + result.retries


async def test_the_limit_follows_an_account_whose_limit_moves() -> None:
    async with FakeElevenLabs(
        numbers=400, seed=12, concurrency_limit=[(0, 8), (130, 2), (260, 8)]
    ) as fake:
        hold_until_settled(fake)
        samples: list[tuple[int, int]] = []  # (requests the fake has seen, the run's limit)

        def sample(progress: BulkProgress) -> None:
            samples.append((fake.stats.requests, progress.concurrency_limit))

        async with client_for(fake, retry_policy=TURN_RETRIES) as client:
            # Only PATCHes, as the schedule counts them: the GET of the
            # agent's check would move each step of it by one request.
            result = await client.phone_numbers.bulk_update(
                _updates(fake), concurrency=64, on_progress=sample, check_agent=False
            )
        assert result.failed == {}
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
        during = [limit for seen, limit in samples if 160 <= seen <= 250]
        after = [limit for seen, limit in samples if seen >= 350]
        assert max(during) <= 3  # 2, or a probe at 3
        assert max(after) in (8, 9)  # back once the account gave capacity back (9: a probe)
        assert result.limit_found == 8
        assert fake.stats.concurrency_rejections / fake.stats.requests < 0.1


async def test_another_clients_share_is_left_to_it() -> None:
    async with FakeElevenLabs(
        numbers=200, seed=13, concurrency_limit=16, other_clients_in_flight=12
    ) as fake:
        fake.add_agent(NEW)
        hold_until_settled(fake)
        async with client_for(fake, retry_policy=TURN_RETRIES) as client:
            result = await client.phone_numbers.bulk_update(_updates(fake), concurrency=64)
        assert result.failed == {}
        # The account's counts say four are ours, at the first refusals.
        assert result.limit_found == 4
        assert fake.stats.concurrency_rejections / fake.stats.requests < 0.1


async def test_a_rate_limit_paces_the_run() -> None:
    async with FakeElevenLabs(
        numbers=200, seed=14, latency=0.005, rate_limit=100.0, rate_limit_burst=10
    ) as fake:
        fake.add_agent(NEW)
        async with client_for(fake, max_retries=2) as client:
            result = await client.phone_numbers.bulk_update(_updates(fake), concurrency=16)
        assert result.failed == {}  # a 429 in a bulk run waits; it does not fail the item
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
        assert result.paced_rate is not None
        assert result.concurrency_limited == 0
        assert result.limit_found is None  # the in-flight limit was never the matter
        refused = fake.stats.throttled["rate_limit_exceeded"]
        assert refused == result.rate_limited
        assert refused < 100  # unpaced, fast retries, it is thousands
