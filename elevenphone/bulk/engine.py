"""The bulk engine: many items, a bounded window, one send path.

A run pulls raw items lazily from its source and keeps a window of at most
``2 * concurrency`` items started; each finished item frees a place for the
next one, so memory does not grow with the input. What an item *is* and what
applying it means belongs to its :class:`~elevenphone.bulk.operations.BulkOperation`;
the engine prepares each item once, skips what the journal holds done, and
applies the rest.

Every request of an item goes through the client's one send path with the
run's :class:`~elevenphone.bulk.gate.BulkGate` around each attempt: one retry
layer, the client's. A concurrency 429 means "wait for a slot", not "failed":
it does not spend ``max_retries``, and a call still sends at most
``3 * (max_retries + 1)`` requests (9 at the default 2), so a permanent storm
of them ends too. Retries are logged as the client logs them, with the method
and path.

Failures of one item (422, 404, 400, retries exhausted, a value refused
locally) are outcomes and the run goes on, unless ``stop_on_error``. A refused
key (401, 403) ends the run: it would fail every item. So does an agent the
items assign that fails its check (see :mod:`elevenphone.bulk.preflight`).

With a journal (see :mod:`elevenphone.bulk.journal`), the journal is opened,
locked and checked against the operation's job before anything is sent, and
the operation records each item in it.

Cancellation (Ctrl-C, a cancelled task, leaving ``async with`` early) cancels
the requests in flight, waits for them to end, and closes the journal: no task
outlives the run and no record is torn.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from .._exceptions import (
    AuthenticationError,
    ElevenPhoneError,
    JournalError,
    PermissionDeniedError,
)
from .._request import APIRequest
from .adaptive import Permit
from .gate import BulkGate
from .journal import Journal, JournalJob
from .operations import BulkOperation
from .options import BulkOptions, JournalArg, ProgressCallback
from .result import BulkOutcome, BulkProgress, BulkResult
from .source import END, ItemSource, SeenIds, check_no_repeats, length_of, repeated

if TYPE_CHECKING:
    from .._base_client import BaseClient
    from .adaptive import AdaptiveConcurrencyLimit

__all__ = ["BulkRun", "JournalArg", "ProgressCallback", "collect", "opened_journal"]

T = TypeVar("T")
ItemT = TypeVar("ItemT")

_DEFAULT_SETTINGS = BulkOptions()
_KEY_REFUSED = (AuthenticationError, PermissionDeniedError)


@contextlib.contextmanager
def opened_journal(
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


async def _cancel_and_wait(tasks: set[asyncio.Task[None]]) -> None:
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


class _Sender:
    """Sends the requests of a worker's item through the client's one send
    path, as the gate of each attempt (the run's gate, counting the item's
    requests for its outcome)."""

    __slots__ = (
        "_gate",
        "_run",
        "_send",
        "faults_are_rare",
        "leave",
        "requests",
        "slot_pending",
    )

    def __init__(self, run: BulkRun[Any]) -> None:
        self._run = run
        self._send = run._client.dispatch
        gate = self._gate = run._gate
        self.requests = 0
        # The gate's own methods, called by the send path with no frame of
        # ours (only entering counts the item's requests).
        self.leave: Callable[[object, BaseException | None], None] = cast(
            "Callable[[object, BaseException | None], None]", gate.leave
        )
        self.slot_pending = gate.slot_pending
        self.faults_are_rare = gate.faults_are_rare

    def __call__(self, request: APIRequest[T]) -> Awaitable[T]:
        self._run._calls += 1
        sending: Awaitable[T] = self._send(request, self, False)
        return sending

    def enter(self) -> Permit | None:
        permit = self._gate.enter()
        if permit is not None:
            self.requests += 1
        return permit

    async def wait(self) -> Permit:
        permit = await self._gate.wait()
        self.requests += 1
        return permit


class BulkRun(Generic[ItemT]):
    """A bulk run in progress: an async iterator of :class:`BulkOutcome`, one
    per item, in the order items finish.

    Nothing starts until iteration does. Iterate it to the end, or use
    ``async with`` (or :meth:`aclose`) when you may stop early: that cancels
    the requests still in flight and closes the journal.

    Attributes:
        stopped_early: ``stop_on_error`` stopped the run before every item ran.
        warnings: what the journal reports once open: one message per damaged
            last line, saying which number it concerns and its state before
            the run, when they can be read (also logged as WARNINGs).

    Args:
        client: the client whose send path, retries and settings the run uses.
        operation: what applying an item means (the update operation, with
            its journal job and per-call options).
        items: the items, pulled lazily: a mapping, a list or tuple (checked
            for repeated numbers at once), or a sync or async iterable.
        settings: how the run goes (:class:`~elevenphone.bulk.options.BulkOptions`:
            concurrency, rate, stop on error, journal, progress).
        journal: the journal, opened already by the job (over ``settings.journal``).
        total: the number of items, for progress, when ``items`` has no length.

    Iterating raises:
        AuthenticationError, PermissionDeniedError: the key was refused; the
            run ends (the remaining items are not tried).
        TypeError: an item is not a ``(str, UpdatePhoneNumberRequest)`` pair.
        InvalidRequestError: a streamed item names a number met already in
            this run; it is not sent.
        JournalError: the journal is in use by another run, serves another
            job, is damaged before its last line, or cannot be read or
            written.
        AgentCheckError: an agent the items assign does not exist or is
            archived, or so is the branch they ask for (see
            :mod:`elevenphone.bulk.preflight`); no item assigning it is sent.
        APIStatusError, APIConnectionError: such an agent could not be
            checked (as the GET raised it).

    After a repeated number, a journal failure or an agent check that failed
    or could not be made, the run starts no new item; the items in flight end
    (their journal records written), then the error is raised.
    """

    def __init__(
        self,
        client: BaseClient,
        operation: BulkOperation[ItemT],
        items: object,
        settings: BulkOptions = _DEFAULT_SETTINGS,
        *,
        journal: Journal | None = None,
        total: int | None = None,
    ) -> None:
        concurrency = settings.concurrency
        self._gate = BulkGate(concurrency, settings.max_rate)
        self._client = client
        self._operation = operation
        self._source = ItemSource(items)
        # Items known up front are checked for repeats now; a stream as it comes.
        self._seen: SeenIds | None = None
        if isinstance(items, (list, tuple)):
            check_no_repeats(items)
        elif not isinstance(items, Mapping):
            self._seen = SeenIds()
        # One worker per request the run may have in flight; outcomes not yet
        # taken may run a further concurrency ahead.
        self._workers = concurrency
        self._window = 2 * concurrency
        self._stop_on_error = settings.stop_on_error
        self._journal_arg = journal if journal is not None else settings.journal
        self._on_progress = settings.on_progress
        self._total = total if total is not None else length_of(items)
        self._started: float | None = None
        self._ended: float | None = None
        self._done = self._succeeded = self._failed = self._skipped = 0
        self._calls = 0
        self._finished: deque[BulkOutcome] = deque()
        self._woken = asyncio.Event()
        self._waiting = False  # the caller waits on _woken
        self._room = asyncio.Event()
        self._room_wanted = False  # a worker waits on _room
        self._pulling = asyncio.Lock()
        self._pulled = 0
        self._active = 0
        self._stopping = False
        self._ending: ElevenPhoneError | None = None
        self._fatal: BaseException | None = None
        self.stopped_early = False
        self.warnings: list[str] = []
        self._outcomes = self._run()

    # --- the public face ------------------------------------------------------

    def __aiter__(self) -> BulkRun[ItemT]:
        return self

    def __anext__(self) -> Awaitable[BulkOutcome]:
        return self._outcomes.__anext__()

    async def aclose(self) -> None:
        """Stop the run: cancel requests in flight, wait for them, close the journal."""
        await self._outcomes.aclose()

    async def __aenter__(self) -> BulkRun[ItemT]:
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
        return self._gate.limit

    def progress(self) -> BulkProgress:
        """A snapshot of the run so far."""
        end = self._ended if self._ended is not None else time.monotonic()
        gate = self._gate
        return BulkProgress(
            total=self._total,
            done=self._done,
            succeeded=self._succeeded,
            failed=self._failed,
            skipped=self._skipped,
            requests=gate.requests,
            retries=gate.requests - self._calls,
            rate_limited=gate.rate_limited,
            in_flight=gate.limit.in_flight,
            concurrency_limit=gate.limit.limit,
            elapsed=0.0 if self._started is None else end - self._started,
            limit_found=gate.limit.found,
            peak_in_flight=gate.limit.peak_in_flight,
            concurrency_limited=gate.concurrency_limited,
            paced_rate=gate.pace.rate,
        )

    # --- the run ----------------------------------------------------------------

    async def _run(self) -> AsyncGenerator[BulkOutcome, None]:
        self._started = time.monotonic()
        self._gate.start()
        workers: set[asyncio.Task[None]] = set()
        try:
            create = self._operation.job is not None
            with opened_journal(self._journal_arg, self._operation.job, create=create) as journal:
                if journal is not None:
                    self.warnings = journal.warnings
                try:
                    # A fixed pool of workers, one per request that may be in
                    # flight, each taking the next item when done with its
                    # own: no task per item.
                    workers = {
                        asyncio.ensure_future(self._work(journal)) for _ in range(self._workers)
                    }
                    self._active = len(workers)
                    outcomes = self._finished
                    on_progress = self._on_progress
                    while True:
                        while outcomes:
                            outcome = outcomes.popleft()
                            self._done += 1
                            status = outcome.status
                            if status == "succeeded":
                                self._succeeded += 1
                            elif status == "failed":
                                self._failed += 1
                            else:
                                self._skipped += 1
                            if on_progress is not None:
                                on_progress(self.progress())
                            if self._room_wanted:  # one more taken: a worker may pull again
                                self._room_wanted = False
                                self._room.set()
                            if (
                                outcome.status == "failed"
                                and self._stop_on_error
                                and not self._stopping
                            ):
                                self._stopping = True
                                self.stopped_early = await self._peek() is not END
                            yield outcome
                        if self._fatal is not None:
                            raise self._fatal
                        if not self._active:
                            break
                        # Told by the workers only while it waits: an
                        # Event's set() is a Python call per item otherwise.
                        self._waiting = True
                        self._woken.clear()
                        await self._woken.wait()
                        self._waiting = False
                    if self._ending is not None:
                        raise self._ending
                finally:
                    self._ended = time.monotonic()
                    await _cancel_and_wait(workers)
        finally:
            if self._ended is None:
                self._ended = time.monotonic()

    async def _peek(self) -> object:
        """Whether items remain: the next raw item (taken), or :data:`END`."""
        source = self._source
        return source.next() if source.is_sync else await self._pull()

    async def _pull(self) -> object:
        """The next raw item from an async source, or :data:`END`."""
        async with self._pulling:  # an async iterator serves one caller at a time
            return await self._source.anext()

    async def _work(self, journal: Journal | None) -> None:
        """One worker: take items until there are none, or the run stops."""
        operation = self._operation
        prepare, key_of, apply = operation.prepare, operation.key, operation.apply
        finished, woken = self._finished, self._woken
        pull = self._source.next if self._source.is_sync else None
        seen = self._seen
        window = self._window
        sender = _Sender(self)
        try:
            while not self._stopping:
                # No further ahead of the caller than the window: memory stays
                # flat however slowly the outcomes are taken.
                while self._pulled - self._done >= window:
                    self._room_wanted = True
                    self._room.clear()
                    await self._room.wait()
                    if self._stopping:
                        return
                raw = pull() if pull is not None else await self._pull()
                if raw is END:
                    return
                self._pulled += 1
                item = prepare(raw)
                key = key_of(item)
                if seen is not None:
                    index = len(seen)
                    first = seen.add(key)
                    if first is not None:
                        # Never sent; what is in flight ends, records included.
                        self._end_with(repeated(key, index, first))
                        return
                if journal is not None and operation.is_done(item, journal):
                    finished.append(BulkOutcome(key, "skipped"))
                else:
                    sender.requests = 0
                    finished.append(await apply(item, sender, journal))
                if self._waiting:
                    woken.set()
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            if isinstance(error, ElevenPhoneError) and not isinstance(error, _KEY_REFUSED):
                # A journal that fails, an agent that fails its check (or
                # cannot be checked): nothing new may start; what is in flight
                # ends (its records may still be written), then it is raised.
                self._end_with(error)
            else:  # a refused key, a malformed item: the run ends now
                self._fatal = self._fatal or error
                self._stopping = True
        finally:
            self._active -= 1
            woken.set()

    def _end_with(self, error: ElevenPhoneError) -> None:
        """Start nothing more; raise ``error`` once what is in flight has ended."""
        self._ending = self._ending or error
        self._stopping = True


async def collect(run: BulkRun[Any]) -> BulkResult:
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
    result.limit_found = progress.limit_found
    result.peak_in_flight = progress.peak_in_flight
    result.concurrency_limited = progress.concurrency_limited
    result.paced_rate = progress.paced_rate
    result.stopped_early = run.stopped_early
    result.warnings = list(run.warnings)
    return result
