"""The gate of a bulk run: every attempt of every request passes it.

The client's one send path calls the gate's hooks around each attempt
(:meth:`BulkGate.enter` or :meth:`BulkGate.wait` before, :meth:`BulkGate.leave`
after), retries included, so there is one retry layer, the client's, and no
coroutine wraps it. The gate holds

- an :class:`~elevenphone.bulk.adaptive.AdaptiveConcurrencyLimit`: a permit
  per request in flight, never more than the limit, which 429
  ``concurrent_limit_exceeded`` lowers and successes raise;
- with ``max_rate``, an :class:`aiolimiter.AsyncLimiter` (requests per second);

and counts what went through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exceptions import RateLimitError
from .adaptive import AdaptiveConcurrencyLimit, Permit

if TYPE_CHECKING:
    from aiolimiter import AsyncLimiter

__all__ = ["BulkGate", "check_options", "signals_overload"]


def check_options(concurrency: int, max_rate: float | None) -> None:
    """Refuse a concurrency or rate a run cannot use.

    Raises:
        ValueError: ``concurrency`` is not an int >= 1, or ``max_rate`` not
            a positive number or None.
    """
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be an int >= 1, not {concurrency!r}")
    if max_rate is not None and (isinstance(max_rate, bool) or not max_rate > 0):
        raise ValueError(f"max_rate must be a positive number or None, not {max_rate!r}")


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


def signals_overload(error: RateLimitError) -> bool:
    """Whether a 429 says too many requests are in flight (not too many per second)."""
    return error.is_concurrency_limit or error.maximum_concurrent_requests is not None


class BulkGate:
    """Admits the attempts of a run's requests: a permit, a rate token, counts.

    Args:
        concurrency: the most requests in flight (the limit's ceiling).
        max_rate: the most requests per second (None: no cap).
    """

    def __init__(self, concurrency: int, max_rate: float | None) -> None:
        check_options(concurrency, max_rate)
        self.limit = AdaptiveConcurrencyLimit(concurrency)
        self._rate = _rate_limiter(max_rate)
        self.requests = 0
        self.rate_limited = 0

    def enter(self) -> Permit | None:
        """A permit if one is free now (and no rate is set), else None."""
        if self._rate is None:
            permit = self.limit.try_acquire()
            if permit is not None:
                self.requests += 1
                return permit
        return None

    async def wait(self) -> Permit:
        """Wait for a permit, then for a rate token."""
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
        """Give ``permit`` back, telling the limit how its attempt went."""
        limit = self.limit
        if error is None:
            limit.record_success(permit)
        elif isinstance(error, RateLimitError):
            self.rate_limited += 1
            if signals_overload(error):
                limit.record_overload(permit, error.maximum_concurrent_requests)
        limit.release(permit)
