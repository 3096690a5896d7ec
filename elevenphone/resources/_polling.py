"""Waiting for something to end: read it again every ``interval`` seconds
until its ``status`` is final, within a ``timeout``.

One loop serves ``conversations.poll`` and ``batch_calls.poll``, each
declared as a :class:`Poller`. It waits with
the client's :class:`RetryPolicy` ``sleep`` (as retries do) and counts time
by the event loop's clock, and never less than it has slept: a test whose
sleep returns at once still sees the timeout come, after the same reads.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .._base_client import BaseClient
from .._exceptions import InvalidRequestError, NotFoundError, PollTimeoutError, RateLimitError
from .._request import Decoder, build_request
from .._retry import RetryPolicy

__all__ = ["NOT_FOUND_GRACE", "Poller", "check_poll_times", "poll"]


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


S = TypeVar("S", bound=_HasStatus)

NOT_FOUND_GRACE = 60.0
"""The most seconds a poll that may meet a thing not written yet (a
conversation just after its call is placed) takes a 404 for "not yet",
within its timeout: an id that names nothing ends the poll then."""


def check_poll_times(interval: object, timeout: object) -> tuple[float, float | None]:
    """``interval`` and ``timeout`` as seconds.

    Raises:
        InvalidRequestError: ``interval`` is not a positive, finite number, or
            ``timeout`` not a finite number >= 0 or None; naming it.
    """
    seconds = _seconds(interval)
    if not 0 < seconds < math.inf:
        raise InvalidRequestError(
            f"interval must be a positive, finite number of seconds, not {interval!r}",
            field="interval",
        )
    if timeout is None:
        return seconds, None
    limit = _seconds(timeout)
    if not 0 <= limit < math.inf:
        raise InvalidRequestError(
            f"timeout must be a finite number of seconds >= 0 or None, not {timeout!r}",
            field="timeout",
        )
    return seconds, limit


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    try:
        return float(value)
    except OverflowError:  # an int beyond any float
        return math.inf


async def poll(
    read: Callable[[], Awaitable[S]],
    *,
    final: frozenset[str],
    what: str,
    interval: float,
    timeout: float | None,
    policy: RetryPolicy,
    not_found_grace: float = 0.0,
    clock: Callable[[], float] | None = None,
) -> S:
    """Read with ``read`` until the status is one of ``final``; return that read.

    Between reads it sleeps ``interval`` (the rest of the timeout, if less).
    A 429 that outlasted the request's own retries is waited out: the
    longer of ``interval`` and what the policy gives for it (the server's
    ``Retry-After`` when it says, else a growing backoff). A 404 before the
    first good read is "not written yet" for ``not_found_grace`` seconds
    (within the timeout), then raised. Cancelling the task that awaits it
    stops it at once.

    Args:
        read: sends one read (a GET, with the client's retries).
        final: the statuses that end the poll.
        what: what is read, for the timeout's message (``"conversation 'c_1'"``).
        interval: seconds between reads.
        timeout: seconds the poll may take in all (None: no limit; 0: one read).
        policy: whose ``sleep`` waits and whose ``delay_for`` says how long
            after a 429.
        not_found_grace: seconds a 404 is taken for "not written yet" (0: never).
        clock: seconds, from any start (the event loop's clock by default).

    Raises:
        PollTimeoutError: ``timeout`` ran out first; ``.last`` is the last read.
        NotFoundError: a 404 after a good read, or once the grace is over.
        APIStatusError, APIConnectionError, APIResponseValidationError: a read
            failed, after the request's own retries (a 429 aside).
    """
    now = clock or asyncio.get_running_loop().time
    start = now()
    deadline = math.inf if timeout is None else timeout
    grace = min(deadline, not_found_grace)
    slept = 0.0
    rate_limited = 0
    last: S | None = None
    while True:
        delay = interval
        try:
            value = await read()
        except NotFoundError:
            if last is not None or max(now() - start, slept) >= grace:
                raise
        except RateLimitError as error:
            rate_limited += 1
            delay = max(interval, policy.delay_for(error, rate_limited))
        else:
            if value.status in final:
                return value
            last, rate_limited = value, 0
        elapsed = max(now() - start, slept)
        if elapsed >= deadline:
            state = "was not read" if last is None else f"is still {str(last.status)!r}"
            raise PollTimeoutError(
                f"{what} {state} after {deadline:g} s", timeout=deadline, last=last
            )
        delay = min(delay, deadline - elapsed)
        await policy.sleep(delay)
        slept += delay


@dataclass(frozen=True, slots=True)
class Poller(Generic[S]):
    """What a resource's ``poll`` waits on: one thing read by its id, until
    its status is final.

    Attributes:
        path: the path of the thing, from its id (checking it).
        decode: reads the thing.
        final: the statuses that end the wait.
        what: what the thing is called, for the timeout's message.
        not_found_grace: seconds a 404 is taken for "not written yet" (0: never).
    """

    path: Callable[[str], str]
    decode: Decoder[S]
    final: frozenset[str]
    what: str
    not_found_grace: float = 0.0

    async def wait(self, client: BaseClient, id_: str, interval: object, timeout: object) -> S:
        """Read the thing ``id_`` names through ``client`` every ``interval``
        seconds until it is over (see :func:`poll`).

        Raises:
            InvalidRequestError: a bad interval, timeout or id (nothing is sent).
            Whatever :func:`poll` raises.
        """
        seconds, limit = check_poll_times(interval, timeout)
        request = build_request("GET", self.path(id_), self.decode)
        return await poll(
            lambda: client.send(request),
            final=self.final,
            what=f"{self.what} {id_!r}",
            interval=seconds,
            timeout=limit,
            policy=client.retry_policy,
            not_found_grace=self.not_found_grace,
        )
