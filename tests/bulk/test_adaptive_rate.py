"""AdaptiveRate on a synthetic clock, and the gate that tells the two 429s apart."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

from elevenphone import RateLimitError
from elevenphone._wire import error_from_response
from elevenphone.bulk.gate import BulkGate
from elevenphone.bulk.pace import AdaptiveRate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TokenBucket:
    """The fake's rate limit: ``rate`` tokens a second, ``burst`` at most, full at first."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, 0.0

    def refuses(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return False
        return True


class Sender:
    """Sends requests one after another, ``natural`` a second unless the pace
    holds them back; each is answered at once."""

    def __init__(self, natural: float) -> None:
        self.clock = Clock()
        self.pace = AdaptiveRate(clock=self.clock)
        self.pace.start()
        self.natural = natural
        self.successes = 0

    def send(self, n: int, refuses: Callable[[float], bool]) -> list[tuple[float, bool]]:
        """(time, refused) per request."""
        clock, pace = self.clock, self.pace
        answers = []
        for _ in range(n):
            clock.now += 1.0 / self.natural
            clock.now += pace.delay(self.successes)
            refused = refuses(clock.now)
            if refused:
                pace.record_refusal(self.successes, 1)
            else:
                self.successes += 1
            answers.append((clock.now, refused))
        return answers


def _rate(answers: list[tuple[float, bool]]) -> float:
    """Successes per second over ``answers``."""
    return sum(not refused for _, refused in answers) / (answers[-1][0] - answers[0][0])


def test_not_paced_until_refusals_outrun_chance() -> None:
    pace = AdaptiveRate(clock=Clock())
    for successes in range(0, 10_000, 30):  # one refusal per 30 successes
        pace.record_refusal(successes, 1)
    assert pace.rate is None
    assert pace.refusals == 334


def test_a_rate_limit_is_found_and_followed() -> None:
    sender = Sender(natural=1000.0)
    server = TokenBucket(rate=100.0, burst=100.0)
    answers = sender.send(4000, server.refuses)
    later = answers[1000:]
    assert sender.pace.rate is not None
    assert sum(refused for _, refused in later) / len(later) < 0.05  # without the pace: 90%
    assert 90.0 <= _rate(later) <= 101.0  # what the account allows, nearly all of it


def test_random_refusals_barely_slow_the_run() -> None:
    chance = random.Random(7)
    for share in (0.02, 0.035):
        sender = Sender(natural=1000.0)
        answers = sender.send(20_000, lambda now: chance.random() < share)  # noqa: B023
        assert answers[-1][0] <= 1.05 * 20_000 / 1000.0, share


def test_pacing_stops_once_the_limit_is_lifted() -> None:
    sender = Sender(natural=1000.0)
    server = TokenBucket(rate=100.0, burst=100.0)
    sender.send(2000, server.refuses)
    assert sender.pace.rate is not None
    answers = sender.send(20_000, lambda now: False)
    assert sender.pace.rate is None
    assert _rate(answers[-1000:]) > 900.0  # at the natural rate again


def _too_many(code: str, headers: dict[str, str] | None = None) -> RateLimitError:
    body = json.dumps({"detail": {"code": code, "message": "slow down"}}).encode()
    error = error_from_response(429, headers or {}, body)
    assert isinstance(error, RateLimitError)
    return error


def test_the_gate_sends_each_429_to_its_own_limit() -> None:
    gate = BulkGate(16, None)
    gate.start()
    rate = _too_many("rate_limit_exceeded")
    in_flight = _too_many(
        "concurrent_limit_exceeded",
        {"current-concurrent-requests": "9", "maximum-concurrent-requests": "8"},
    )
    permits = [gate.enter() for _ in range(8)]
    for permit in permits[:4]:
        assert permit is not None
        gate.leave(permit, rate)
    assert (gate.limit.limit, gate.limit.found) == (8, None)  # the in-flight limit is untouched
    assert gate.pace.refusals == 4
    for permit in permits[4:]:
        assert permit is not None
        gate.leave(permit, in_flight)
    assert gate.limit.found is not None
    assert gate.pace.refusals == 4  # the pace is untouched
    assert (gate.rate_limited, gate.concurrency_limited) == (8, 4)


def test_a_paced_gate_admits_through_the_slow_path() -> None:
    gate = BulkGate(16, None)
    gate.start()
    refused = _too_many("rate_limit_exceeded")
    for _ in range(11):  # eleven refusals in a row: more than chance
        permit = gate.enter()
        assert permit is not None
        gate.leave(permit, refused)
    assert gate.pace.rate is not None
    assert gate.enter() is None  # wait() paces it


def test_a_rate_429_with_the_concurrency_counts_is_still_a_rate_429() -> None:
    gate = BulkGate(16, None)
    counts = {"current-concurrent-requests": "3", "maximum-concurrent-requests": "16"}
    permit = gate.enter()
    assert permit is not None
    gate.leave(permit, _too_many("rate_limit_exceeded", counts))
    assert (gate.pace.refusals, gate.concurrency_limited, gate.limit.found) == (1, 0, None)
    permit = gate.enter()
    assert permit is not None
    gate.leave(permit, _too_many("", counts))  # no code: the counts say which
    assert (gate.pace.refusals, gate.concurrency_limited) == (1, 1)
