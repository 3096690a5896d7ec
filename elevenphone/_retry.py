"""When and how long to retry: the retry policy, on tenacity, the one retry loop.

Idempotent calls (GET, PATCH, DELETE) are retried after connection errors and
timeouts, and after replies 408, 409, 429 and >= 500. Calls that are not
(an outbound call, an import: the API has no idempotency key) are retried only
when the server certainly did not act: the connection could not be made, or a
429 refused the call up front. Never retried: 400, 401, 403, 404, 422, a
locally refused request, or cancellation. A 409 to a call that is not
idempotent is a refusal the server stated (the number is already imported):
not retried, and not a call the server may have acted on.

The first attempt runs without tenacity, so a call that succeeds pays nothing
for retrying; only after a retryable failure does tenacity take over, replaying
that failure as its own first attempt so that it counts, waits and logs every
retry by the same rules.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    ElevenPhoneError,
    RateLimitError,
)
from ._logs import logger

__all__ = ["BulkRunState", "RetryPolicy"]

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 409, 429})
"""Statuses below 500 after which an idempotent call is retried."""

UNKNOWN_OUTCOME_STATUSES = frozenset({408})
"""Statuses below 500 that do not say whether the server acted on a call
(a 409 or a 429 says it refused it)."""

OVERLOAD_PATIENCE = 3
"""With ``overload_is_free``, a call sends at most this many times
``max_retries + 1`` requests, however many of them a 429 refused."""


async def _sleep(seconds: float) -> None:
    # Looked up at call time, so tests can patch asyncio.sleep.
    await asyncio.sleep(seconds)


def _is_overload(error: BaseException | None) -> bool:
    """A 429 of either kind: too many requests in flight, or per second."""
    return isinstance(error, RateLimitError)


class BulkRunState(Protocol):
    """What a bulk run tells the retries of its requests."""

    def slot_pending(self) -> bool:
        """Whether the run's limit is full with requests of its own in flight,
        so that a retry refused for too many in flight waits for one to end."""

    def faults_are_rare(self) -> bool:
        """Whether few of the run's recent attempts failed (429s aside), so
        that a fault is one server's, not the API's."""


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How failed calls are retried. Each argument is the attribute of that name.

    Args:
        max_retries: retries after the first attempt (0 disables retrying).
        initial_delay: the first backoff delay, in seconds, before jitter.
        max_delay: the cap on a backoff delay, in seconds.
        jitter: the share of each backoff delay taken off at random
            (0.25 means a delay lies in ``[0.75 * d, d]``).
        max_retry_after: the longest server-requested wait (``retry-after-ms``
            or ``Retry-After``) that is honoured; a longer or negative one falls
            back to backoff.
        isolated_fault_delay: in a bulk run whose other requests mostly
            succeed, the first backoff delay after a 5xx, a timeout or a lost
            connection, in place of ``initial_delay``: one server's fault, not
            an overloaded API, so its retry need not hold up the run's end.
        sleep: the coroutine that waits between attempts.

    Raises:
        ValueError: ``max_retries`` < 0, a negative delay, or ``jitter``
            outside [0, 1].
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    isolated_fault_delay: float = 0.05
    sleep: Callable[[float], Awaitable[None]] = _sleep

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise ValueError("max_retries must be a non-negative int")
        if self.initial_delay < 0 or self.max_delay < 0 or self.isolated_fault_delay < 0:
            raise ValueError("initial_delay, max_delay and isolated_fault_delay must be >= 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def with_max_retries(self, max_retries: int) -> RetryPolicy:
        """A copy of this policy with another ``max_retries``.

        Args:
            max_retries: retries after the first attempt (0 disables retrying).
        """
        return dataclasses.replace(self, max_retries=max_retries)

    @staticmethod
    def is_retryable(error: BaseException, *, idempotent: bool = True) -> bool:
        """Whether a failed attempt may be retried.

        A call that is not ``idempotent`` is retried only when the server
        certainly did not act on it: the connection could not be made, or a
        429 refused it.

        Args:
            error: what the attempt raised.
            idempotent: whether sending the call twice is harmless (GET,
                PATCH, DELETE), unlike an outbound call or an import.
        """
        if not idempotent:
            if isinstance(error, APIConnectionError):
                return not error.request_sent
            return isinstance(error, RateLimitError)
        if isinstance(error, APIStatusError):
            return error.status_code in RETRYABLE_STATUSES or error.status_code >= 500
        return isinstance(error, APIConnectionError)

    @staticmethod
    def may_have_acted(error: BaseException) -> bool:
        """Whether the server may have acted on a call that failed with ``error``:
        a reply was lost or came too late (a timeout, a reset, a reply cut
        short), the reply (408, 5xx) does not say the call was refused, or a
        2xx reply could not be read (the server did act). A 409 or a 429, like
        a 4xx, says the server refused the call; a connection that could not
        be made never reached it.

        Args:
            error: what the call raised.
        """
        if isinstance(error, APIConnectionError):
            return error.request_sent
        if isinstance(error, APIStatusError):
            status = error.status_code
            return status >= 500 or status in UNKNOWN_OUTCOME_STATUSES
        return isinstance(error, APIResponseValidationError)

    def backoff(self, retry_number: int, *, isolated_fault: bool = False) -> float:
        """The backoff before retry ``retry_number`` (1 for the first retry):
        ``min(initial_delay * 2**(n-1), max_delay)``, less up to ``jitter`` of it.

        Args:
            retry_number: which retry this is, from 1.
            isolated_fault: start from ``isolated_fault_delay`` instead of
                ``initial_delay``.
        """
        initial = self.isolated_fault_delay if isolated_fault else self.initial_delay
        delay = min(initial * 2.0 ** (retry_number - 1), self.max_delay)
        return delay * (1.0 - self.jitter * random.random())

    def delay_for(
        self, error: BaseException, retry_number: int, *, isolated_fault: bool = False
    ) -> float:
        """The wait before retry ``retry_number`` after ``error``: what the
        server asked for when it said so within bounds, else :meth:`backoff`.

        Args:
            error: what the attempt before raised.
            retry_number: which retry this is, from 1.
            isolated_fault: ``error`` is a fault among requests that mostly
                succeed; see ``isolated_fault_delay``.
        """
        if isinstance(error, APIStatusError):
            asked = error.retry_after
            if asked is not None and 0 <= asked <= self.max_retry_after:
                return asked
        return self.backoff(retry_number, isolated_fault=isolated_fault)

    async def call(
        self,
        attempt: Callable[[], Awaitable[T]],
        *,
        description: str = "",
        idempotent: bool = True,
    ) -> T:
        """Run ``attempt`` and retry it by this policy.

        Args:
            attempt: sends the call once; called again for each retry.
            description: what the call is, for the log lines of its retries
                (``"PATCH /v1/convai/phone-numbers/..."``).
            idempotent: whether sending the call twice is harmless; see
                :meth:`is_retryable`.

        Raises:
            ElevenPhoneError: the typed error of the last attempt, once retries
                are exhausted or the error is not retryable (never tenacity's
                ``RetryError``).
            asyncio.CancelledError: at once, when the caller is cancelled.
        """
        try:
            return await attempt()
        except ElevenPhoneError as error:
            failure = error
        return await self.retry(failure, attempt, description=description, idempotent=idempotent)

    async def retry(
        self,
        error: ElevenPhoneError,
        attempt: Callable[[], Awaitable[T]],
        *,
        description: str = "",
        idempotent: bool = True,
        run: BulkRunState | None = None,
    ) -> T:
        """Go on from a first attempt that failed with ``error``: raise it when it
        may not be retried, else retry ``attempt`` as :meth:`call` does.

        In a bulk ``run`` (whose gate waits for a slot or paces the run), a
        429 does not spend ``max_retries``; the call still sends at most
        ``OVERLOAD_PATIENCE * (max_retries + 1)`` requests. When the run's
        ``slot_pending()`` says a request of its own is in flight to wait for,
        a 429 for too many in flight is retried without backoff (unless the
        server asked for a wait): the gate holds the retry until a slot frees.
        When its ``faults_are_rare()`` says most of its recent requests
        succeeded, a retry after any other failure backs off from
        ``isolated_fault_delay``.

        Args:
            error: what the first attempt raised.
            attempt: sends the call once; called for each retry.
            description: what the call is, for the log lines of its retries.
            idempotent: whether sending the call twice is harmless; see
                :meth:`is_retryable`.
            run: the bulk run the call belongs to (None: a single call).

        Raises:
            ElevenPhoneError: as for :meth:`call`.
        """

        def retryable(failure: BaseException) -> bool:
            return self.is_retryable(failure, idempotent=idempotent)

        overload_is_free = run is not None
        free = overload_is_free and _is_overload(error)
        if not retryable(error) or (self.max_retries == 0 and not free):
            raise error
        first_failure: ElevenPhoneError | None = error

        async def replay_then_attempt() -> T:
            nonlocal first_failure
            if first_failure is not None:
                failure, first_failure = first_failure, None
                raise failure
            return await attempt()

        budget = _Budget(self.max_retries, overload_is_free=overload_is_free)
        retrying = AsyncRetrying(
            stop=budget,
            wait=_PolicyWait(self, run),
            retry=retry_if_exception(retryable),
            before_sleep=_LogRetry(self, description, budget),
            sleep=self.sleep,
            reraise=True,
        )
        return await retrying(replay_then_attempt)


class _Budget(stop_base):
    """tenacity's stop: ``max_retries`` retries, where 429s may be free."""

    def __init__(self, max_retries: int, *, overload_is_free: bool) -> None:
        self._max_retries = max_retries
        self._overload_is_free = overload_is_free
        self._limit = OVERLOAD_PATIENCE * (max_retries + 1) if overload_is_free else max_retries + 1
        self.spent = 0
        self.last_was_free = False

    def __call__(self, retry_state: RetryCallState) -> bool:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        self.last_was_free = self._overload_is_free and _is_overload(error)
        if not self.last_was_free:
            self.spent += 1
        return self.spent > self._max_retries or retry_state.attempt_number >= self._limit


class _PolicyWait(wait_base):
    """tenacity's wait strategy, delegating to :meth:`RetryPolicy.delay_for`."""

    def __init__(self, policy: RetryPolicy, run: BulkRunState | None) -> None:
        self._policy = policy
        self._run = run

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        if error is None:
            return self._policy.backoff(retry_state.attempt_number)
        run = self._run
        if run is None:
            return self._policy.delay_for(error, retry_state.attempt_number)
        if isinstance(error, RateLimitError):
            if error.is_concurrency_limit and error.retry_after is None and run.slot_pending():
                # Too many in flight, and one of the run's own will end first:
                # the gate admits the retry then. A timer would only add a tail.
                return 0.0
            return self._policy.delay_for(error, retry_state.attempt_number)
        isolated = run.faults_are_rare()
        return self._policy.delay_for(error, retry_state.attempt_number, isolated_fault=isolated)


class _LogRetry:
    """Logs each retry at INFO, with its reason and delay (never a header); a
    free wait after a 429 (see ``overload_is_free``) at DEBUG."""

    def __init__(self, policy: RetryPolicy, description: str, budget: _Budget) -> None:
        self._policy = policy
        self._description = description
        self._budget = budget

    def __call__(self, retry_state: RetryCallState) -> None:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        delay = retry_state.next_action.sleep if retry_state.next_action else 0.0
        description = self._description or "request"
        if self._budget.last_was_free:
            if isinstance(error, RateLimitError) and not error.is_concurrency_limit:
                logger.debug("%s: too many requests per second; waiting %.2f s", description, delay)
            elif delay > 0:
                logger.debug(
                    "%s: too many requests in flight; waiting %.2f s for a slot", description, delay
                )
            else:
                logger.debug("%s: too many requests in flight; waiting for a slot", description)
            return
        logger.info(
            "retrying %s in %.2f s (retry %d of %d): %s",
            description,
            delay,
            self._budget.spent,
            self._policy.max_retries,
            error,
        )
