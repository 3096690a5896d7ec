"""What a bulk run does to each item: the operations the engine runs.

The engine (:mod:`elevenphone.bulk.engine`) knows only :class:`BulkOperation`:
turn a raw item into a prepared one (checked and encoded once), say whether
the journal holds it done, and apply it through the run's ``send``. What a
journal's ``before``, ``after`` and ``undone`` records mean belongs to the
operation: here, :class:`UpdateOperation`, which updates phone numbers (and,
``undoing``, puts them back).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Iterable, Mapping
from typing import Protocol, TypeVar

import msgspec
from msgspec import UNSET

from .._exceptions import (
    AuthenticationError,
    ElevenPhoneError,
    InvalidRequestError,
    JournalError,
    PermissionDeniedError,
)
from .._models import UpdatePhoneNumberRequest
from .._options import CallOptions
from .._request import APIRequest
from .._wire import (
    ExpectedChange,
    encode_body,
    encode_update_request,
    phone_number_decoder,
    phone_number_path,
)
from .journal import Journal, JournalJob, PhoneNumberState, RecordedRequest
from .preflight import AgentChecks
from .result import BulkOutcome

__all__ = [
    "BulkOperation",
    "Sender",
    "UpdateItem",
    "UpdateOperation",
    "Updates",
    "recorded_update",
]

T = TypeVar("T")
ItemT = TypeVar("ItemT")

Updates = (
    Mapping[str, UpdatePhoneNumberRequest]
    | Iterable[tuple[str, UpdatePhoneNumberRequest]]
    | AsyncIterable[tuple[str, UpdatePhoneNumberRequest]]
)
"""What a bulk update takes: a mapping, or a sync or async iterable of pairs."""

FATAL_ERRORS = (AuthenticationError, PermissionDeniedError, JournalError)
"""Errors that end a run rather than an item: a refused key would fail every
item, and no item may start without its journal."""


class Sender(Protocol):
    """Sends one request of an item through the run's gate, with retries;
    ``requests`` counts the requests sent so far, retries included."""

    requests: int

    def __call__(self, request: APIRequest[T]) -> Awaitable[T]: ...


class BulkOperation(Protocol[ItemT]):
    """What the engine needs of an operation."""

    @property
    def job(self) -> JournalJob | None:
        """The job a journal must serve (None: the journal's own, as undo)."""

    def prepare(self, raw: object) -> ItemT:
        """A raw item, checked and encoded once.

        Raises:
            TypeError: the raw item is not an item of this operation (this
                ends the run: the input itself is wrong).
        """

    def key(self, item: ItemT) -> str:
        """What identifies the item: a number is never in a run twice."""

    def is_done(self, item: ItemT, journal: Journal) -> bool:
        """Whether the journal holds this very item done already."""

    async def apply(self, item: ItemT, send: Sender, journal: Journal | None) -> BulkOutcome:
        """Apply the item; its outcome (a failure of its own is an outcome).

        Raises:
            AuthenticationError, PermissionDeniedError, JournalError: the run ends.
        """


class UpdateItem(msgspec.Struct, frozen=True):
    """One number to update, checked and encoded once. (A Struct: one is made
    per item of every run, and its construction runs in C.)

    Attributes:
        phone_number_id: the number.
        request: the update.
        before: its state before, when the caller knows it (a listing);
            else it is fetched for the journal.
        path: its path, when the id is valid.
        body: the encoded update, when it fits the schema.
        refusal: why it was refused locally, if it was (nothing is sent).
        expected: what a reply must show of the update.
    """

    phone_number_id: str
    request: UpdatePhoneNumberRequest
    before: PhoneNumberState | None = None
    path: str = ""
    body: bytes = b""
    refusal: InvalidRequestError | None = None
    expected: ExpectedChange | None = None


class UpdateOperation:
    """Update each number (``PATCH``); with a journal, record its state before
    and after; ``undoing``, put numbers back and record them undone.

    An item whose reply is another number, or does not show the change (see
    :func:`~elevenphone._wire.phone_number_decoder` for what is compared),
    fails with :class:`APIResponseValidationError`.

    Args:
        job: the job the journal serves (None when undoing).
        options: the per-call options of every request the run sends.
        undoing: the items put numbers back into the states a journal kept.
        checks: the checks of the agents the items assign (None: none): an
            item that assigns an agent is sent once that agent, and the
            branch it asks for, passed. A failed check (or one that could not
            be made) is raised from :meth:`apply`: it ends the run.
    """

    def __init__(
        self,
        *,
        job: JournalJob | None,
        options: CallOptions,
        undoing: bool = False,
        checks: AgentChecks | None = None,
    ) -> None:
        self._job = job
        self._options = options
        self._checks = checks
        # The last update whose agent passed its check.
        self._passed: UpdatePhoneNumberRequest | None = None
        self._query = options.extra_query or None
        # The GET of a number's state sends no body: extra_body is for the
        # update. Without one, the options stay the shared default, which the
        # send path takes as its fast case.
        self._read_options = options.without_body()
        self._undoing = undoing
        # The last update read, its body and what a reply must show of it:
        # the items of a run often share one update (a reassignment always
        # does), read once.
        self._last: tuple[UpdatePhoneNumberRequest, bytes, ExpectedChange] | None = None
        # A field extra_body sets is sent as given there, not as the item asks:
        # the reply is not held to the item's value of it.
        self._unchecked = frozenset(options.extra_body or ())

    @property
    def job(self) -> JournalJob | None:
        return self._job

    def prepare(self, raw: object) -> UpdateItem:
        before = None
        if type(raw) is tuple and len(raw) == 2 and type(raw[0]) is str:
            phone_number_id, request = raw
            if type(request) is not UpdatePhoneNumberRequest:
                phone_number_id, request = _pair(raw)
        elif isinstance(raw, UpdateItem):
            phone_number_id, request, before = raw.phone_number_id, raw.request, raw.before
        else:
            phone_number_id, request = _pair(raw)
        try:
            path = phone_number_path(phone_number_id)
            last = self._last
            if last is None or last[0] is not request:
                body = encode_body(
                    request,
                    UpdatePhoneNumberRequest,
                    what="update",
                    extra=self._options.extra_body,
                )
                last = self._last = (request, body, ExpectedChange(request, self._unchecked))
        except InvalidRequestError as error:
            return UpdateItem(phone_number_id, request, before, refusal=error)
        return UpdateItem(phone_number_id, request, before, path, last[1], None, last[2])

    def key(self, item: UpdateItem) -> str:
        return item.phone_number_id

    def is_done(self, item: UpdateItem, journal: Journal) -> bool:
        if self._undoing or item.refusal is not None:
            return False
        return journal.is_done(item.phone_number_id, item.body)

    async def apply(self, item: UpdateItem, send: Sender, journal: Journal | None) -> BulkOutcome:
        pid = item.phone_number_id
        checks = self._checks
        request = item.request
        # Once an update passed its check, the items that share it need none.
        if checks is not None and request is not self._passed and item.refusal is None:
            agent_id, branch_id = request.agent_id, request.branch_id
            if isinstance(agent_id, str):
                # Before the journal records anything: an item whose agent
                # fails is never sent.
                branch = branch_id if isinstance(branch_id, str) else None
                if not checks.passed(agent_id, branch):
                    await checks.check(agent_id, branch, send)
            self._passed = request
        try:
            if item.refusal is not None:
                raise item.refusal
            if journal is not None and not self._undoing:
                before = journal.state_before(pid) or item.before
                if before is None:
                    read = phone_number_decoder(pid)
                    current = await send(
                        APIRequest("GET", item.path, read, self._query, options=self._read_options)
                    )
                    before = PhoneNumberState.of(current)
                # Durable before the update is sent: undo can always put it back.
                await journal.record_before(pid, before, recorded_update(item.request, item.body))
            # A reply that does not show the change fails the item: journaled
            # as failed, not done, so that a run resumed with the journal sends
            # it again.
            decode = phone_number_decoder(pid, item.expected)
            number = await send(
                APIRequest(
                    "PATCH",
                    item.path,
                    decode,
                    self._query,
                    item.body,
                    None,
                    None,
                    self._options,
                    item.request,
                    UpdatePhoneNumberRequest,
                )
            )
        except FATAL_ERRORS:
            raise
        except ElevenPhoneError as error:
            if journal is not None:
                await journal.record_failure(pid, error)
            return BulkOutcome(pid, "failed", error=error, requests=send.requests)
        if journal is not None:
            if self._undoing:
                await journal.record_undone(pid)
            else:
                await journal.record_after(pid, PhoneNumberState.of(number))
        return BulkOutcome(pid, "succeeded", phone_number=number, requests=send.requests)


def recorded_update(
    request: UpdatePhoneNumberRequest, body: bytes | None = None
) -> RecordedRequest:
    """What a journal's ``before`` record keeps of an update: the fields it sets
    that undo restores, the name of every field it sets, and its body, of
    which only a digest is written. Trunk settings, and so SIP passwords, are
    named, never written.

    Args:
        request: the update.
        body: ``request`` encoded, if it is already (else it is encoded here).
    """
    given = [name for name in request.__struct_fields__ if getattr(request, name) is not UNSET]
    assignment = {
        name: getattr(request, name) for name in PhoneNumberState.__struct_fields__ if name in given
    }
    encoded = encode_update_request(request) if body is None else body
    return RecordedRequest(assignment, sorted(given), encoded)


def _pair(pair: object) -> tuple[str, UpdatePhoneNumberRequest]:
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
    return phone_number_id, request
