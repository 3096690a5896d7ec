"""The phone-numbers resource: ``client.phone_numbers``."""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from msgspec import UNSET, UnsetType

from .._exceptions import InvalidRequestError
from .._models import (
    CreatePhoneNumberRequest,
    CreatePhoneNumberResponse,
    InboundSIPTrunkConfig,
    LivekitStack,
    OutboundSIPTrunkConfig,
    PhoneNumber,
    PhoneNumberPage,
    PhoneNumberSortBy,
    SIPMessage,
    SIPMessagePage,
    SortDirection,
    TelephonyProvider,
    UpdatePhoneNumberRequest,
)
from .._request import APIRequest, Headers, Operation, RequestOptions
from .._wire import (
    PHONE_NUMBER_PAGES_PATH,
    PHONE_NUMBERS_PATH,
    decode_created_phone_number,
    decode_nothing,
    decode_phone_number_list,
    decode_phone_number_page,
    decode_sip_message_page,
    encode_body,
    encode_update_request,
    optional_query,
    phone_number_decoder,
    phone_number_path,
    query_value,
    secret_values,
    sip_messages_path,
)
from ._base import Resource, raw_response
from ._pages import items_of_pages

if TYPE_CHECKING:
    # The bulk package loads on a program's first bulk run (see the
    # methods below): most programs never start one, and it is over a third
    # of what importing elevenphone costs.
    from ..bulk.engine import BulkRun, JournalArg, ProgressCallback
    from ..bulk.journal import Journal
    from ..bulk.operations import UpdateItem, Updates
    from ..bulk.result import BulkResult

__all__ = ["PhoneNumbers", "PhoneNumbersWithRawResponse"]

_NOTHING = UpdatePhoneNumberRequest()

_IMPORT = Operation(
    "import", "the number may have been imported; look it up before importing it again"
)


class PhoneNumbers(Resource):
    """Calls on ``/v1/convai/phone-numbers``. Reached as ``client.phone_numbers``.

    One number: :meth:`create` (import), :meth:`get`, :meth:`update`,
    :meth:`delete`, and its SIP messages (:meth:`sip_messages_page`,
    :meth:`iter_sip_messages`). The account's numbers: :meth:`list` (v1, one
    array), :meth:`list_page` and :meth:`iter` (v2: searched, sorted, paged).
    Many at once: :meth:`bulk_update`, :meth:`iter_bulk_update`,
    :meth:`reassign_agent`, :meth:`undo`.

    Every method takes the per-call options ``extra_headers``,
    ``extra_query``, ``extra_body`` and ``timeout``, and
    :attr:`with_raw_response` gives each single call with its raw reply.
    """

    @cached_property
    def with_raw_response(self) -> PhoneNumbersWithRawResponse:
        """The same calls, each returning an :class:`APIResponse` (status, headers,
        body, retries) whose ``parse()`` gives what the plain call returns."""
        return PhoneNumbersWithRawResponse(PhoneNumbers(self._client, raw=True))

    async def update(
        self,
        phone_number_id: str,
        request: UpdatePhoneNumberRequest | None = None,
        *,
        agent_id: str | None | UnsetType = UNSET,
        label: str | None | UnsetType = UNSET,
        inbound_trunk_config: InboundSIPTrunkConfig | Mapping[str, Any] | None | UnsetType = UNSET,
        outbound_trunk_config: OutboundSIPTrunkConfig
        | Mapping[str, Any]
        | None
        | UnsetType = UNSET,
        livekit_stack: LivekitStack | str | None | UnsetType = UNSET,
        store_sip_messages: bool | None | UnsetType = UNSET,
        environment: str | None | UnsetType = UNSET,
        branch_id: str | None | UnsetType = UNSET,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> PhoneNumber:
        """Update a phone number: assign its agent, branch and environment, or
        change its label and SIP trunk settings.

        Pass either a :class:`UpdatePhoneNumberRequest` or the fields as keyword
        arguments. Only the fields given are sent: an omitted field is left
        unchanged by the API, and ``None`` clears it (``agent_id=None``
        unassigns the number). Nested configs take the Structs or plain dicts.

        Args:
            phone_number_id: the number to update.
            request: the whole update, instead of the field keywords.
            agent_id: the agent to assign; ``None`` unassigns the number.
            label: the number's label.
            inbound_trunk_config: inbound SIP trunk settings (SIP trunk numbers).
            outbound_trunk_config: outbound SIP trunk settings (SIP trunk
                numbers); ``address`` is required.
            livekit_stack: ``standard`` or ``static`` (SIP trunk numbers).
            store_sip_messages: whether to store SIP messages (SIP trunk numbers).
            environment: the environment used to resolve the agent's variables.
            branch_id: the agent branch calls to this number use.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: fields merged into the JSON body, sent without the
                SDK's schema checks (for fields this version does not know).
            timeout: seconds one attempt may take, for this call.

        Returns:
            The phone number as updated.

        Raises:
            InvalidRequestError: ``phone_number_id`` is not a non-empty str, a
                field does not fit the schema, or both ``request`` and field
                keywords were given (nothing is sent).
            ValidationError: the API refused the update (422).
            NotFoundError: no such phone number (404).
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError: any other non-2xx reply, after retries.
            APIConnectionError, APITimeoutError: no reply, after retries.
            APIResponseValidationError: a 2xx reply that does not decode, or
                that is another phone number than ``phone_number_id``.
            RuntimeError: the client is closed.
        """
        path = phone_number_path(phone_number_id)
        fields = UpdatePhoneNumberRequest(
            agent_id=agent_id,
            label=label,
            inbound_trunk_config=inbound_trunk_config,  # type: ignore[arg-type]
            outbound_trunk_config=outbound_trunk_config,  # type: ignore[arg-type]
            livekit_stack=livekit_stack,  # type: ignore[arg-type]
            store_sip_messages=store_sip_messages,
            environment=environment,
            branch_id=branch_id,
        )
        if request is None:
            request = fields
        elif fields != _NOTHING:
            raise InvalidRequestError(
                "pass either an UpdatePhoneNumberRequest or field keywords, not both",
                field="request",
            )
        elif not isinstance(request, UpdatePhoneNumberRequest):
            raise InvalidRequestError(
                f"request must be an UpdatePhoneNumberRequest, not {type(request).__name__}",
                field="request",
            )
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        return await self._execute(
            APIRequest(
                "PATCH",
                path,
                phone_number_decoder(phone_number_id),
                body=encode_update_request(request),
                options=options,
                secrets=secret_values(request, UpdatePhoneNumberRequest),
            )
        )

    async def get(
        self,
        phone_number_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> PhoneNumber:
        """Fetch one phone number.

        Args:
            phone_number_id: the number to fetch.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt may take, for this call.

        Raises:
            InvalidRequestError: ``phone_number_id`` is not a non-empty str.
            NotFoundError: no such phone number (404).
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode, or
                that is another phone number than ``phone_number_id``.
            RuntimeError: the client is closed.
        """
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        path = phone_number_path(phone_number_id)
        decode = phone_number_decoder(phone_number_id)
        return await self._execute(APIRequest("GET", path, decode, options=options))

    async def list(
        self,
        *,
        provider: str | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> builtins.list[PhoneNumber]:
        """List the account's phone numbers, optionally filtered (one unpaginated array).

        Args:
            provider: only numbers of this provider (``twilio``, ``sip_trunk``,
                ``exotel``).
            agent_id: only numbers assigned to this agent.
            branch_id: only numbers on this agent branch.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt may take, for this call.

        Raises:
            InvalidRequestError: a filter is not a str, or holds a lone surrogate.
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode.
            RuntimeError: the client is closed.
        """
        query: dict[str, str] = {}
        for name, value in (
            ("provider", provider),
            ("agent_id", agent_id),
            ("branch_id", branch_id),
        ):
            if value is None:
                continue
            if not isinstance(value, str):
                raise InvalidRequestError(
                    f"{name} must be a str, not {type(value).__name__}", field=name
                )
            query[name] = query_value(value, field=name)  # refuses what a URL would drop
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        return await self._execute(
            APIRequest(
                "GET", PHONE_NUMBERS_PATH, decode_phone_number_list, query=query, options=options
            )
        )

    async def create(
        self,
        request: CreatePhoneNumberRequest | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> CreatePhoneNumberResponse:
        """Import a phone number from Twilio, Exotel or a SIP trunk.

        Not idempotent (the API has no idempotency key): it is retried only
        when the server certainly did not act, after a failed connect or a
        429. After a timeout, a reset, a reply cut short, a 408 or a 5xx, and
        after a 2xx whose reply cannot be read, the error's ``outcome_unknown``
        is True: the number may have been imported; look it up before
        importing it again. A 409 (the number is already imported) is the
        server's refusal: nothing was imported.

        Args:
            request: a :class:`CreateTwilioPhoneNumberRequest`,
                :class:`CreateExotelPhoneNumberRequest` or
                :class:`CreateSIPTrunkPhoneNumberRequest` (or a mapping with
                ``provider`` and the same fields).
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: fields merged into the JSON body, unchecked.
            timeout: seconds one attempt may take, for this call.

        Returns:
            The reply, whose ``phone_number_id`` is the new number's id.

        Raises:
            InvalidRequestError: a required field is missing or a value does
                not fit the schema (nothing is sent).
            ValidationError: the API refused the import (422).
            ConflictError: the number is already imported (409).
            APIStatusError, APIConnectionError: as for :meth:`update`; see
                ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that cannot be read (with
                ``outcome_unknown``: the server accepted the import).
        """
        body = encode_body(request, CreatePhoneNumberRequest, what="import")
        return await self._execute(
            APIRequest(
                "POST",
                PHONE_NUMBERS_PATH,
                decode_created_phone_number,
                body=body,
                operation=_IMPORT,
                options=RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
                secrets=secret_values(request, CreatePhoneNumberRequest),
            )
        )

    async def delete(
        self,
        phone_number_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> None:
        """Delete a phone number.

        Args:
            phone_number_id: the number to delete.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt may take, for this call.

        Raises:
            InvalidRequestError: ``phone_number_id`` is not a non-empty str.
            NotFoundError: no such phone number (404), even with an empty body.
            APIStatusError, APIConnectionError: as for :meth:`update`.
        """
        path = phone_number_path(phone_number_id)
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        return await self._execute(APIRequest("DELETE", path, decode_nothing, options=options))

    async def list_page(
        self,
        *,
        search: str | None = None,
        label: str | None = None,
        phone_number: str | None = None,
        provider: TelephonyProvider | str | None = None,
        supports_outbound: bool | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
        sort_by: PhoneNumberSortBy | str | None = None,
        sort_direction: SortDirection | str | None = None,
        page_size: int | None = None,
        cursor: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> PhoneNumberPage:
        """One page of the account's phone numbers, searched, filtered and sorted.

        Every filter left None is not sent. Pass the page's ``next_cursor`` as
        ``cursor`` for the next page, or let :meth:`iter` follow it.

        Args:
            search: an exact phone number id, or part of a label or phone
                number (case-insensitive).
            label: part of the label (case-insensitive).
            phone_number: the phone number.
            provider: ``twilio``, ``sip_trunk`` or ``exotel``.
            supports_outbound: only numbers that can (or cannot) place calls.
            agent_id: only numbers assigned to this agent.
            branch_id: only numbers on this agent branch.
            sort_by: ``label`` or ``phone_number``.
            sort_direction: ``asc`` or ``desc``.
            page_size: numbers per page.
            cursor: where to start: the ``next_cursor`` of the page before.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt may take, for this call.

        Raises:
            InvalidRequestError: a filter of the wrong type or value.
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode.
        """
        query = optional_query(
            search=search,
            label=label,
            phone_number=phone_number,
            provider=provider,
            supports_outbound=supports_outbound,
            agent_id=agent_id,
            branch_id=branch_id,
            sort_by=sort_by,
            sort_direction=sort_direction,
            page_size=page_size,
            cursor=cursor,
        )
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        return await self._execute(
            APIRequest(
                "GET",
                PHONE_NUMBER_PAGES_PATH,
                decode_phone_number_page,
                query=query,
                options=options,
            )
        )

    def iter(
        self,
        *,
        search: str | None = None,
        label: str | None = None,
        phone_number: str | None = None,
        provider: TelephonyProvider | str | None = None,
        supports_outbound: bool | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
        sort_by: PhoneNumberSortBy | str | None = None,
        sort_direction: SortDirection | str | None = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> AsyncIterator[PhoneNumber]:
        """Every matching phone number, across pages: ``async for number in ...``.

        Takes the filters of :meth:`list_page`. Pages are fetched one at a
        time, each once the numbers before it are taken, so memory holds one
        page however large the account. The arguments are checked here, before
        anything is sent.

        Args:
            search: an exact phone number id, or part of a label or phone
                number (case-insensitive).
            label: part of the label (case-insensitive).
            phone_number: the phone number.
            provider: ``twilio``, ``sip_trunk`` or ``exotel``.
            supports_outbound: only numbers that can (or cannot) place calls.
            agent_id: only numbers assigned to this agent.
            branch_id: only numbers on this agent branch.
            sort_by: ``label`` or ``phone_number``.
            sort_direction: ``asc`` or ``desc``.
            page_size: numbers per page (per request).
            extra_headers: headers for each page's request; ``None`` removes one.
            extra_query: query parameters for each page's request. A
                ``cursor`` in it says where the first page starts; each page
                after is asked for with the cursor the page before gave.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt of each page's request may take.

        Raises:
            InvalidRequestError: a filter of the wrong type or value (at once).
            APIStatusError, APIConnectionError: while iterating, as for
                :meth:`list_page`.
            APIResponseValidationError: while iterating: a reply that does
                not decode, a cursor given a second time, or
                ``MAX_EMPTY_PAGES`` (10) empty pages in a row that each say
                more follow.
        """
        query = optional_query(
            search=search,
            label=label,
            phone_number=phone_number,
            provider=provider,
            supports_outbound=supports_outbound,
            agent_id=agent_id,
            branch_id=branch_id,
            sort_by=sort_by,
            sort_direction=sort_direction,
            page_size=page_size,
        )
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        first = APIRequest(
            "GET", PHONE_NUMBER_PAGES_PATH, decode_phone_number_page, query=query, options=options
        )
        return items_of_pages(self._client._execute, first, lambda page: page.phone_numbers)

    async def sip_messages_page(
        self,
        phone_number_id: str,
        *,
        page_size: int | None = None,
        cursor: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> SIPMessagePage:
        """One page of the SIP messages the API logged for a phone number.

        Args:
            phone_number_id: the number.
            page_size: messages per page.
            cursor: the ``next_cursor`` of the page before.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt may take, for this call.

        Raises:
            InvalidRequestError: a bad id, page size or cursor.
            NotFoundError: no such phone number (404).
            APIStatusError, APIConnectionError: as for :meth:`update`.
        """
        path = sip_messages_path(phone_number_id)
        query = optional_query(page_size=page_size, cursor=cursor)
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        return await self._execute(
            APIRequest("GET", path, decode_sip_message_page, query=query, options=options)
        )

    def iter_sip_messages(
        self,
        phone_number_id: str,
        *,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> AsyncIterator[SIPMessage]:
        """Every SIP message of a phone number, across pages, one page in memory.

        Args:
            phone_number_id: the number.
            page_size: messages per page (per request).
            extra_headers: headers for each page's request; ``None`` removes one.
            extra_query: query parameters for each page's request. A
                ``cursor`` in it says where the first page starts; each page
                after is asked for with the cursor the page before gave.
            extra_body: not for this call (it sends no body).
            timeout: seconds one attempt of each page's request may take.

        Raises:
            InvalidRequestError: a bad id or page size (at once).
            NotFoundError, APIStatusError, APIConnectionError: while iterating.
            APIResponseValidationError: while iterating: a reply that does
                not decode, a cursor given a second time, or
                ``MAX_EMPTY_PAGES`` (10) empty pages in a row that each say
                more follow.
        """
        path = sip_messages_path(phone_number_id)
        query = optional_query(page_size=page_size)
        options = RequestOptions.of(extra_headers, extra_query, extra_body, timeout)
        first = APIRequest("GET", path, decode_sip_message_page, query=query, options=options)
        return items_of_pages(self._client._execute, first, lambda page: page.sip_messages)

    # --- many at once (see elevenphone.bulk) -------------------------------------

    def iter_bulk_update(
        self,
        updates: Updates,
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        stop_on_error: bool = False,
        journal: JournalArg = None,
        on_progress: ProgressCallback | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> BulkRun[UpdateItem]:
        """Apply many updates, yielding a :class:`BulkOutcome` as each item finishes.

        Takes the same arguments as :meth:`bulk_update`. Items are pulled
        lazily and no list of items or results is kept, so any number of items
        runs in constant memory. Use it as
        ``async with client.phone_numbers.iter_bulk_update(...) as run:
        async for outcome in run: ...`` so that stopping early cancels the
        requests in flight and closes the journal.

        Errors met while iterating are those of :class:`BulkRun`.

        Args:
            updates: ``{phone_number_id: UpdatePhoneNumberRequest}``, or a sync
                or async iterable of such pairs; consumed lazily. Each number
                may appear once.
            concurrency: the most requests in flight. The run lowers its own
                limit when the API answers 429 ``concurrent_limit_exceeded``
                and raises it again as requests succeed.
            max_rate: the most requests per second (None: no cap).
            stop_on_error: start no new item once one has failed.
            journal: a path (or :class:`Journal`) of an append-only record of
                each number's state before and after its update. A journal
                serves one job and one run at a time: running again with it
                skips the numbers done already with the same update (another
                update of a number is sent); a journal of another job is
                refused. :meth:`undo` puts the numbers back. Without a journal,
                nothing is fetched before an update; with one, the state before
                is fetched with a ``get`` per number.
            on_progress: called with a :class:`BulkProgress` after each item.
            extra_headers: headers for each request of the run; ``None``
                removes one.
            extra_query: query parameters for each request of the run.
            extra_body: fields merged into each update's JSON body, unchecked.
            timeout: seconds one attempt of each request may take.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: ``updates`` or ``journal`` of the wrong type.
            InvalidRequestError: a list or tuple of updates names a number
                twice (nothing is sent).
        """
        from ..bulk.recipes import update_run

        return update_run(
            self._client,
            updates,
            concurrency=concurrency,
            max_rate=max_rate,
            stop_on_error=stop_on_error,
            journal=journal,
            on_progress=on_progress,
            options=RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
        )

    async def bulk_update(
        self,
        updates: Updates,
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        stop_on_error: bool = False,
        journal: JournalArg = None,
        on_progress: ProgressCallback | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> BulkResult:
        """Apply many updates concurrently, within the account's limits.

        Args:
            updates: ``{phone_number_id: UpdatePhoneNumberRequest}``, or a sync
                or async iterable of such pairs; consumed lazily. Each number
                may appear once.
            concurrency: the most requests in flight. Within it the run
                starts at 8, finds the account's own limit from 429
                ``concurrent_limit_exceeded`` and its counts, and follows it
                as it moves (:class:`AdaptiveConcurrencyLimit`).
            max_rate: the most requests per second (None: no cap).
            stop_on_error: start no new item once one has failed.
            journal: a path (or :class:`Journal`) of an append-only record of
                each number's state before and after its update. A journal
                serves one job and one run at a time: running again with it
                skips the numbers done already with the same update (another
                update of a number is sent); a journal of another job is
                refused. :meth:`undo` puts the numbers back. Without a journal,
                nothing is fetched before an update; with one, the state before
                is fetched with a ``get`` per number.
            on_progress: called with a :class:`BulkProgress` after each item.
            extra_headers: headers for each request of the run; ``None``
                removes one.
            extra_query: query parameters for each request of the run.
            extra_body: fields merged into each update's JSON body, unchecked.
            timeout: seconds one attempt of each request may take.

        Transient failures are retried by the client's :class:`RetryPolicy`;
        an item that still fails, or fails for good (422, 404, 400), is put in
        ``BulkResult.failed`` and the run goes on. Call
        :meth:`BulkResult.raise_for_failures` to turn failures into an error.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: an item is not a ``(str, UpdatePhoneNumberRequest)`` pair.
            InvalidRequestError: a number appears twice. A list or tuple is
                checked before anything is sent; a stream, when the repeat
                comes: the run then starts no new item, lets those in flight
                end, and raises. The repeat is never sent.
            AuthenticationError, PermissionDeniedError: the key was refused (the
                run stops).
            JournalError: the journal is in use by another run, serves another
                job, is damaged before its last line, or cannot be read or
                written (see :class:`BulkRun`).
        """
        from ..bulk.engine import collect

        return await collect(
            self.iter_bulk_update(
                updates,
                concurrency=concurrency,
                max_rate=max_rate,
                stop_on_error=stop_on_error,
                journal=journal,
                on_progress=on_progress,
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            )
        )

    async def reassign_agent(
        self,
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
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> BulkResult:
        """Move every number assigned to ``from_agent_id`` to ``to_agent_id``.

        Lists the numbers on the old agent (the ``agent_id`` list filter; a
        number listed twice is moved once), then runs :meth:`bulk_update` with
        ``agent_id=to_agent_id`` and, when given, ``branch_id`` and
        ``environment``. The list gives each number's state before, for the
        journal, so nothing else is fetched. The journal records the agents,
        branch and environment asked for; a journal of another move is
        refused before the listing.

        Args:
            from_agent_id: the agent whose numbers move.
            to_agent_id: the agent they move to.
            branch_id: the agent branch the numbers are put on (not given:
                left as it is; None: cleared).
            environment: the environment the numbers are put in (not given:
                left as it is; None: cleared).
            concurrency: the most requests in flight, lowered by the run on a
                429 ``concurrent_limit_exceeded`` and raised again as requests
                succeed.
            max_rate: the most requests per second (None: no cap).
            stop_on_error: start no new item once one has failed.
            journal: a path (or :class:`Journal`) recording each number's
                state before and after, as for :meth:`bulk_update`; running
                again with it skips the numbers moved already, and
                :meth:`undo` moves them back.
            on_progress: called with a :class:`BulkProgress` after each item.
            extra_headers: headers for each update of the run (not the
                listing); ``None`` removes one.
            extra_query: query parameters for each update of the run.
            extra_body: fields merged into each update's JSON body, unchecked.
            timeout: seconds one attempt of each update may take.

        Raises:
            InvalidRequestError: an agent id is empty, both are the same, or
                ``branch_id``/``environment`` is not a str or None.
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError, APIConnectionError: the listing failed, after retries.
            JournalError: the journal is in use by another run, serves another
                job, is damaged before its last line, or cannot be read or
                written.
        """
        from ..bulk import recipes

        return await recipes.reassign_agent(
            self._client,
            from_agent_id,
            to_agent_id,
            branch_id=branch_id,
            environment=environment,
            concurrency=concurrency,
            max_rate=max_rate,
            stop_on_error=stop_on_error,
            journal=journal,
            on_progress=on_progress,
            options=RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
        )

    async def undo(
        self,
        journal: str | os.PathLike[str] | Journal,
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        on_progress: ProgressCallback | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> BulkResult:
        """Put back every number a bulk run's journal changed.

        Each number gets back the agent, branch, environment and label it had
        before its first update under this journal (other fields, such as
        trunk settings, are not restored). Numbers whose update may or may not
        have reached the API (interrupted runs) are restored too, which is
        harmless. Each restored number is recorded as ``undone`` in the
        journal, so running undo again restores only what is left, and a bulk
        run of the same job with the journal afterwards starts afresh for
        those numbers.

        Args:
            journal: the journal of the run to undo: a path or a
                :class:`Journal`. It must exist.
            concurrency: the most requests in flight, lowered by the run on a
                429 ``concurrent_limit_exceeded`` and raised again as requests
                succeed.
            max_rate: the most requests per second (None: no cap).
            on_progress: called with a :class:`BulkProgress` after each item.
            extra_headers: headers for each request of the run; ``None``
                removes one.
            extra_query: query parameters for each request of the run.
            extra_body: fields merged into each update's JSON body, unchecked.
            timeout: seconds one attempt of each request may take.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            JournalError: the journal does not exist, is in use by another run,
                is damaged before its last line, or cannot be read or written.
            AuthenticationError, PermissionDeniedError: the key was refused.
        """
        from ..bulk import recipes

        return await recipes.undo(
            self._client,
            journal,
            concurrency=concurrency,
            max_rate=max_rate,
            on_progress=on_progress,
            options=RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
        )


class PhoneNumbersWithRawResponse:
    """``client.phone_numbers.with_raw_response``: each call of
    :class:`PhoneNumbers` that sends one request, with the same parameters,
    returning an :class:`APIResponse` of what the plain call returns.

    Args:
        phone_numbers: the resource, made with ``raw=True``, whose calls these are.
    """

    def __init__(self, phone_numbers: PhoneNumbers) -> None:
        self.update = raw_response(phone_numbers.update)
        self.get = raw_response(phone_numbers.get)
        self.list = raw_response(phone_numbers.list)
        self.create = raw_response(phone_numbers.create)
        self.delete = raw_response(phone_numbers.delete)
        self.list_page = raw_response(phone_numbers.list_page)
        self.sip_messages_page = raw_response(phone_numbers.sip_messages_page)
