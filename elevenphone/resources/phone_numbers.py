"""The phone-numbers resource: ``client.phone_numbers``."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping
from functools import cached_property
from typing import Annotated, Any, TypedDict

import msgspec
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
from .._options import RequestOptions, Unpack
from .._request import Operation, build_request
from .._wire import (
    PHONE_NUMBER_PAGES_PATH,
    PHONE_NUMBERS_PATH,
    decode_created_phone_number,
    decode_nothing,
    decode_phone_number_list,
    decode_phone_number_page,
    decode_sip_message_page,
    phone_number_decoder,
    phone_number_path,
    query_kinds,
    query_of,
    sip_messages_path,
)
from ._base import RawResponses, endpoint
from ._pages import PagedList
from .phone_number_runs import PhoneNumberRuns

__all__ = [
    "PhoneNumberFilters",
    "PhoneNumberListArgs",
    "PhoneNumbers",
    "PhoneNumbersWithRawResponse",
    "SIPMessageListArgs",
]

_IMPORT = Operation(
    "import", "the number may have been imported; look it up before importing it again"
)


class PhoneNumberFilters(TypedDict, total=False):
    """The filters of the account's phone numbers, as :meth:`PhoneNumbers.list_page`
    and :meth:`PhoneNumbers.iter` take them (:meth:`PhoneNumbers.list` takes
    ``provider``, ``agent_id`` and ``branch_id``). A filter left out or None
    is not sent; a value of the wrong type, or not one the filter allows, is
    refused before anything is sent, naming the filter and what it takes."""

    search: str | None
    """An exact phone number id, or part of a label or phone number (case-insensitive)."""
    label: str | None
    """Part of the label (case-insensitive)."""
    phone_number: str | None
    """The phone number."""
    provider: TelephonyProvider | str | None
    """``twilio``, ``sip_trunk`` or ``exotel``."""
    supports_outbound: bool | None
    """Only numbers that can (or cannot) place calls."""
    agent_id: str | None
    """Only numbers assigned to this agent."""
    branch_id: str | None
    """Only numbers on this agent branch."""
    sort_by: PhoneNumberSortBy | str | None
    """``label`` or ``phone_number``."""
    sort_direction: SortDirection | str | None
    """``asc`` or ``desc``."""
    page_size: Annotated[int, msgspec.Meta(ge=1)] | None
    """Numbers per page (per request)."""


class PhoneNumberListArgs(PhoneNumberFilters, RequestOptions, total=False):
    """The keyword arguments of :meth:`PhoneNumbers.list_page` and
    :meth:`PhoneNumbers.iter`: the :class:`PhoneNumberFilters` and the
    per-call options (:class:`RequestOptions`)."""


class SIPMessageListArgs(RequestOptions, total=False):
    """The keyword arguments of the SIP-message pages: ``page_size`` and the
    per-call options (:class:`RequestOptions`)."""

    page_size: Annotated[int, msgspec.Meta(ge=1)] | None
    """Messages per page (per request)."""


_FILTERS = query_kinds(PhoneNumberFilters)
_PAGES = PagedList(PHONE_NUMBER_PAGES_PATH, decode_phone_number_page, PhoneNumberFilters)
_SIP_PAGES = PagedList(sip_messages_path, decode_sip_message_page, SIPMessageListArgs)


class PhoneNumbers(PhoneNumberRuns):
    """Calls on ``/v1/convai/phone-numbers``. Reached as ``client.phone_numbers``.

    One number: :meth:`create` (import), :meth:`get`, :meth:`update`,
    :meth:`delete`, and its SIP messages (:meth:`sip_messages_page`,
    :meth:`iter_sip_messages`). The account's numbers: :meth:`list` (v1, one
    array), :meth:`list_page` and :meth:`iter` (v2: searched, sorted, paged).
    Many at once: :meth:`bulk_update`, :meth:`iter_bulk_update`,
    :meth:`reassign_agent`, :meth:`undo`.

    Every method takes the per-call options of :class:`RequestOptions`
    (``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``,
    ``max_retries``), and :attr:`with_raw_response` gives each single call
    with its raw reply.
    """

    @cached_property
    def with_raw_response(self) -> PhoneNumbersWithRawResponse:
        """The same calls, each returning an :class:`APIResponse` (status, headers,
        body, retries) whose ``parse()`` gives what the plain call returns."""
        return PhoneNumbersWithRawResponse(self)

    @endpoint
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
        **options: Unpack[RequestOptions],
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
            **options: the per-call options (:class:`RequestOptions`).

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
        if request is None:
            request = UpdatePhoneNumberRequest(
                agent_id=agent_id,
                label=label,
                inbound_trunk_config=inbound_trunk_config,  # type: ignore[arg-type]
                outbound_trunk_config=outbound_trunk_config,  # type: ignore[arg-type]
                livekit_stack=livekit_stack,  # type: ignore[arg-type]
                store_sip_messages=store_sip_messages,
                environment=environment,
                branch_id=branch_id,
            )
        elif not isinstance(request, UpdatePhoneNumberRequest):
            raise InvalidRequestError(
                f"request must be an UpdatePhoneNumberRequest, not {type(request).__name__}",
                field="request",
            )
        elif any(
            value is not UNSET
            for value in (
                agent_id,
                label,
                inbound_trunk_config,
                outbound_trunk_config,
                livekit_stack,
                store_sip_messages,
                environment,
                branch_id,
            )
        ):
            raise InvalidRequestError(
                "pass either an UpdatePhoneNumberRequest or field keywords, not both",
                field="request",
            )
        return await self._send(
            build_request(
                "PATCH",
                phone_number_path(phone_number_id),
                phone_number_decoder(phone_number_id),
                options,
                body=request,
                model=UpdatePhoneNumberRequest,
                what="update",
            )
        )

    @endpoint
    async def get(self, phone_number_id: str, **options: Unpack[RequestOptions]) -> PhoneNumber:
        """Fetch one phone number.

        Args:
            phone_number_id: the number to fetch.
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: ``phone_number_id`` is not a non-empty str.
            NotFoundError: no such phone number (404).
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode, or
                that is another phone number than ``phone_number_id``.
            RuntimeError: the client is closed.
        """
        path = phone_number_path(phone_number_id)
        return await self._send(
            build_request("GET", path, phone_number_decoder(phone_number_id), options)
        )

    @endpoint
    async def list(
        self,
        *,
        provider: TelephonyProvider | str | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[PhoneNumber]:
        """List the account's phone numbers, optionally filtered (one unpaginated array).

        Args:
            provider: only numbers of this provider (``twilio``, ``sip_trunk``,
                ``exotel``).
            agent_id: only numbers assigned to this agent.
            branch_id: only numbers on this agent branch.
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: a filter of the wrong type or value, as for
                :meth:`list_page`.
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode.
            RuntimeError: the client is closed.
        """
        filters = {"provider": provider, "agent_id": agent_id, "branch_id": branch_id}
        query = query_of(filters, _FILTERS)
        return await self._send(
            build_request("GET", PHONE_NUMBERS_PATH, decode_phone_number_list, options, query=query)
        )

    @endpoint
    async def create(
        self,
        request: CreatePhoneNumberRequest | Mapping[str, Any],
        **options: Unpack[RequestOptions],
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
            **options: the per-call options (:class:`RequestOptions`).

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
        return await self._send(
            build_request(
                "POST",
                PHONE_NUMBERS_PATH,
                decode_created_phone_number,
                options,
                body=request,
                model=CreatePhoneNumberRequest,
                what="import",
                operation=_IMPORT,
            )
        )

    @endpoint
    async def delete(self, phone_number_id: str, **options: Unpack[RequestOptions]) -> None:
        """Delete a phone number from the account: its id no longer works.
        Returns None, whatever the API's 2xx reply holds.

        Args:
            phone_number_id: the id of the number (what :meth:`create` returned).
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: ``phone_number_id`` is not a non-empty str.
            NotFoundError: no such phone number (404), even with an empty body.
            APIStatusError, APIConnectionError: as for :meth:`update`.
        """
        return await self._send(
            build_request("DELETE", phone_number_path(phone_number_id), decode_nothing, options)
        )

    @endpoint
    async def list_page(
        self, *, cursor: str | None = None, **filters: Unpack[PhoneNumberListArgs]
    ) -> PhoneNumberPage:
        """One page of the account's phone numbers from the v2 list, searched,
        filtered and sorted as ``filters`` say. Paging: :class:`PageModel`.

        Args:
            cursor: the ``next_cursor`` of the page before (None: the first page).
            **filters: the :class:`PhoneNumberFilters` and the per-call options.

        Raises:
            InvalidRequestError: an unknown ``provider`` or ``sort_by``, or
                another bad filter (nothing is sent).
            APIStatusError, APIConnectionError, APIResponseValidationError: as
                for :meth:`get`.
        """
        return await self._send(_PAGES.request(self._client, dict(filters, cursor=cursor)))

    def iter(self, **filters: Unpack[PhoneNumberListArgs]) -> AsyncIterator[PhoneNumber]:
        """Every phone number the v2 list finds, in its order:
        ``async for number in client.phone_numbers.iter(sort_by="label")``.

        Args:
            **filters: what :meth:`list_page` takes, sent with every page.

        Raises:
            InvalidRequestError: a bad filter, before anything is sent.
            APIStatusError, APIConnectionError: while iterating, as for :meth:`get`.
            APIResponseValidationError: while iterating, a page that does not
                decode or a list that would never end (:class:`PageModel`).
        """
        return _PAGES.items(self._client, filters)

    @endpoint
    async def sip_messages_page(
        self,
        phone_number_id: str,
        *,
        cursor: str | None = None,
        **arguments: Unpack[SIPMessageListArgs],
    ) -> SIPMessagePage:
        """One page of the SIP messages the API logged for a phone number
        (it stores them when the number's ``store_sip_messages`` is on).
        Paging: :class:`PageModel`.

        Args:
            phone_number_id: the number.
            cursor: where the page starts (None: at the first message).
            **arguments: ``page_size`` and the per-call options.

        Raises:
            InvalidRequestError: a bad id, page size or cursor (nothing is sent).
            NotFoundError: no such phone number (404).
            APIStatusError, APIConnectionError: as for :meth:`get`.
        """
        return await self._send(
            _SIP_PAGES.request(self._client, dict(arguments, cursor=cursor), phone_number_id)
        )

    def iter_sip_messages(
        self, phone_number_id: str, **arguments: Unpack[SIPMessageListArgs]
    ) -> AsyncIterator[SIPMessage]:
        """Every SIP message logged for a phone number, page after page, as
        :meth:`sip_messages_page` gives them.

        Args:
            phone_number_id: the number.
            **arguments: ``page_size`` and the per-call options, sent with every page.

        Raises:
            InvalidRequestError: a bad id or page size, before anything is sent.
            NotFoundError: no such phone number (404), at the first page.
            APIStatusError, APIConnectionError, APIResponseValidationError:
                while iterating (:class:`PageModel`).
        """
        return _SIP_PAGES.items(self._client, arguments, phone_number_id)


class PhoneNumbersWithRawResponse(RawResponses[PhoneNumbers]):
    """``client.phone_numbers.with_raw_response``: each call of
    :class:`PhoneNumbers` that sends one request (``update``, ``get``,
    ``list``, ``create``, ``delete``, ``list_page``, ``sip_messages_page``),
    with the same parameters, returning an :class:`APIResponse` of what the
    plain call returns.
    """
