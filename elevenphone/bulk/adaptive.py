"""An in-flight limit that adapts to what the server allows (AIMD).

Bulk runs start as wide as the caller asks, but an account may allow fewer
requests in flight. :class:`AdaptiveConcurrencyLimit` is a semaphore whose size
moves: each overload signal (a 429 ``concurrent_limit_exceeded``) multiplies it
by ``decrease_factor``, and each success adds ``1 / limit``, about one per round
of a full window. A ``maximum-concurrent-requests`` value the server reports
also caps the limit for the rest of the run. A run that starts too wide so
settles at what the account allows instead of hammering it.

One burst of overload usually answers many requests at once; they all report
the same overload. So a decrease happens at most once per *generation*: a
signal from a request that was admitted before the last decrease is ignored.

Pure asyncio, no I/O: tested without a server.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import NamedTuple

__all__ = ["AdaptiveConcurrencyLimit", "Permit"]


class Permit(NamedTuple):
    """One admitted request. ``generation`` is the limit's generation at admission.

    (A tuple: one is made per request of a bulk run.)
    """

    generation: int


class AdaptiveConcurrencyLimit:
    """A semaphore of adaptive size between ``minimum`` and ``maximum``.

    Use::

        permit = await limit.acquire()
        try:
            ...                      # send one request
            limit.record_success(permit)   # or record_overload(permit, ...)
        finally:
            limit.release(permit)

    Waiters are admitted first in, first out.

    Args:
        maximum: the most requests ever admitted at once (the caller's
            ``concurrency``); also the starting limit unless ``initial`` is given.
        initial: the starting limit.
        minimum: the limit never falls below this.
        decrease_factor: what an overload multiplies the limit by, in (0, 1).

    Raises:
        ValueError: a bound below 1, ``minimum > maximum``, ``initial`` outside
            the bounds, or ``decrease_factor`` outside (0, 1).
    """

    def __init__(
        self,
        maximum: int,
        *,
        initial: int | None = None,
        minimum: int = 1,
        decrease_factor: float = 0.5,
    ) -> None:
        if isinstance(maximum, bool) or not isinstance(maximum, int) or maximum < 1:
            raise ValueError(f"maximum must be an int >= 1, not {maximum!r}")
        if not 1 <= minimum <= maximum:
            raise ValueError(f"minimum must be between 1 and {maximum}, not {minimum!r}")
        start = maximum if initial is None else initial
        if not minimum <= start <= maximum:
            raise ValueError(f"initial must be between {minimum} and {maximum}, not {start!r}")
        if not 0.0 < decrease_factor < 1.0:
            raise ValueError(f"decrease_factor must be in (0, 1), not {decrease_factor!r}")
        self._minimum = minimum
        self._ceiling = maximum
        self._limit = float(start)
        self._decrease_factor = decrease_factor
        self._generation = 0
        self._in_flight = 0
        self._peak_in_flight = 0
        self._decreases = 0
        self._waiters: deque[asyncio.Future[int]] = deque()

    @property
    def limit(self) -> int:
        """How many requests may be in flight now."""
        return max(self._minimum, int(self._limit))

    @property
    def ceiling(self) -> int:
        """The highest the limit may grow to: ``maximum``, or less once the
        server reported its own maximum."""
        return self._ceiling

    @property
    def in_flight(self) -> int:
        """Requests admitted and not yet released."""
        return self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """The most requests ever in flight at once."""
        return self._peak_in_flight

    @property
    def decreases(self) -> int:
        """How many times an overload lowered the limit."""
        return self._decreases

    def try_acquire(self) -> Permit | None:
        """Admit one request now if the limit allows it and no one waits; else None."""
        # Inlined (limit, _admit, _take_slot): this runs for every request of a run.
        in_flight = self._in_flight
        if self._waiters or in_flight >= max(self._minimum, int(self._limit)):
            return None
        self._in_flight = in_flight = in_flight + 1
        if in_flight > self._peak_in_flight:
            self._peak_in_flight = in_flight
        return Permit(self._generation)

    async def acquire(self) -> Permit:
        """Wait until fewer than :attr:`limit` requests are in flight, then admit one.

        Raises:
            asyncio.CancelledError: the waiting task was cancelled (nothing is
                admitted then).
        """
        if not self._waiters and self._in_flight < self.limit:
            return self._admit()
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            generation = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Admitted just as the wait was cancelled: hand the slot on.
                self._in_flight -= 1
                self._wake()
            else:
                self._waiters.remove(waiter)
            raise
        return Permit(generation)

    def _admit(self) -> Permit:
        self._take_slot()
        return Permit(self._generation)

    def _take_slot(self) -> None:
        self._in_flight += 1
        self._peak_in_flight = max(self._peak_in_flight, self._in_flight)

    def _wake(self) -> None:
        while self._waiters and self._in_flight < self.limit:
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self._take_slot()
            waiter.set_result(self._generation)

    def release(self, permit: Permit) -> None:
        """Give back the slot of ``permit``, admitting the next waiter if the limit allows.

        Args:
            permit: what :meth:`acquire` or :meth:`try_acquire` returned.

        Raises:
            RuntimeError: more releases than admissions.
        """
        if self._in_flight <= 0:
            raise RuntimeError("release() without a matching acquire()")
        self._in_flight -= 1
        if self._waiters:
            self._wake()

    def record_success(self, permit: Permit) -> None:
        """A request of ``permit`` succeeded: raise the limit by ``1 / limit``.

        Args:
            permit: the permit the request was admitted with.
        """
        self._limit = min(float(self._ceiling), self._limit + 1.0 / max(self._limit, 1.0))
        if self._waiters:
            self._wake()

    def record_overload(self, permit: Permit, server_maximum: int | None = None) -> None:
        """The server said too many requests were in flight.

        Lowers the limit by ``decrease_factor``, unless it was already lowered
        after ``permit`` was admitted.

        Args:
            permit: the permit the refused request was admitted with.
            server_maximum: the server's ``maximum-concurrent-requests``, if
                it sent one: it caps the limit from now on.
        """
        if permit.generation == self._generation:
            self._generation += 1
            self._decreases += 1
            self._limit = max(float(self._minimum), self._limit * self._decrease_factor)
        if server_maximum is not None and server_maximum >= 1:
            self._ceiling = max(self._minimum, min(self._ceiling, server_maximum))
            self._limit = min(self._limit, float(self._ceiling))

    def __repr__(self) -> str:
        return (
            f"AdaptiveConcurrencyLimit(limit={self.limit}, ceiling={self._ceiling}, "
            f"in_flight={self._in_flight})"
        )
