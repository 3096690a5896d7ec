"""Limits that move during a run: schedules, other clients, requests per second, stats.

Schedules are keyed by requests received and the rate limit's clock is given
to the pure parts, so nothing here depends on timing.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from elevenphone.testing import FakeElevenLabs, Fault
from elevenphone.testing._limits import AccountLimits, Schedule, TokenBucket, schedule
from tests.testing.helpers import NUMBERS


async def sequential(fake: FakeElevenLabs, count: int) -> list[tuple[int, dict[str, str], Any]]:
    """Send ``count`` GETs one after the other: (status, headers, JSON body) of each."""
    answers = []
    async with aiohttp.ClientSession() as session:
        for _ in range(count):
            async with session.get(
                fake.base_url + NUMBERS, headers={"xi-api-key": fake.api_key}
            ) as response:
                raw = await response.read()
                body = json.loads(raw) if raw else None
                answers.append((response.status, dict(response.headers), body))
    return answers


def statuses(answers: list[tuple[int, dict[str, str], Any]]) -> list[int]:
    return [status for status, _, _ in answers]


# The pure parts


def test_a_schedule_is_keyed_by_requests_received() -> None:
    steps = schedule([(0, 16), (300, 4), (600, 16)], "limit", int, minimum=1)
    assert steps == Schedule(((0, 16), (300, 4), (600, 16)))
    assert [steps.at(n) for n in (0, 299, 300, 599, 600, 10_000)] == [16, 16, 4, 4, 16, 16]
    late = schedule([(10, 4), (20, None)], "limit", int, minimum=1)
    assert [late.at(n) for n in (0, 9, 10, 19, 20)] == [None, None, 4, 4, None]
    assert schedule(8, "limit", int, minimum=1).at(5) == 8
    assert schedule(None, "limit", int, minimum=1).at(5) is None


@pytest.mark.parametrize(
    ("setting", "error"),
    [
        (0, ValueError),
        (-1, ValueError),
        (1.5, ValueError),
        ([], ValueError),
        ([(5, 1), (5, 2)], ValueError),
        ([(5, 1), (2, 2)], ValueError),
        ([(-1, 1)], ValueError),
        ([(0, 1, 2)], ValueError),
        ([(0, 0)], ValueError),
        ("4", TypeError),
        ([(0, True)], TypeError),
    ],
)
def test_bad_schedules(setting: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="limit"):
        schedule(setting, "limit", int, minimum=1)


def test_none_where_a_number_is_needed() -> None:
    with pytest.raises(ValueError, match="others"):
        schedule([(0, 1), (5, None)], "others", int, minimum=0, allow_none=False)


def test_token_bucket() -> None:
    bucket = TokenBucket()
    assert [bucket.take(0.0, rate=2.0, burst=2) for _ in range(2)] == [None, None]
    assert bucket.take(0.0, rate=2.0, burst=2) == pytest.approx(0.5)
    assert bucket.take(0.25, rate=2.0, burst=2) == pytest.approx(0.25)  # half a token so far
    assert bucket.take(0.5, rate=2.0, burst=2) is None
    # Ten idle seconds fill it up to the burst only.
    assert [bucket.take(10.5, rate=2.0, burst=2) for _ in range(3)][:2] == [None, None]
    # A slower rate applies from the moment it is seen.
    assert bucket.take(11.0, rate=0.5, burst=2) == pytest.approx(1.5)
    bucket.reset()
    assert bucket.take(11.0, rate=0.5, burst=2) is None


def test_account_limits() -> None:
    limits = AccountLimits()
    limits.concurrency_limit = schedule(4, "c", int, minimum=1)
    limits.other_clients_in_flight = schedule(3, "o", int, minimum=0, allow_none=False)
    in_force = limits.in_force(0)
    assert limits.admit(in_force, in_flight=1, now=0.0) is None
    refusal = limits.admit(in_force, in_flight=2, now=0.0)
    assert refusal is not None
    assert refusal.status == 429
    assert refusal.body["detail"]["code"] == "concurrent_limit_exceeded"
    assert refusal.headers == {
        "current-concurrent-requests": "5",
        "maximum-concurrent-requests": "4",
    }
    limits.rate_limit = schedule(0.5, "r", float, minimum=0.001)
    limits.retry_after = True
    in_force = limits.in_force(0)
    assert (in_force.rate_limit, in_force.rate_limit_burst) == (0.5, 1)  # at least one token
    assert limits.admit(in_force, in_flight=1, now=0.0) is None
    refusal = limits.admit(in_force, in_flight=1, now=0.1)
    assert refusal is not None
    assert refusal.body["detail"]["code"] == "rate_limit_exceeded"
    assert refusal.headers == {"Retry-After": "2"}  # 1.8 s, in whole seconds
    # Refused by the concurrency limit: no token is taken.
    assert limits.admit(in_force, in_flight=2, now=2.1) is not None
    assert limits.admit(in_force, in_flight=1, now=2.1) is None


# Over the loopback


async def test_other_clients_take_the_account_s_capacity() -> None:
    schedule_ = [(0, 0), (2, 4), (4, 1)]
    async with FakeElevenLabs(concurrency_limit=4, other_clients_in_flight=schedule_) as fake:
        answers = await sequential(fake, 6)
        assert statuses(answers) == [200, 200, 429, 429, 200, 200]
        for _, headers, body in answers[2:4]:
            assert body["detail"]["code"] == "concurrent_limit_exceeded"
            assert headers["current-concurrent-requests"] == "5"  # 4 others and this one
            assert headers["maximum-concurrent-requests"] == "4"
        assert fake.stats.other_clients_in_flight == 1
        assert fake.stats.peak_in_flight == 1
        assert fake.stats.throttled == {"concurrent_limit_exceeded": 2}
        assert fake.stats.concurrency_rejections == 2


async def test_concurrency_limit_schedule() -> None:
    async with FakeElevenLabs(
        concurrency_limit=[(0, 3), (2, 1), (4, 3)], other_clients_in_flight=1
    ) as fake:
        assert statuses(await sequential(fake, 6)) == [200, 200, 429, 429, 200, 200]
        assert fake.concurrency_limit == [(0, 3), (2, 1), (4, 3)]
        assert fake.stats.concurrency_limit == 3


async def test_limits_assigned_while_serving() -> None:
    async with FakeElevenLabs(other_clients_in_flight=2) as fake:
        assert statuses(await sequential(fake, 1)) == [200]
        fake.concurrency_limit = 2
        [(status, headers, _)] = await sequential(fake, 1)
        assert (status, headers["current-concurrent-requests"]) == (429, "3")
        assert fake.stats.concurrency_limit == 2
        fake.other_clients_in_flight = [(0, 0)]
        assert statuses(await sequential(fake, 1)) == [200]
        fake.concurrency_limit = None
        fake.other_clients_in_flight = 50
        assert statuses(await sequential(fake, 1)) == [200]
        assert fake.stats.concurrency_limit is None
        with pytest.raises(ValueError, match="concurrency_limit"):
            fake.concurrency_limit = 0
        assert fake.concurrency_limit is None  # a refused value changes nothing


async def test_rate_limit_answers_rate_limit_exceeded() -> None:
    # 0.001 requests a second: after the burst, no token comes back during the test.
    async with FakeElevenLabs(rate_limit=0.001, rate_limit_burst=3) as fake:
        answers = await sequential(fake, 5)
        assert statuses(answers) == [200, 200, 200, 429, 429]
        status, headers, body = answers[3]
        assert body["detail"]["code"] == "rate_limit_exceeded"
        assert "Retry-After" not in headers
        assert "current-concurrent-requests" not in headers
        fake.rate_limit_retry_after = True
        [(status, headers, _)] = await sequential(fake, 1)
        assert status == 429
        assert 900 <= int(headers["Retry-After"]) <= 1000
        assert fake.stats.throttled == {"rate_limit_exceeded": 3}
        assert fake.stats.rate_limit == 0.001
        assert fake.stats.concurrency_rejections == 0


async def test_rate_limit_schedule_and_lifting_it() -> None:
    async with FakeElevenLabs(rate_limit=[(0, 0.001), (4, None), (6, 0.001)]) as fake:
        # Burst 1 (one second's worth, at least one); lifted for requests 5-6;
        # then a full bucket again.
        assert statuses(await sequential(fake, 8)) == [200, 429, 429, 429, 200, 200, 200, 429]
        fake.rate_limit = None
        assert statuses(await sequential(fake, 2)) == [200, 200]


async def test_scripted_faults_come_first_and_429_faults_are_counted() -> None:
    async with FakeElevenLabs(concurrency_limit=1, other_clients_in_flight=1) as fake:
        fake.script(Fault.rate_limited(), Fault.status(429))
        assert statuses(await sequential(fake, 3)) == [429, 429, 429]
        assert fake.stats.throttled == {
            "rate_limit_exceeded": 1,
            "": 1,
            "concurrent_limit_exceeded": 1,
        }
        assert fake.stats.concurrency_rejections == 1


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"other_clients_in_flight": -1}, "other_clients_in_flight"),
        ({"other_clients_in_flight": None}, "other_clients_in_flight"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"rate_limit": [(0, 5), (0, 6)]}, "rate_limit"),
        ({"rate_limit_burst": 0}, "rate_limit_burst"),
        ({"concurrency_limit": [(1, 0)]}, "concurrency_limit"),
    ],
)
def test_bad_limit_settings_raise(kwargs: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        FakeElevenLabs(**kwargs)


def test_stats_as_dict_reports_the_limits() -> None:
    fake = FakeElevenLabs(concurrency_limit=8)
    fake.stats.throttled["rate_limit_exceeded"] += 2
    assert fake.stats.as_dict() == {
        "requests": 0,
        "statuses": {},
        "throttled": {"rate_limit_exceeded": 2},
        "faults": {},
        "concurrency_rejections": 0,
        "in_flight": 0,
        "peak_in_flight": 0,
        "concurrency_limit": None,  # in force for the latest request: none yet
        "other_clients_in_flight": 0,
        "rate_limit": None,
    }
