"""The gate of a bulk run: every attempt of every request passes it.

The client's one send path calls the gate's hooks around each attempt
(:meth:`BulkGate.enter` or :meth:`BulkGate.wait` before, :meth:`BulkGate.leave`
after), retries included, so there is one retry layer, the client's, and no
coroutine wraps it. The gate holds

- an :class:`~elevenphone.bulk.adaptive.AdaptiveConcurrencyLimit`: a permit
  per request in flight, never more than the limit, which follows what 429
  ``concurrent_limit_exceeded`` says the account allows;
- an :class:`~elevenphone.bulk.pace.AdaptiveRate`, which paces requests
  once 429 ``rate_limit_exceeded`` says they come too fast;
- with ``max_rate``, an :class:`aiolimiter.AsyncLimiter` (requests per second);

and counts what went through it. A 429 is one or the other, never both: a
concurrency 429 leaves the pace alone, a rate 429 the in-flight limit. Other
retryable failures (5xx, timeouts, lost connections) are remembered over
the run's last few dozen attempts: while they stay rare, a retry after one
backs off briefly (:attr:`RetryPolicy.isolated_fault_delay
<elevenphone.RetryPolicy.isolated_fault_delay>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exceptions import ElevenPhoneError, RateLimitError
from .._retry import RetryPolicy
from .adaptive import AdaptiveConcurrencyLimit, Permit
from .pace import AdaptiveRate

if TYPE_CHECKING:
    from aiolimiter import AsyncLimiter

__all__ = ["FAULT_MEMORY", "ISOLATED_FAULT_SHARE", "BulkGate"]

FAULT_MEMORY = 32
"""About how many of the run's latest attempts the fault share is taken over:
each attempt since a fault weighs ``1 - 1/FAULT_MEMORY`` times less."""

ISOLATED_FAULT_SHARE = 0.2
"""Faults are rare while at most this share of the recent attempts failed
(and the run has made ``FAULT_MEMORY`` attempts)."""

_FAULT_DECAY = 1.0 - 1.0 / FAULT_MEMORY


def _rate_limiter(max_rate: float | None) -> AsyncLimiter | None:
    if max_rate is None:
        return None
    # Imported only when a rate is set: aiolimiter imports importlib.metadata,
    # which would cost every ``import elevenphone`` several milliseconds.
    from aiolimiter import AsyncLimiter

    if max_rate >= 1:
        return AsyncLimiter(max_rate, 1.0)
    # AsyncLimiter cannot hold less than one request: one per 1/rate seconds instead.
    return AsyncLimiter(1, 1.0 / max_rate)


class BulkGate:
    """Admits the attempts of a run's requests: a permit, a rate token, counts.

    Args:
        concurrency: the most requests in flight (the limit's ceiling).
        max_rate: the most requests per second (None: no cap).

    Attributes:
        limit: the adaptive in-flight limit.
        pace: the adaptive rate.
        requests: attempts admitted.
        rate_limited: 429 replies, of either kind.
        concurrency_limited: of those, 429s for too many requests in flight.
    """

    def __init__(self, concurrency: int, max_rate: float | None) -> None:
        self.limit = AdaptiveConcurrencyLimit(concurrency)
        self.pace = AdaptiveRate()
        self._rate = _rate_limiter(max_rate)
        # Whether an attempt may skip the rate checks (the common case).
        self._unpaced = self._rate is None
        self.requests = 0
        self.rate_limited = 0
        self.concurrency_limited = 0
        # The recent faults, each weighing _FAULT_DECAY less per attempt
        # since: their sum as of attempt number _faults_as_of.
        self._recent_faults = 0.0
        self._faults_as_of = 0

    def start(self) -> None:
        """The run starts now: the pace measures from here."""
        self.pace.start(self.limit.successes)

    def enter(self) -> Permit | None:
        """A permit if one is free now (and nothing paces the run), else None."""
        if self._unpaced:
            permit = self.limit.try_acquire()
            if permit is not None:
                self.requests += 1
                return permit
        return None

    async def wait(self) -> Permit:
        """Wait for the pace, then for a permit, then for a rate token.

        The pace comes first, so that the requests in flight, against which
        the account's counts are read, are only those sent.
        """
        pace = self.pace
        if pace.rate is not None:
            limit = self.limit
            await pace.wait(lambda: limit.successes)
            self._unpaced = self._rate is None and pace.rate is None
        permit = await self.limit.acquire()
        if self._rate is not None:
            try:
                await self._rate.acquire()
            except BaseException:
                self.limit.release(permit)
                raise
        self.requests += 1
        return permit

    def leave(self, permit: Permit, error: BaseException | None) -> None:
        """Give ``permit`` back, telling the limit or the pace how its attempt went."""
        limit = self.limit
        if error is None:
            limit.release_succeeded(permit)
            return
        if isinstance(error, RateLimitError):
            self.rate_limited += 1
            if error.is_concurrency_limit:
                self.concurrency_limited += 1
                limit.record_overload(
                    permit, error.maximum_concurrent_requests, error.current_concurrent_requests
                )
            else:
                pace = self.pace
                pace.record_refusal(limit.successes, limit.in_flight)
                self._unpaced = self._rate is None and pace.rate is None
        elif isinstance(error, ElevenPhoneError) and RetryPolicy.is_retryable(error):
            self._recent_faults = self._faults_now() + 1.0
            self._faults_as_of = self.requests
        limit.release(permit)

    def _faults_now(self) -> float:
        return self._recent_faults * _FAULT_DECAY ** (self.requests - self._faults_as_of)

    def faults_are_rare(self) -> bool:
        """Whether few of the run's recent attempts failed with a 5xx, a
        timeout or a lost connection (429s aside): a retry after one such
        fault then backs off briefly, since the API as a whole is answering."""
        return (
            self.requests >= FAULT_MEMORY
            and self._faults_now() <= ISOLATED_FAULT_SHARE * FAULT_MEMORY
        )

    def slot_pending(self) -> bool:
        """Whether the limit is full with requests of the run in flight: a retry
        refused for too many in flight then waits for one of them to end."""
        limit = self.limit
        in_flight = limit.in_flight
        return in_flight > 0 and in_flight >= limit.limit
