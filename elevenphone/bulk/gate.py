"""The gate of a bulk run: every attempt of every request passes it.

The client's one send path runs each attempt through :meth:`BulkGate.admit`
(its ``gate=`` hook), retries included, so there is one retry layer: the
client's, with the gate around each attempt. The gate holds

- an :class:`~elevenphone.bulk.adaptive.AdaptiveConcurrencyLimit`: a permit
  per request in flight, never more than the limit, which 429
  ``concurrent_limit_exceeded`` lowers and successes raise;
- with ``max_rate``, an :class:`aiolimiter.AsyncLimiter` (requests per second);

and counts what went through it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .._exceptions import RateLimitError
from .adaptive import AdaptiveConcurrencyLimit

if TYPE_CHECKING:
    from aiolimiter import AsyncLimiter

    from .._transport import HTTPReply

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

    async def admit(self, attempt: Callable[[], Awaitable[HTTPReply]]) -> HTTPReply:
        """Run one attempt once a permit (and a rate token) is free, and tell
        the limit how it went."""
        limit = self.limit
        permit = await limit.acquire()
        try:
            if self._rate is not None:
                await self._rate.acquire()
            self.requests += 1
            reply = await attempt()
        except RateLimitError as error:
            self.rate_limited += 1
            if signals_overload(error):
                limit.record_overload(permit, error.maximum_concurrent_requests)
            raise
        else:
            limit.record_success(permit)
            return reply
        finally:
            limit.release(permit)
