"""The account's limits: requests in flight, other clients, requests per second; latency.

Pure: the server passes in how many requests it has received, how many are in
flight and the event loop's clock, and gets back the 429 to send, if any.
Each limit is a value or a *schedule* keyed by the number of requests received
before this one, ``[(0, 16), (300, 4), (600, 16)]``: requests 1-300 see 16,
301-600 see 4, later ones 16 again. Before a schedule's first entry there is no
limit (no other clients). Keyed by requests, not time, so tests need no timing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._responses import ApiResponse, concurrency_limited, rate_limited

T = TypeVar("T", int, float)

#: A value, ``None`` (no limit), or a schedule of ``(requests received, value)``.
Setting = int | float | None | Sequence[tuple[int, int | float | None]]
#: Seconds added to each request, or ``(low, high)`` for a seeded uniform draw.
Latency = float | tuple[float, float]


def draw_latency(latency: Latency, rng: random.Random) -> float:
    """The seconds to add to a request: ``latency``, or a draw between ``(low, high)``."""
    if isinstance(latency, tuple):
        low, high = latency
        return rng.uniform(low, high)
    return float(latency)


@dataclass(frozen=True)
class Schedule(Generic[T]):
    """Values that change with the number of requests received."""

    steps: tuple[tuple[int, T | None], ...]

    def at(self, received: int) -> T | None:
        """The value for a request that arrives after ``received`` others."""
        value: T | None = None
        for start, step in self.steps:
            if start > received:
                break
            value = step
        return value


def schedule(
    setting: Setting, name: str, kind: type[T], *, minimum: T, allow_none: bool = True
) -> Schedule[T]:
    """Check ``setting`` and return it as a :class:`Schedule` (a value is ``[(0, value)]``).

    Raises ``ValueError`` for a value below ``minimum``, a ``None`` where not
    allowed, or schedule steps that do not start at increasing request counts
    from 0 up; ``TypeError`` for a value that is not a number.
    """
    if setting is None or isinstance(setting, (int, float)):
        steps: Sequence[Any] = [(0, setting)]
    elif isinstance(setting, Sequence) and not isinstance(setting, str):
        steps = setting
        if not steps:
            raise ValueError(f"{name}: a schedule needs at least one (requests, value) step")
    else:
        raise TypeError(f"{name} must be a number, None or a schedule, got {setting!r}")
    checked: list[tuple[int, T | None]] = []
    previous = -1
    for step in steps:
        if not isinstance(step, Sequence) or isinstance(step, str) or len(step) != 2:
            raise ValueError(f"{name}: each step is a (requests received, value) pair")
        start, value = step
        if isinstance(start, bool) or not isinstance(start, int) or start <= previous:
            raise ValueError(f"{name}: steps must start at increasing request counts >= 0")
        previous = start
        checked.append((start, _value(value, name, kind, minimum, allow_none)))
    return Schedule(tuple(checked))


def _value(value: object, name: str, kind: type[T], minimum: T, allow_none: bool) -> T | None:
    if value is None:
        if not allow_none:
            raise ValueError(f"{name} must be a number, not None")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number or None, got {value!r}")
    if kind is int and not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}{' or None' if allow_none else ''}")
    return kind(value)


class TokenBucket:
    """A token bucket over a caller-given clock: ``rate`` tokens a second, ``burst`` at most.

    It starts full, and starts full again after the limit was lifted. A change
    of rate applies from the moment it is seen.
    """

    def __init__(self) -> None:
        self._tokens = 0.0
        self._stamp: float | None = None

    def reset(self) -> None:
        """Forget the past: the next :meth:`take` finds the bucket full."""
        self._stamp = None

    def take(self, now: float, rate: float, burst: int) -> float | None:
        """Take one token at time ``now``; return ``None``, or the seconds until one is there."""
        if self._stamp is None:
            tokens = float(burst)
        else:
            tokens = min(float(burst), self._tokens + max(0.0, now - self._stamp) * rate)
        self._stamp = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return None
        self._tokens = tokens
        return (1.0 - tokens) / rate


@dataclass(frozen=True)
class InForce:
    """The limits that applied to one request."""

    concurrency_limit: int | None
    other_clients_in_flight: int
    rate_limit: float | None
    rate_limit_burst: int | None


class AccountLimits:
    """Decides whether the account takes one more request.

    The concurrency limit is checked first: the requests in flight, this one
    included, plus ``other_clients_in_flight`` may not exceed it (429
    ``concurrent_limit_exceeded``, whose ``current-concurrent-requests`` counts
    the other clients too). Then the rate limit takes a token (429
    ``rate_limit_exceeded``, with ``Retry-After`` in whole seconds when
    ``retry_after``). A request refused by either takes no token.
    """

    def __init__(self) -> None:
        self.concurrency_limit: Schedule[int] = schedule(None, "concurrency_limit", int, minimum=1)
        self.other_clients_in_flight: Schedule[int] = schedule(
            0, "other_clients_in_flight", int, minimum=0, allow_none=False
        )
        self.rate_limit: Schedule[float] = schedule(None, "rate_limit", float, minimum=0.001)
        self.rate_limit_burst: int | None = None
        self.retry_after = False
        self._bucket = TokenBucket()

    def in_force(self, received: int) -> InForce:
        """The limits for a request that arrives after ``received`` others."""
        rate = self.rate_limit.at(received)
        burst = None
        if rate is not None:
            burst = self.rate_limit_burst or max(1, math.floor(rate))
        return InForce(
            concurrency_limit=self.concurrency_limit.at(received),
            other_clients_in_flight=self.other_clients_in_flight.at(received) or 0,
            rate_limit=rate,
            rate_limit_burst=burst,
        )

    def admit(self, limits: InForce, in_flight: int, now: float) -> ApiResponse | None:
        """Return the 429 for a request under ``limits``, or ``None`` to let it through.

        ``in_flight`` counts this client's requests, this one included; ``now``
        is the clock the rate limit runs on (seconds).
        """
        current = in_flight + limits.other_clients_in_flight
        if limits.concurrency_limit is not None and current > limits.concurrency_limit:
            return concurrency_limited(current, limits.concurrency_limit)
        if limits.rate_limit is None or limits.rate_limit_burst is None:
            self._bucket.reset()
            return None
        wait = self._bucket.take(now, limits.rate_limit, limits.rate_limit_burst)
        if wait is None:
            return None
        return rate_limited(max(1, math.ceil(wait)) if self.retry_after else None)
