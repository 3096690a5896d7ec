"""How many requests a run keeps in flight, and how fast it sends them, adapting
to what the account allows.

:class:`AdaptiveConcurrencyLimit` is a semaphore whose size follows the
account's in-flight limit, which the caller does not know and which moves
when other clients of the account come and go:

- **Slow start.** A run starts with a small window (8, or less) and grows by
  half each round of requests, up to the caller's ``concurrency``: no
  opening burst at the full cap, and the round that crosses the account's
  limit overshoots it by at most half.
- **Overload.** A 429 ``concurrent_limit_exceeded`` says by how much the
  account is over: ``current-concurrent-requests`` (everyone's, other
  clients' too) minus ``maximum-concurrent-requests``. The run sets its limit
  to the requests it has in flight less that excess: its share, whatever the
  other clients hold. Without the headers it takes one below what it has in
  flight, then, should that not be enough, ``decrease_factor`` of it.
- **Hold and probe.** The run holds the level it found for a few rounds, then
  tries one more request in flight. A refused try doubles the wait before the
  next; a full round at the higher level means capacity came back: the run
  doubles per round back up to the highest level it held before, holds that,
  and grows by half per round beyond it. While the level found is below one
  the run has held before, capacity someone took may come back at any time,
  so the wait between tries stays short.

A round is as many successes as the limit: about one request time, counted,
never timed, so the behaviour is deterministic.

:class:`~elevenphone.bulk.pace.AdaptiveRate` (its own module) paces requests
per second.

Pure asyncio, no I/O: tested without a server.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import NamedTuple

__all__ = ["AdaptiveConcurrencyLimit", "Permit"]

INITIAL_WINDOW = 8
"""The limit a run starts from, unless its ``concurrency`` is lower."""

FIRST_PATIENCE = 16
"""Rounds a level found is held before the first probe above it (the
account's counts make the level found exact, so there is little to gain from
probing early)."""

SHORT_PATIENCE = 16
"""The most rounds between probes while below a level held before."""

LONG_PATIENCE = 64
"""The most rounds between probes at the highest level held."""

_NEVER = 1 << 62


class Permit(NamedTuple):
    """One admitted request. ``generation`` counts the limit's decreases before its
    admission.

    (A tuple: one is made per request of a bulk run.)
    """

    generation: int


class AdaptiveConcurrencyLimit:
    """A semaphore whose size follows the account's in-flight limit.

    Use::

        permit = await limit.acquire()
        try:
            ...                      # send one request
            limit.record_success(permit)   # or record_overload(permit, ...)
        finally:
            limit.release(permit)

    Report the outcome before releasing: an overload is read against the
    requests in flight with it. Waiters are admitted first in, first out.

    Args:
        maximum: the most requests ever admitted at once (the caller's
            ``concurrency``).
        initial: the starting limit (default: 8, or ``maximum`` if lower);
            below ``maximum``, it grows by half each round until the first
            overload.
        minimum: the limit never falls below this.
        decrease_factor: what a second overload in a row, without the
            server's counts, multiplies the limit by, in (0, 1).

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
        start = max(minimum, min(maximum, INITIAL_WINDOW)) if initial is None else initial
        if not minimum <= start <= maximum:
            raise ValueError(f"initial must be between {minimum} and {maximum}, not {start!r}")
        if not 0.0 < decrease_factor < 1.0:
            raise ValueError(f"decrease_factor must be in (0, 1), not {decrease_factor!r}")
        self._minimum = minimum
        self._ceiling = maximum
        self._limit = start
        self._decrease_factor = decrease_factor
        self._generation = 0
        self._in_flight = 0
        self._peak_in_flight = 0
        self._decreases = 0
        self._waiters: deque[asyncio.Future[int]] = deque()
        # Successes counted; at ``_due`` the limit takes its next step.
        self._successes = 0
        self._growing = start < maximum
        self._due = 2 if self._growing else _NEVER
        self._probing = False
        self._found: int | None = None
        # One compare per admission (in try_acquire): above the mark, a new
        # peak, or the first request at a probe's level.
        self._mark = 0
        self._probe_sent = False
        self._held = 0  # the highest level that went a full round without overload
        self._since = 0  # successes when the limit last changed
        self._decreased_at = -_NEVER  # successes at the last decrease
        self._patience = FIRST_PATIENCE

    @property
    def limit(self) -> int:
        """How many requests may be in flight now."""
        return self._limit

    @property
    def ceiling(self) -> int:
        """The highest the limit may grow to: ``maximum``."""
        return self._ceiling

    @property
    def found(self) -> int | None:
        """The in-flight limit the latest overload pointed to (None before the first)."""
        return self._found

    @property
    def in_flight(self) -> int:
        """Requests admitted and not yet released."""
        return self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """The most requests ever in flight at once."""
        return self._peak_in_flight

    @property
    def successes(self) -> int:
        """Successes recorded."""
        return self._successes

    @property
    def decreases(self) -> int:
        """How many times an overload lowered the limit (a burst of them once)."""
        return self._decreases

    def try_acquire(self) -> Permit | None:
        """Admit one request now if the limit allows it and no one waits; else None."""
        # Inlined (_take_slot): this runs for every request of a run.
        in_flight = self._in_flight
        if self._waiters or in_flight >= self._limit:
            return None
        self._in_flight = in_flight = in_flight + 1
        if in_flight > self._mark:
            self._marked(in_flight)
        return Permit(self._generation)

    async def acquire(self) -> Permit:
        """Wait until fewer than :attr:`limit` requests are in flight, then admit one.

        Raises:
            asyncio.CancelledError: the waiting task was cancelled (nothing is
                admitted then).
        """
        if not self._waiters and self._in_flight < self._limit:
            self._take_slot()
            return Permit(self._generation)
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

    def _take_slot(self) -> None:
        self._in_flight += 1
        if self._in_flight > self._mark:
            self._marked(self._in_flight)

    def _marked(self, in_flight: int) -> None:
        """More in flight than the mark: a new peak, or a probe's request sent."""
        if in_flight > self._peak_in_flight:
            self._peak_in_flight = in_flight
        if self._probing and in_flight >= self._limit:
            self._probe_sent = True
        self._mark = self._peak_in_flight

    def _wake(self) -> None:
        while self._waiters and self._in_flight < self._limit:
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

    def release_succeeded(self, permit: Permit) -> None:
        """:meth:`record_success`, then :meth:`release`, in one call (one per
        request of a bulk run).

        Args:
            permit: what :meth:`acquire` or :meth:`try_acquire` returned.

        Raises:
            RuntimeError: more releases than admissions.
        """
        self._successes = successes = self._successes + 1
        if successes >= self._due:
            self._step_up()
        if self._in_flight <= 0:
            raise RuntimeError("release() without a matching acquire()")
        self._in_flight -= 1
        if self._waiters:
            self._wake()

    def record_success(self, permit: Permit) -> None:
        """A request of ``permit`` succeeded: count it toward the next step up.

        Args:
            permit: the permit the request was admitted with.
        """
        self._successes = successes = self._successes + 1
        if successes >= self._due:
            self._step_up()

    def _step_up(self) -> None:
        successes = self._successes
        if self._probing:
            if not self._probe_sent:
                # Too few requests to reach the probe's level (the run's end,
                # a slow source): nothing was tried yet.
                self._due = successes + self._limit
                return
            # A full round one above the level found, never refused: capacity
            # came back. Grow again until the server refuses or the level
            # held before is reached.
            self._probing = False
            self._held = max(self._held, self._limit)
            self._found = self._limit
            self._growing = True
        if self._growing:
            self._limit = limit = self._limit + 1
            if limit >= self._ceiling:
                self._growing = False
                self._due = _NEVER
            elif limit == self._held:
                # Back at a level held before: hold it again, probe above it later.
                self._growing = False
                self._found = limit
                self._due = successes + self._patience * limit
            else:
                # Below a level held before: double per round (one per success).
                # Above: half as fast, so that the round which crosses the
                # account's limit sends at most half a window too many.
                self._due = successes + (1 if limit < self._held else 2)
        else:
            # The level found held for its patience: try one more.
            self._held = max(self._held, self._limit)
            if self._limit < self._ceiling:
                self._limit += 1
                self._probing = True
                self._probe_sent = False
                self._mark = min(self._mark, self._limit - 1)
                self._due = successes + self._limit
            else:
                self._due = _NEVER
        self._since = successes
        if self._waiters:
            self._wake()

    def record_overload(
        self,
        permit: Permit,
        server_maximum: int | None = None,
        server_current: int | None = None,
    ) -> None:
        """The server said too many requests were in flight (429
        ``concurrent_limit_exceeded``); call it before releasing ``permit``.

        ``server_maximum`` and ``server_current`` are its
        ``maximum-concurrent-requests`` and ``current-concurrent-requests``,
        when sent. The limit becomes the requests in flight less the excess
        they show (at least one less), never more than ``server_maximum``.

        Args:
            permit: the permit the refused request was admitted with.
            server_maximum: the server's ``maximum-concurrent-requests``, if sent.
            server_current: the server's ``current-concurrent-requests``, if sent.
        """
        in_flight = self._in_flight
        fresh = permit.generation == self._generation
        if server_maximum is not None and server_current is not None:
            estimate = in_flight - max(1, server_current - server_maximum)
        else:
            estimate = in_flight - 1
            if fresh and self._successes - self._decreased_at < self._limit:
                # Refused again within a round of the last decrease, and no
                # counts to say by how much: cut harder.
                estimate = min(estimate, int(self._limit * self._decrease_factor))
        if server_maximum is not None:
            estimate = min(estimate, server_maximum)
        estimate = max(self._minimum, min(estimate, self._ceiling))
        if fresh:
            if self._probing:
                # The probe was refused: wait longer before the next.
                cap = SHORT_PATIENCE if estimate < self._held else LONG_PATIENCE
                self._patience = min(2 * self._patience, cap)
            elif not self._growing:
                # Capacity fell. Someone may give it back: probe as often as
                # below any level held before.
                if self._successes - self._since >= self._limit:
                    self._held = max(self._held, self._limit)
                self._patience = min(self._patience, SHORT_PATIENCE)
        elif estimate >= self._limit:
            return  # the echo of an overload already acted on
        if estimate < self._limit:
            self._limit = estimate
            if fresh:  # the echoes of one burst tighten the same decrease
                self._generation += 1
                self._decreases += 1
                self._decreased_at = self._successes
        self._found = self._limit
        self._growing = self._probing = False
        self._since = self._successes
        self._due = self._successes + self._patience * self._limit

    def __repr__(self) -> str:
        return (
            f"AdaptiveConcurrencyLimit(limit={self._limit}, found={self._found}, "
            f"ceiling={self._ceiling}, in_flight={self._in_flight})"
        )
