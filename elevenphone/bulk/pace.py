"""The pace of a bulk run: requests per second, adapting to what the account
allows.

:class:`AdaptiveRate` paces requests once the account says 429
``rate_limit_exceeded`` more often than by chance: at the rate the server
accepted, then a little faster after each quiet window, until pacing no longer
binds. Pure asyncio, no I/O: tested on a synthetic clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["AdaptiveRate"]


class AdaptiveRate:
    """Paces requests per second after 429 ``rate_limit_exceeded``.

    Not pacing at first (:attr:`rate` is None). Replies are counted in windows
    of ``window`` successes; when more than ``threshold`` of a window's replies
    were refused for the rate, the server is taken to limit it: the pace
    becomes ``backoff`` times the rate of successes since it last changed (or
    since the start), and at least ``backoff`` times lower, at most half. The
    refusals of requests that were in flight when the pace changed are not
    held against it. A window without that many refusals raises the pace by
    ``increase``, and each such window in a row doubles the step (at most
    doubling the pace); once the pace is twice the rate of successes, pacing
    stops. A random refusal now and then, which no pace would avoid, so slows
    nothing much; random refusals of more than ``threshold`` of all replies
    cannot be told from a rate limit.

    The gate passes the run's successes so far and its requests in flight:
    nothing runs per request until pacing starts.

    Args:
        window: successes per window.
        threshold: the share of a window's replies refused that means "too fast".
        backoff: what the rate of successes is multiplied by when pacing
            starts or tightens, in (0, 1).
        increase: what the first quiet window multiplies the pace by, > 1.
        clock: seconds, monotonic (default :func:`time.monotonic`).
    """

    def __init__(
        self,
        *,
        window: int = 200,
        threshold: float = 0.05,
        backoff: float = 0.95,
        increase: float = 1.02,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate: float | None = None
        """Requests per second now (None: not pacing)."""
        self.refusals = 0
        """429 ``rate_limit_exceeded`` replies counted."""
        self._window = window
        self._threshold = threshold
        self._backoff = backoff
        self._increase = increase
        self._clock = clock
        self._next = 0.0  # when the next request may go
        self._turn = asyncio.Lock()
        # The window of the decision: successes and refusals since its start.
        self._window_successes = self._window_refusals = 0
        # The last change of pace: successes and time then, and the replies
        # (successes and refusals) by which requests sent before it are answered.
        self._changed_successes = 0
        self._changed_at = clock()
        self._settled_at = 0
        self._quiet = 0  # windows in a row without too many refusals

    def start(self, successes: int = 0) -> None:
        """Count from now (a run calls it as it starts)."""
        self._window_successes = self._changed_successes = successes
        self._window_refusals = self.refusals
        self._changed_at = self._clock()

    def record_refusal(self, successes: int, in_flight: int) -> None:
        """A request was refused for the rate; the run has had ``successes`` so
        far and has ``in_flight`` requests in flight, this one included."""
        self.refusals += 1
        if successes + self.refusals <= self._settled_at:
            self._window_refusals += 1  # sent before the pace changed: not its fault
            return
        succeeded = successes - self._window_successes
        refused = self.refusals - self._window_refusals
        if refused <= self._threshold * max(succeeded + refused, self._window):
            if succeeded >= self._window:  # a window of chance refusals: start another
                self._window_successes, self._window_refusals = successes, self.refusals
            return
        now = self._clock()
        elapsed = now - self._changed_at
        accepted = (successes - self._changed_successes) / elapsed if elapsed > 0 else 0.0
        rate = self._backoff * accepted
        if self.rate is not None:
            rate = min(max(rate, 0.5 * self.rate), self._backoff * self.rate)
        rate = max(0.1, rate)
        self._quiet = 0
        self._change(rate, successes, now)
        self._settled_at = successes + self.refusals + in_flight - 1
        self._next = now + 1.0 / rate  # the server's bucket is empty now

    def _change(self, rate: float | None, successes: int, now: float) -> None:
        self.rate = rate
        self._window_successes, self._window_refusals = successes, self.refusals
        self._changed_successes, self._changed_at = successes, now

    def delay(self, successes: int) -> float:
        """Take the next slot of the pace; return the seconds to wait for it."""
        rate = self.rate
        if rate is None:
            return 0.0
        now = self._clock()
        if (
            successes - self._window_successes >= self._window
            and successes + self.refusals > self._settled_at
        ):
            elapsed = now - self._changed_at
            succeeded = successes - self._changed_successes
            if elapsed > 0 and rate >= 2.0 * succeeded / elapsed:
                self._change(None, successes, now)  # the pace no longer binds
                return 0.0
            # Quiet windows in a row raise the pace ever faster (2%, 4%, 8%,
            # ... at most double): gently near the limit, fast once it is lifted.
            rate *= min(2.0, 1.0 + (self._increase - 1.0) * 2**self._quiet)
            self._quiet += 1
            self._change(rate, successes, now)
        slot = max(now, self._next)
        self._next = slot + 1.0 / rate
        return slot - now

    async def wait(self, successes: Callable[[], int]) -> None:
        """Wait for the next slot of the pace (at once when not pacing).

        One waiter at a time takes a slot, at the pace in force when its turn
        comes: a change of pace applies to every request not yet sent.
        ``successes()`` says how many the run has had so far.
        """
        async with self._turn:
            delay = self.delay(successes())
            if delay > 0:
                await asyncio.sleep(delay)
