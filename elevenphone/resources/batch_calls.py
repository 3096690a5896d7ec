"""The batch-calling resource: ``client.batch_calls``, many calls the server
places for you, at its own pace.

Submitting a batch and retrying one are not idempotent (the API has no
idempotency key): each is sent once, retried only when the server certainly
did not act (the connection could not be made, or a 429 refused it). After a
timeout, a reset, a reply cut short, a 408 or a 5xx, and after a 2xx whose
reply cannot be read, the error comes back with ``outcome_unknown`` set: the
batch may exist, the recipients may be called again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, TypedDict

import msgspec
from msgspec import UNSET, UnsetType

from .._models import TelephonyCallConfig
from .._models.batch_calls import (
    BatchCall,
    BatchCallDetail,
    BatchCallPage,
    BatchCallRecipient,
    BatchCallStatus,
    SubmitBatchCallRequest,
)
from .._options import RequestOptions, Unpack, call_options
from .._public import present_as
from .._request import Operation, build_request
from .._wire import (
    BATCH_SUBMIT_PATH,
    BATCH_WORKSPACE_PATH,
    batch_call_path,
    decode_bytes,
    decode_nothing,
    query_kinds,
    query_of,
)
from .._wire.lifecycle import (
    check_recipients,
    decode_batch_call,
    decode_batch_call_detail,
    decode_batch_call_page,
)
from ._base import RawResponses, Resource, endpoint, given
from ._pages import PagedList
from ._polling import Poller

__all__ = ["BatchCallFilters", "BatchCallListArgs", "BatchCalls", "BatchCallsWithRawResponse"]

ENDED = frozenset(
    {BatchCallStatus.COMPLETED.value, BatchCallStatus.FAILED.value, BatchCallStatus.CANCELLED.value}
)
"""The statuses of a batch that is over."""

_SUBMIT = Operation(
    "batch submit",
    "the batch may already exist and be calling; look for it in client.batch_calls.iter()"
    " before submitting it again",
)
_RETRY = Operation(
    "batch retry",
    "its failed recipients may already be called again; get the batch before retrying it again",
)


class BatchCallFilters(TypedDict, total=False):
    """The filters of the workspace's batches, as :meth:`BatchCalls.list_page`
    and :meth:`BatchCalls.iter` take them. A filter left out or None is not
    sent; a value of the wrong type is refused before anything is sent."""

    agent_id: str | None
    """Only the batches of this agent."""
    limit: Annotated[int, msgspec.Meta(ge=1)] | None
    """Batches per page (per request; the API takes at most 100)."""


class BatchCallListArgs(BatchCallFilters, RequestOptions, total=False):
    """The keyword arguments of :meth:`BatchCalls.list_page` and
    :meth:`BatchCalls.iter`: the :class:`BatchCallFilters` and the per-call
    options (:class:`RequestOptions`)."""


class _Export(TypedDict, total=False):
    limit: Annotated[int, msgspec.Meta(ge=1)] | None


_EXPORT = query_kinds(_Export)
_POLLER = Poller(batch_call_path, decode_batch_call_detail, ENDED, "batch")
_PAGES = PagedList(BATCH_WORKSPACE_PATH, decode_batch_call_page, BatchCallFilters, "last_doc")


class BatchCalls(Resource):
    """Calls on ``/v1/convai/batch-calling``. Reached as ``client.batch_calls``.

    :meth:`submit` hands the server a batch of recipients to call;
    :meth:`get`, :meth:`poll` and :meth:`export` follow it; :meth:`cancel`,
    :meth:`retry` and :meth:`delete` act on it; :meth:`list_page` and
    :meth:`iter` page through the workspace's batches. Every method takes
    the per-call options of :class:`RequestOptions`.
    """

    @cached_property
    def with_raw_response(self) -> BatchCallsWithRawResponse:
        """The same calls, each returning an :class:`APIResponse`."""
        return BatchCallsWithRawResponse(self)

    @endpoint
    async def submit(
        self,
        *,
        call_name: str,
        agent_id: str,
        recipients: Sequence[BatchCallRecipient | Mapping[str, Any]],
        agent_phone_number_id: str | None | UnsetType = UNSET,
        scheduled_time_unix: int | None | UnsetType = UNSET,
        timezone: str | None | UnsetType = UNSET,
        target_concurrency_limit: int | None | UnsetType = UNSET,
        telephony_call_config: TelephonyCallConfig | Mapping[str, Any] | None | UnsetType = UNSET,
        branch_id: str | None | UnsetType = UNSET,
        environment: str | None | UnsetType = UNSET,
        **options: Unpack[RequestOptions],
    ) -> BatchCall:
        """Submit a batch: the server calls each recipient from
        ``agent_phone_number_id``, with ``agent_id`` talking, holding the
        concurrency and the pace itself.

        Sent once: never retried once the server may have acted (see
        ``outcome_unknown``). A field left out (or ``NOT_GIVEN``) is not
        sent; None is sent as null.

        Args:
            call_name: a name for the batch.
            agent_id: the agent that talks.
            recipients: the numbers to call: :class:`BatchCallRecipient`
                (or mappings of its fields), at least one, each number once.
            agent_phone_number_id: the imported number the calls come from.
            scheduled_time_unix: when to start, in seconds since the Unix
                epoch (left out: at once).
            timezone: the timezone the schedule is read in.
            target_concurrency_limit: the most calls of this batch at a time
                (left out: the smaller of half the workspace's limit and 70%
                of the agent's).
            telephony_call_config: telephony settings of every call: a
                :class:`TelephonyCallConfig` or a mapping.
            branch_id: the agent branch the calls use.
            environment: the environment used to resolve the agent's variables.
            **options: the per-call options (:class:`RequestOptions`).

        Returns:
            The batch, ``pending`` or already ``in_progress``.

        Raises:
            InvalidRequestError: no recipient, a recipient without a phone
                number, a number given twice (naming the index,
                ``recipients.3``), or a value that does not fit the schema;
                nothing is sent.
            NotFoundError: no such agent, number or branch (404).
            ValidationError: the API refused the batch (422).
            APIStatusError, APIConnectionError: the submit failed; see
                ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that cannot be read (with
                ``outcome_unknown``: the server accepted the batch).
        """
        check_recipients(recipients)
        body = given(
            call_name=call_name,
            agent_id=agent_id,
            recipients=list(recipients),
            agent_phone_number_id=agent_phone_number_id,
            scheduled_time_unix=scheduled_time_unix,
            timezone=timezone,
            target_concurrency_limit=target_concurrency_limit,
            telephony_call_config=telephony_call_config,
            branch_id=branch_id,
            environment=environment,
        )
        return await self._send(
            build_request(
                "POST",
                BATCH_SUBMIT_PATH,
                decode_batch_call,
                options,
                body=body,
                model=SubmitBatchCallRequest,
                what="batch",
                operation=_SUBMIT,
            )
        )

    @endpoint
    async def get(self, batch_id: str, **options: Unpack[RequestOptions]) -> BatchCallDetail:
        """Fetch a batch, with where each of its recipients is.

        Args:
            batch_id: the batch (its ``id``).
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: ``batch_id`` is not a non-empty str.
            NotFoundError: no such batch (404).
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError, APIConnectionError: any other error reply, or no
                reply (:class:`APITimeoutError`), after retries.
            APIResponseValidationError: a 2xx reply that is not a batch.
        """
        path = batch_call_path(batch_id)
        return await self._send(build_request("GET", path, decode_batch_call_detail, options))

    async def poll(
        self, batch_id: str, *, interval: float = 5.0, timeout: float | None = None
    ) -> BatchCallDetail:
        """Wait until a batch is over and return it: its status
        ``completed``, ``failed`` or ``cancelled``. It reads the batch every
        ``interval`` seconds as :meth:`Conversations.poll` reads a
        conversation, but a 404 ends it at once.

        Args:
            batch_id: the batch.
            interval: seconds between reads.
            timeout: seconds to wait in all (None: no limit; 0: read once).

        Raises:
            PollTimeoutError: ``timeout`` ran out first; ``.last`` is the
                batch as last read.
            InvalidRequestError: a bad id, interval or timeout (nothing is sent).
            NotFoundError: no such batch (404).
            APIStatusError, APIConnectionError, APIResponseValidationError: a
                read failed, as for :meth:`get`.
        """
        return await _POLLER.wait(self._client, batch_id, interval, timeout)

    @endpoint
    async def list_page(
        self, *, last_doc: str | None = None, **filters: Unpack[BatchCallListArgs]
    ) -> BatchCallPage:
        """One page of the workspace's batches, newest first, of every agent
        or of one. This list pages with ``last_doc``/``next_doc`` instead of
        cursors; paging: :class:`PageModel`.

        Args:
            last_doc: the ``next_doc`` of the page before (None: the newest).
            **filters: ``agent_id``, ``limit`` (batches per page) and the
                per-call options (:class:`BatchCallListArgs`).

        Raises:
            InvalidRequestError: a ``limit`` below 1 or a filter of the wrong
                type (nothing is sent).
            APIStatusError, APIConnectionError, APIResponseValidationError: as
                for :meth:`get`.
        """
        return await self._send(_PAGES.request(self._client, dict(filters, last_doc=last_doc)))

    def iter(self, **filters: Unpack[BatchCallListArgs]) -> AsyncIterator[BatchCall]:
        """Every batch of the workspace (or of ``agent_id``), newest first:
        ``async for batch in client.batch_calls.iter()``.

        Args:
            **filters: as for :meth:`list_page`; ``limit`` is per page.

        Raises:
            InvalidRequestError: a bad ``agent_id`` or ``limit``, at once.
            APIStatusError, APIConnectionError, APIResponseValidationError:
                while iterating (:class:`PageModel`).
        """
        return _PAGES.items(self._client, filters)

    @endpoint
    async def cancel(self, batch_id: str, **options: Unpack[RequestOptions]) -> BatchCall:
        """Cancel a batch: its recipients not yet called are not called; the
        calls under way end as they would.

        Retried like a GET: cancelling twice calls no one, so a cancel whose
        reply was lost is sent again rather than left in doubt. (The API may
        answer a second cancel of a batch the first one ended with a 400.)

        Args:
            batch_id: the batch.
            **options: the per-call options (:class:`RequestOptions`).

        Returns:
            The batch, as the cancel left it.

        Raises:
            InvalidRequestError: ``batch_id`` is not a non-empty str.
            NotFoundError: no such batch (404).
            BadRequestError: the batch is over already (400).
            APIStatusError, APIConnectionError: as for :meth:`get`.
        """
        # Cancelling is idempotent: a second cancel moves no recipient and
        # places no call, so it may be retried after any failure.
        request = build_request(
            "POST",
            batch_call_path(batch_id) + "/cancel",
            decode_batch_call,
            call_options(options),
            idempotent=True,
        )
        return await self._send(request)

    @endpoint
    async def retry(self, batch_id: str, **options: Unpack[RequestOptions]) -> BatchCall:
        """Call a batch's failed and unanswered recipients again.

        Sent once: never retried once the server may have acted, since a
        second retry would call them yet again (see ``outcome_unknown``).

        Args:
            batch_id: the batch (over: not ``pending`` nor ``in_progress``).
            **options: the per-call options (:class:`RequestOptions`).

        Returns:
            The batch, its ``retry_count`` one higher.

        Raises:
            InvalidRequestError: ``batch_id`` is not a non-empty str.
            NotFoundError: no such batch (404).
            BadRequestError: the batch is still running (400).
            APIStatusError, APIConnectionError: the retry failed; see
                ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that cannot be read (with
                ``outcome_unknown``: the server accepted the retry).
        """
        path = batch_call_path(batch_id) + "/retry"
        return await self._send(
            build_request(
                "POST", path, decode_batch_call, options, what="batch retry", operation=_RETRY
            )
        )

    @endpoint
    async def delete(self, batch_id: str, **options: Unpack[RequestOptions]) -> None:
        """Delete a batch and its recipients' records (their conversations stay).

        Args:
            batch_id: the batch.
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: ``batch_id`` is not a non-empty str.
            NotFoundError: no such batch (404).
            APIStatusError, APIConnectionError: as for :meth:`get`.
        """
        return await self._send(
            build_request("DELETE", batch_call_path(batch_id), decode_nothing, options)
        )

    @endpoint
    async def export(
        self, batch_id: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> bytes:
        """A batch's recipients as CSV (``id``, ``phone_number``, ``status``,
        ``conversation_id``, ...), as the API sends it.

        Args:
            batch_id: the batch.
            limit: only the first ``limit`` recipients (None: all).
            **options: the per-call options (:class:`RequestOptions`).

        Returns:
            The CSV, as bytes: at most the client's ``max_response_bytes``.

        Raises:
            InvalidRequestError: a bad id, or a ``limit`` that is not an int >= 1.
            NotFoundError: no such batch (404).
            APIStatusError, APIConnectionError: as for :meth:`get`.
            APIResponseValidationError: the CSV is larger than
                ``max_response_bytes``.
        """
        path = batch_call_path(batch_id) + "/export"
        query = query_of({"limit": limit}, _EXPORT)
        return await self._send(build_request("GET", path, decode_bytes, options, query=query))


class BatchCallsWithRawResponse(RawResponses[BatchCalls]):
    """``client.batch_calls.with_raw_response``: each call of :class:`BatchCalls`
    that sends one request (``submit``, ``get``, ``list_page``, ``cancel``,
    ``retry``, ``delete``, ``export``), with the same parameters, returning
    an :class:`APIResponse` of what the plain call returns.
    """


# This module loads on first use, after elevenphone has presented the names it
# loads at once: its public classes name elevenphone as their module here.
present_as("elevenphone", globals(), __all__)
