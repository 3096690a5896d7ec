"""Bulk updates: many phone numbers, bounded, rate-aware, resumable and undoable.

A run pulls ``(phone_number_id, UpdatePhoneNumberRequest)`` items lazily and
keeps a window of at most ``2 * concurrency`` items started; each finished item
frees a place for the next one, so memory does not grow with the input.

Every request of a run, retries included, passes two gates:

- an :class:`~elevenphone._adaptive_limit.AdaptiveConcurrencyLimit` (never more
  than ``concurrency`` in flight; lowered by 429 ``concurrent_limit_exceeded``,
  raised again by successes);
- with ``max_rate``, an :class:`aiolimiter.AsyncLimiter` (requests per second).

Retries follow the client's :class:`~elevenphone.RetryPolicy` (what is
retried, the waits, ``max_retries``), but the run sends one request at a time
in its own loop, so that the limit sees every 429 and every retry waits for a
slot again. A concurrency 429 means "wait for a slot", not "failed": per call,
at most ``max_retries + 1`` requests may fail for other reasons, and at most
``3 * (max_retries + 1)`` requests are sent in all (9 at the default 2), so a
permanent storm of concurrency 429s ends too. Retries are logged as the
client logs them, with the method and path.

Failures of one item (422, 404, 400, retries exhausted) are recorded and the
run goes on, unless ``stop_on_error``. A refused key (401, 403) ends the run:
it would fail every item.

With a journal (see :mod:`elevenphone._journal`), the state of each number is
recorded before its update is sent and after it succeeds; a run of the same
job with the same journal skips the numbers already done with the same
request, and :func:`undo` puts numbers back. The journal is opened (locked,
checked against the job) before anything is sent.

Cancellation (Ctrl-C, a cancelled task, leaving ``async with`` early) cancels
the requests in flight, waits for them to end, and closes the journal: no task
outlives the run and no record is torn.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from array import array
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from msgspec import UNSET, UnsetType

from ._adaptive_limit import AdaptiveConcurrencyLimit
from ._bulk_result import BulkOutcome, BulkProgress, BulkResult
from ._exceptions import (
    AuthenticationError,
    ElevenPhoneError,
    InvalidRequestError,
    JournalError,
    PermissionDeniedError,
    RateLimitError,
)
from ._journal import Journal, JournalJob, PhoneNumberState
from ._models import PhoneNumber, UpdatePhoneNumberRequest
from ._retry import logger
from ._wire import encode_update_request, phone_number_path

if TYPE_CHECKING:
    from aiolimiter import AsyncLimiter

    from ._client import ElevenPhone

__all__ = [
    "BulkRun",
    "JournalArg",
    "ProgressCallback",
    "Updates",
    "reassign_agent",
    "undo",
]

T = TypeVar("T")

Updates = (
    Mapping[str, UpdatePhoneNumberRequest]
    | Iterable[tuple[str, UpdatePhoneNumberRequest]]
    | AsyncIterable[tuple[str, UpdatePhoneNumberRequest]]
)
"""What a bulk update takes: a mapping, or a sync or async iterable of pairs."""

ProgressCallback = Callable[[BulkProgress], object]
"""Called with a :class:`BulkProgress` after each item finishes."""

JournalArg = str | os.PathLike[str] | Journal | None
"""A journal: a path, a :class:`Journal`, or None for none."""

# Requests per call, as a multiple of the attempts max_retries allows: a
# concurrency 429 waits for a slot without spending a retry, but within this.
_REQUESTS_PER_ATTEMPT = 3
_FATAL_ERRORS = (AuthenticationError, PermissionDeniedError)
_BULK_UPDATE = JournalJob(operation="bulk_update")


class _Item(NamedTuple):
    phone_number_id: str
    request: UpdatePhoneNumberRequest
    before: PhoneNumberState | None  # known from a list snapshot, else fetched


class _Tally:
    """Requests sent for one item."""

    __slots__ = ("requests",)

    def __init__(self) -> None:
        self.requests = 0


def _signals_overload(error: RateLimitError) -> bool:
    return error.is_concurrency_limit or error.maximum_concurrent_requests is not None


def _check_options(concurrency: int, max_rate: float | None) -> None:
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


def _as_item(pair: object) -> _Item:
    if isinstance(pair, _Item):
        return pair
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise TypeError(
            f"each update must be a (phone_number_id, UpdatePhoneNumberRequest) pair, not {pair!r}"
        )
    phone_number_id, request = pair
    if not isinstance(phone_number_id, str):
        raise TypeError(f"phone_number_id must be a str, not {type(phone_number_id).__name__}")
    if not isinstance(request, UpdatePhoneNumberRequest):
        raise TypeError(
            f"the update of {phone_number_id!r} must be an UpdatePhoneNumberRequest,"
            f" not {type(request).__name__}"
        )
    return _Item(phone_number_id, request, None)


def _check_locally(item: _Item) -> tuple[str, bytes]:
    """Refuse what the API would refuse, before anything is sent for the item;
    return its path and its encoded request."""
    try:
        path = phone_number_path(item.phone_number_id)
    except InvalidRequestError:
        raise
    except ValueError as error:
        raise InvalidRequestError(str(error), field="phone_number_id") from None
    return path, encode_update_request(item.request)


@contextlib.contextmanager
def _opened_journal(
    arg: JournalArg, job: JournalJob | None, *, create: bool = True
) -> Iterator[Journal | None]:
    """The journal of a run, open (and serving ``job``) for the length of the block.

    A journal opened here is closed at the end; one the caller opened stays
    open. Leaving by an exception, a failure to close is not raised over it.
    """
    if arg is None:
        yield None
        return
    journal = arg if isinstance(arg, Journal) else Journal(arg)
    opened_here = not journal.is_open
    if opened_here:
        journal.open(create=create)
    try:
        if job is not None:
            journal.serve(job)
        yield journal
    except BaseException:
        if opened_here:
            with contextlib.suppress(JournalError):
                journal.close()
        raise
    if opened_here:
        journal.close()


def _repeated(phone_number_id: str, index: int, first: int) -> InvalidRequestError:
    return InvalidRequestError(
        f"phone number {phone_number_id!r} is repeated in the updates: at index {index},"
        f" first at index {first}; each number may appear once in a run",
        field="phone_number_id",
    )


def _check_no_repeats(pairs: list[object] | tuple[object, ...]) -> None:
    """Refuse a list of updates that names a number twice, before anything is sent."""
    firsts: dict[str, int] = {}
    for index, pair in enumerate(pairs):
        # Malformed pairs are left to fail with their TypeError when pulled.
        if isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str):
            first = firsts.setdefault(pair[0], index)
            if first != index:
                raise _repeated(pair[0], index, first)


class _SeenIds:
    """The ids a streamed run has met, in little memory whatever its length.

    An id is kept as its ``hash`` (64 bits) in a flat open-addressing table,
    plus the hashes in the order met, which give the index of a first
    occurrence: about 24 bytes per id. In ``bench/bulk_rss.py`` (100,000
    streamed items) a set of the id strings cost 130 bytes per id and a set
    of their hashes 95, past the bound on peak memory. Two ids with the same
    hash would be taken for a repeat; for n ids the odds are about n**2 / 2**65.
    """

    def __init__(self) -> None:
        self._table = array("q", bytes(8 * 1024))  # 0 marks an empty slot
        self._order = array("q")

    def __len__(self) -> int:
        return len(self._order)

    def add(self, phone_number_id: str) -> int | None:
        """Record the id; if it was met before, return the index of its first
        occurrence instead."""
        key = hash(phone_number_id) or 1
        table = self._table
        mask = len(table) - 1
        slot = key & mask
        while table[slot]:
            if table[slot] == key:
                return self._order.index(key)
            slot = (slot + 1) & mask
        table[slot] = key
        self._order.append(key)
        if 2 * len(self._order) > len(table):
            self._grow()
        return None

    def _grow(self) -> None:
        table = array("q", bytes(16 * len(self._table)))
        mask = len(table) - 1
        for key in self._order:
            slot = key & mask
            while table[slot]:
                slot = (slot + 1) & mask
            table[slot] = key
        self._table = table


class _ItemSource:
    """Pulls items one at a time from a mapping, an iterable or an async iterable."""

    def __init__(self, updates: Updates | AsyncIterator[_Item] | Iterator[_Item]) -> None:
        self._async: AsyncIterator[object] | None = None
        self._sync: Iterator[object] | None = None
        if isinstance(updates, Mapping):
            self._sync = iter(updates.items())
        elif isinstance(updates, AsyncIterable):
            self._async = aiter(updates)
        elif isinstance(updates, Iterable):
            self._sync = iter(updates)
        else:
            raise TypeError(
                "updates must be a mapping or an iterable of (id, request) pairs,"
                f" not {type(updates).__name__}"
            )

    async def next(self) -> _Item | None:
        """The next item, or None when there are no more."""
        if self._async is not None:
            try:
                return _as_item(await anext(self._async))
            except StopAsyncIteration:
                return None
        assert self._sync is not None
        try:
            return _as_item(next(self._sync))
        except StopIteration:
            return None


async def _cancel_and_wait(tasks: set[asyncio.Task[BulkOutcome]]) -> None:
    """Cancel ``tasks`` and wait until every one has ended, even if cancelled again."""
    for task in tasks:
        task.cancel()
    pending = set(tasks)
    interrupted = False
    while pending:
        try:
            _, pending = await asyncio.wait(pending)
        except asyncio.CancelledError:
            interrupted = True
    for task in tasks:
        if not task.cancelled():
            task.exception()  # retrieved: it was cancelled on purpose or ended with the run
    if interrupted:
        raise asyncio.CancelledError


class BulkRun:
    """A bulk update in progress: an async iterator of :class:`BulkOutcome`,
    one per item, in the order items finish.

    Nothing starts until iteration does. Iterate it to the end, or use
    ``async with`` (or :meth:`aclose`) when you may stop early: that cancels
    the requests still in flight and closes the journal.

    Attributes:
        stopped_early: ``stop_on_error`` stopped the run before every item ran.
        warnings: what the journal reports once open: one message per damaged
            last line, saying which number it concerns and its state before
            the run, when they can be read (also logged as WARNINGs).

    Iterating raises:
        AuthenticationError, PermissionDeniedError: the key was refused; the
            run ends (the remaining items are not tried).
        TypeError: an item is not a ``(str, UpdatePhoneNumberRequest)`` pair.
        InvalidRequestError: a streamed item names a number met already in
            this run; it is not sent.
        JournalError: the journal is in use by another run, serves another
            job, is damaged before its last line, or cannot be read or
            written.

    After a repeated number or a journal failure the run starts no new item;
    the items in flight end (their journal records written), then the error
    is raised.
    """

    def __init__(
        self,
        client: ElevenPhone,
        updates: Updates | AsyncIterator[_Item] | Iterator[_Item],
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        stop_on_error: bool = False,
        journal: JournalArg = None,
        on_progress: ProgressCallback | None = None,
        total: int | None = None,
        undoing: bool = False,
        job: JournalJob = _BULK_UPDATE,
    ) -> None:
        _check_options(concurrency, max_rate)
        if journal is not None and not isinstance(journal, (Journal, str, os.PathLike)):
            raise TypeError(f"journal must be a path or a Journal, not {type(journal).__name__}")
        self._client = client
        self._single_attempt = client.with_options(max_retries=0)
        self._policy = client.retry_policy
        self._source = _ItemSource(updates)
        # Items known up front are checked for repeats now; a stream as it comes.
        self._seen: _SeenIds | None = None
        if isinstance(updates, (list, tuple)):
            _check_no_repeats(updates)
        elif not isinstance(updates, Mapping):
            self._seen = _SeenIds()
        self._window = 2 * concurrency
        self._limit = AdaptiveConcurrencyLimit(concurrency)
        self._rate = _rate_limiter(max_rate)
        self._stop_on_error = stop_on_error
        self._journal_arg = journal
        self._journal: Journal | None = None
        self._job = job
        self._on_progress = on_progress
        self._undoing = undoing
        self._total = total if total is not None else _length(updates)
        self._started: float | None = None
        self._ended: float | None = None
        self._done = self._succeeded = self._failed = self._skipped = 0
        self._requests = self._retries = self._rate_limited = 0
        self.stopped_early = False
        self.warnings: list[str] = []
        self._outcomes = self._run()

    # --- the public face ------------------------------------------------------

    def __aiter__(self) -> BulkRun:
        return self

    async def __anext__(self) -> BulkOutcome:
        return await self._outcomes.__anext__()

    async def aclose(self) -> None:
        """Stop the run: cancel requests in flight, wait for them, close the journal."""
        await self._outcomes.aclose()

    async def __aenter__(self) -> BulkRun:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def concurrency_limit(self) -> AdaptiveConcurrencyLimit:
        """The adaptive in-flight limit of this run."""
        return self._limit

    def progress(self) -> BulkProgress:
        """A snapshot of the run so far."""
        end = self._ended if self._ended is not None else time.monotonic()
        return BulkProgress(
            total=self._total,
            done=self._done,
            succeeded=self._succeeded,
            failed=self._failed,
            skipped=self._skipped,
            requests=self._requests,
            retries=self._retries,
            rate_limited=self._rate_limited,
            in_flight=self._limit.in_flight,
            concurrency_limit=self._limit.limit,
            elapsed=0.0 if self._started is None else end - self._started,
        )

    # --- the run ----------------------------------------------------------------

    async def _run(self) -> AsyncGenerator[BulkOutcome, None]:
        self._started = time.monotonic()
        running: set[asyncio.Task[BulkOutcome]] = set()
        # An error that ends the run once the items in flight have ended.
        ending: ElevenPhoneError | None = None
        try:
            job = None if self._undoing else self._job
            with _opened_journal(self._journal_arg, job, create=not self._undoing) as journal:
                self._journal = journal
                if journal is not None:
                    self.warnings = journal.warnings
                try:
                    exhausted = False
                    while True:
                        while (
                            not exhausted and not self.stopped_early and len(running) < self._window
                        ):
                            item = await self._source.next()
                            if item is None:
                                exhausted = True
                            elif (repeat := self._repeat(item)) is not None:
                                # Never sent; what is in flight ends, records included.
                                ending = ending or repeat
                                exhausted = True
                            elif self._is_done(item):
                                yield self._count(BulkOutcome(item.phone_number_id, "skipped"))
                            else:
                                running.add(asyncio.ensure_future(self._process(item)))
                        if not running:
                            break
                        finished, running = await asyncio.wait(
                            running, return_when=asyncio.FIRST_COMPLETED
                        )
                        for task in finished:
                            try:
                                outcome = self._count(task.result())
                            except JournalError as error:
                                # Nothing new may start without a journal; what
                                # is in flight ends (its records may still be written).
                                ending = ending or error
                                exhausted = True
                                continue
                            if outcome.status == "failed" and self._stop_on_error and not exhausted:
                                exhausted = True
                                self.stopped_early = await self._source.next() is not None
                            yield outcome
                    if ending is not None:
                        raise ending
                finally:
                    self._ended = time.monotonic()
                    await _cancel_and_wait(running)
        finally:
            self._journal = None
            if self._ended is None:
                self._ended = time.monotonic()

    def _repeat(self, item: _Item) -> InvalidRequestError | None:
        """The error for a streamed item whose number the run has met already."""
        seen = self._seen
        if seen is None:
            return None
        index = len(seen)
        first = seen.add(item.phone_number_id)
        return None if first is None else _repeated(item.phone_number_id, index, first)

    def _is_done(self, item: _Item) -> bool:
        """Whether the journal holds this item done, with this same request."""
        journal = self._journal
        if journal is None or self._undoing or not journal.is_done(item.phone_number_id):
            return False
        try:
            body = encode_update_request(item.request)
        except InvalidRequestError:
            return False  # sent to _process, which reports it
        return journal.is_done(item.phone_number_id, body)

    def _count(self, outcome: BulkOutcome) -> BulkOutcome:
        self._done += 1
        if outcome.status == "succeeded":
            self._succeeded += 1
        elif outcome.status == "failed":
            self._failed += 1
        else:
            self._skipped += 1
        if self._on_progress is not None:
            self._on_progress(self.progress())
        return outcome

    async def _process(self, item: _Item) -> BulkOutcome:
        pid, request = item.phone_number_id, item.request
        tally = _Tally()
        journal = self._journal
        try:
            path, body = _check_locally(item)
            if journal is not None and not self._undoing:
                before = journal.state_before(pid) or item.before
                if before is None:
                    current = await self._call(
                        "GET", path, lambda c: c.phone_numbers.get(pid), tally
                    )
                    before = PhoneNumberState.of(current)
                await journal.record_before(pid, before, request, body=body)
            number = await self._call(
                "PATCH", path, lambda c: c.phone_numbers.update(pid, request), tally
            )
        except (*_FATAL_ERRORS, JournalError):
            raise  # they end the run, not just the item
        except ElevenPhoneError as error:
            if journal is not None:
                await journal.record_failure(pid, error)
            return BulkOutcome(pid, "failed", error=error, requests=tally.requests)
        if journal is not None:
            if self._undoing:
                await journal.record_undone(pid)
            else:
                await journal.record_after(pid, number)
        return BulkOutcome(pid, "succeeded", phone_number=number, requests=tally.requests)

    async def _call(
        self, method: str, path: str, send: Callable[[ElevenPhone], Awaitable[T]], tally: _Tally
    ) -> T:
        """One call of an item, one gated request per attempt, retried by the
        client's policy within the bounds of the module docstring.

        Raises:
            ElevenPhoneError: the typed error of the last attempt.
        """
        policy = self._policy
        most_requests = _REQUESTS_PER_ATTEMPT * (policy.max_retries + 1)
        failures = waits = sent = 0
        while True:
            if sent:
                self._retries += 1
            sent += 1
            tally.requests += 1
            try:
                return await self._send_once(send)
            except ElevenPhoneError as error:
                overload = isinstance(error, RateLimitError) and _signals_overload(error)
                failures += not overload
                if (
                    not policy.is_retryable(error)
                    or failures > policy.max_retries
                    or sent >= most_requests
                ):
                    raise
                if overload:
                    waits += 1
                    delay = policy.delay_for(error, waits)
                    logger.debug(
                        "%s %s: too many requests in flight; waiting %.2f s for a slot",
                        method,
                        path,
                        delay,
                    )
                else:
                    delay = policy.delay_for(error, failures)
                    # The wording of the client's own retries (RetryPolicy).
                    logger.info(
                        "retrying %s %s in %.2f s (retry %d of %d): %s",
                        method,
                        path,
                        delay,
                        failures,
                        policy.max_retries,
                        error,
                    )
            await policy.sleep(delay)

    async def _send_once(self, send: Callable[[ElevenPhone], Awaitable[T]]) -> T:
        permit = await self._limit.acquire()
        try:
            if self._rate is not None:
                await self._rate.acquire()
            self._requests += 1
            result = await send(self._single_attempt)
        except RateLimitError as error:
            self._rate_limited += 1
            if _signals_overload(error):
                self._limit.record_overload(permit, error.maximum_concurrent_requests)
            raise
        else:
            self._limit.record_success(permit)
            return result
        finally:
            self._limit.release(permit)


def _length(updates: object) -> int | None:
    if isinstance(updates, (Mapping, list, tuple)):
        return len(updates)
    return None


async def collect(run: BulkRun) -> BulkResult:
    """Run ``run`` to the end and gather its outcomes into a :class:`BulkResult`."""
    result = BulkResult()
    async with run:
        async for outcome in run:
            if outcome.status == "succeeded":
                assert outcome.phone_number is not None
                result.succeeded[outcome.phone_number_id] = outcome.phone_number
            elif outcome.status == "failed":
                assert outcome.error is not None
                result.failed[outcome.phone_number_id] = outcome.error
            else:
                result.skipped.append(outcome.phone_number_id)
    progress = run.progress()
    result.requests = progress.requests
    result.retries = progress.retries
    result.rate_limited = progress.rate_limited
    result.elapsed = progress.elapsed
    result.concurrency_limit = progress.concurrency_limit
    result.stopped_early = run.stopped_early
    result.warnings = list(run.warnings)
    return result


async def numbers_on_agent(client: ElevenPhone, agent_id: str) -> list[PhoneNumber]:
    """The numbers assigned to ``agent_id`` (the list filter, checked again
    here), each once even if the listing repeats it."""
    numbers: dict[str, PhoneNumber] = {}
    for number in await client.phone_numbers.list(agent_id=agent_id):
        if number.assigned_agent and number.assigned_agent.agent_id == agent_id:
            numbers.setdefault(number.phone_number_id, number)
    return list(numbers.values())


async def reassign_agent(
    client: ElevenPhone,
    from_agent_id: str,
    to_agent_id: str,
    *,
    branch_id: str | None | UnsetType = UNSET,
    environment: str | None | UnsetType = UNSET,
    concurrency: int = 8,
    max_rate: float | None = None,
    stop_on_error: bool = False,
    journal: JournalArg = None,
    on_progress: ProgressCallback | None = None,
) -> BulkResult:
    """Move every number of one agent to another; see :meth:`PhoneNumbers.reassign_agent`."""
    for name, value in (("from_agent_id", from_agent_id), ("to_agent_id", to_agent_id)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidRequestError(f"{name} must be a non-empty str", field=name)
    if from_agent_id == to_agent_id:
        raise InvalidRequestError("from_agent_id and to_agent_id are the same agent")
    _check_options(concurrency, max_rate)
    if journal is not None and not isinstance(journal, (Journal, str, os.PathLike)):
        raise TypeError(f"journal must be a path or a Journal, not {type(journal).__name__}")
    request = UpdatePhoneNumberRequest(
        agent_id=to_agent_id, branch_id=branch_id, environment=environment
    )
    encode_update_request(request)
    values: dict[str, str | None] = {"from_agent_id": from_agent_id, "to_agent_id": to_agent_id}
    for name, given in (("branch_id", branch_id), ("environment", environment)):
        if not isinstance(given, UnsetType):
            values[name] = given
    job = JournalJob(operation="reassign_agent", values=values)
    # Opened before the listing: a journal of another job is refused before anything is sent.
    with _opened_journal(journal, job) as opened:
        numbers = await numbers_on_agent(client, from_agent_id)
        items = (_Item(n.phone_number_id, request, PhoneNumberState.of(n)) for n in numbers)
        run = BulkRun(
            client,
            items,
            concurrency=concurrency,
            max_rate=max_rate,
            stop_on_error=stop_on_error,
            journal=opened,
            on_progress=on_progress,
            total=len(numbers),
            job=job,
        )
        return await collect(run)


async def undo(
    client: ElevenPhone,
    journal: str | os.PathLike[str] | Journal,
    *,
    concurrency: int = 8,
    max_rate: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> BulkResult:
    """Put back every number a journal changed; see :meth:`PhoneNumbers.undo`."""
    _check_options(concurrency, max_rate)
    if not isinstance(journal, (Journal, str, os.PathLike)):
        raise TypeError(f"journal must be a path or a Journal, not {type(journal).__name__}")
    # Opened (and locked) before it is read: no run may change it meanwhile.
    with _opened_journal(journal, None, create=False) as opened:
        assert opened is not None
        changes = dict(opened.state.open_changes)
        items = (_Item(pid, state.restore_request(), None) for pid, state in changes.items())
        run = BulkRun(
            client,
            items,
            concurrency=concurrency,
            max_rate=max_rate,
            journal=opened,
            on_progress=on_progress,
            total=len(changes),
            undoing=True,
        )
        return await collect(run)
