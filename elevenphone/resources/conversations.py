"""The conversations resource: ``client.conversations``, what became of each call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, TypedDict

import msgspec

from .._models import (
    Conversation,
    ConversationPage,
    ConversationStatus,
    ConversationSummary,
    SIPMessage,
    SIPMessagePage,
)
from .._options import RequestOptions, Unpack, split_options
from .._request import build_request
from .._wire import (
    CONVERSATIONS_PATH,
    conversation_path,
    decode_conversation,
    decode_conversation_page,
    decode_sip_message_page,
    query_kinds,
    query_of,
)
from ._base import RawResponses, Resource, endpoint
from ._pages import items_of_pages, paged
from ._polling import NOT_FOUND_GRACE, check_poll_times, poll
from .phone_numbers import SIPMessageListArgs

__all__ = [
    "ConversationFilters",
    "ConversationListArgs",
    "Conversations",
    "ConversationsWithRawResponse",
]

ENDED = frozenset({ConversationStatus.DONE.value, ConversationStatus.FAILED.value})
"""The statuses of a conversation that is over."""


class ConversationFilters(TypedDict, total=False):
    """The filters of the workspace's conversations, as
    :meth:`Conversations.list_page` and :meth:`Conversations.iter` take them.
    A filter left out or None is not sent; a value of the wrong type is
    refused before anything is sent, naming the filter."""

    agent_id: str | None
    """Only the conversations of this agent."""
    phone_number_ids: Sequence[str] | None
    """Only the conversations of these phone numbers (the parameter is
    repeated, once per id)."""
    call_start_after_unix: int | None
    """Only calls that started after this time, in seconds since the Unix epoch."""
    call_start_before_unix: int | None
    """Only calls that started before this time, in seconds since the Unix epoch."""
    page_size: Annotated[int, msgspec.Meta(ge=1)] | None
    """Conversations per page (per request; the API takes at most 100)."""


class ConversationListArgs(ConversationFilters, RequestOptions, total=False):
    """The keyword arguments of :meth:`Conversations.list_page` and
    :meth:`Conversations.iter`: the :class:`ConversationFilters` and the
    per-call options (:class:`RequestOptions`)."""


_FILTERS = query_kinds(ConversationFilters)
_SIP_FILTERS = query_kinds(SIPMessageListArgs)


class Conversations(Resource):
    """Calls on ``/v1/convai/conversations``. Reached as ``client.conversations``.

    A placed call answers with its ``conversation_id``; the conversation says
    what became of it. :meth:`get` reads one, :meth:`poll` waits until it is
    over, :meth:`list_page` and :meth:`iter` page through them, and
    :meth:`sip_messages_page` and :meth:`iter_sip_messages` give the SIP
    messages of its call. Every method takes the per-call options of
    :class:`RequestOptions`.
    """

    @cached_property
    def with_raw_response(self) -> ConversationsWithRawResponse:
        """The same calls, each returning an :class:`APIResponse`."""
        return ConversationsWithRawResponse(self)

    @endpoint
    async def get(self, conversation_id: str, **options: Unpack[RequestOptions]) -> Conversation:
        """Fetch one conversation: its status, the phone call and its result,
        the analysis and the transcript.

        Args:
            conversation_id: the conversation to fetch (a placed call's
                ``conversation_id``).
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: ``conversation_id`` is not a non-empty str.
            NotFoundError: no such conversation (404); just after a call is
                placed it may not be written yet (:meth:`poll` waits).
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError: any other non-2xx reply, after retries.
            APIConnectionError, APITimeoutError: no reply, after retries.
            APIResponseValidationError: a 2xx reply that is not a conversation.
        """
        path = conversation_path(conversation_id)
        return await self._send(build_request("GET", path, decode_conversation, options))

    async def poll(
        self,
        conversation_id: str,
        *,
        interval: float = 2.0,
        timeout: float | None = None,
    ) -> Conversation:
        """Wait until a conversation is over: return it once its status is
        ``done`` or ``failed``. Its ``call_result`` says what became of the call.

        It reads the conversation every ``interval`` seconds. A 404 before
        the first read is taken for "not written yet" (it comes right after a
        call is placed) for up to ``NOT_FOUND_GRACE`` (60) seconds, within the
        timeout. A 429 that outlasts the request's retries is waited out (the
        server's ``Retry-After`` when it says). Each read has the client's
        timeout and retries (:meth:`ElevenPhone.with_options` gives others).
        Cancel the task awaiting it to stop it.

        Args:
            conversation_id: the conversation (a placed call's ``conversation_id``).
            interval: seconds between reads.
            timeout: seconds to wait in all (None: no limit; 0: read once).

        Raises:
            PollTimeoutError: ``timeout`` ran out first (also a
                ``TimeoutError``); ``.last`` is the conversation as last read.
            InvalidRequestError: a bad id, interval or timeout (nothing is sent).
            NotFoundError: no such conversation, still after the grace.
            APIStatusError, APIConnectionError, APIResponseValidationError: a
                read failed, as for :meth:`get`.
        """
        seconds, limit = check_poll_times(interval, timeout)
        path = conversation_path(conversation_id)
        request = build_request("GET", path, decode_conversation)
        return await poll(
            lambda: self._client.send(request),
            final=ENDED,
            what=f"conversation {conversation_id!r}",
            interval=seconds,
            timeout=limit,
            policy=self._client.retry_policy,
            not_found_grace=NOT_FOUND_GRACE,
        )

    @endpoint
    async def list_page(
        self, *, cursor: str | None = None, **filters: Unpack[ConversationListArgs]
    ) -> ConversationPage:
        """One page of the workspace's conversations, newest first.

        ``await page.next_page()`` fetches the page after it, with the same
        filters and options, or let :meth:`iter` follow them all.

        Args:
            cursor: where to start: the ``next_cursor`` of the page before.
            **filters: the :class:`ConversationFilters` and the per-call
                options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: a filter of the wrong type or value.
            APIStatusError, APIConnectionError: as for :meth:`get`.
            APIResponseValidationError: a 2xx reply that does not decode.
        """
        request = self._pages(dict(filters, cursor=cursor))
        return await self._send(request)

    def iter(self, **filters: Unpack[ConversationListArgs]) -> AsyncIterator[ConversationSummary]:
        """Every matching conversation, across pages: ``async for c in ...``.

        Pages are fetched one at a time, each once the conversations before
        it are taken. The arguments are checked here, before anything is sent.

        Args:
            **filters: the :class:`ConversationFilters` and the per-call
                options (:class:`RequestOptions`), given to each page's request.

        Raises:
            InvalidRequestError: a filter of the wrong type or value (at once).
            APIStatusError, APIConnectionError: while iterating, as for
                :meth:`list_page`.
            APIResponseValidationError: while iterating: a reply that does
                not decode, a cursor given a second time, or
                ``MAX_EMPTY_PAGES`` (10) empty pages in a row that each say
                more follow.
        """
        return items_of_pages(self._client.send(self._pages(filters)))

    def _pages(self, arguments: Mapping[str, object]) -> Any:
        filters, options = split_options(arguments)
        query = query_of(filters, _FILTERS)
        request = build_request(
            "GET", CONVERSATIONS_PATH, decode_conversation_page, options, query=query
        )
        return paged(self._client, request)

    @endpoint
    async def sip_messages_page(
        self,
        conversation_id: str,
        *,
        cursor: str | None = None,
        **arguments: Unpack[SIPMessageListArgs],
    ) -> SIPMessagePage:
        """One page of the SIP messages of a conversation's call;
        ``await page.next_page()`` fetches the next.

        Args:
            conversation_id: the conversation.
            cursor: the ``next_cursor`` of the page before.
            **arguments: ``page_size`` and the per-call options
                (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: a bad id, page size or cursor.
            NotFoundError: no such conversation (404).
            APIStatusError, APIConnectionError: as for :meth:`get`.
        """
        request = self._sip_pages(conversation_id, dict(arguments, cursor=cursor))
        return await self._send(request)

    def iter_sip_messages(
        self, conversation_id: str, **arguments: Unpack[SIPMessageListArgs]
    ) -> AsyncIterator[SIPMessage]:
        """Every SIP message of a conversation's call, across pages, one page
        in memory.

        Args:
            conversation_id: the conversation.
            **arguments: ``page_size`` and the per-call options
                (:class:`RequestOptions`), given to each page's request.

        Raises:
            InvalidRequestError: a bad id or page size (at once).
            NotFoundError, APIStatusError, APIConnectionError: while iterating.
            APIResponseValidationError: while iterating, as for :meth:`iter`.
        """
        return items_of_pages(self._client.send(self._sip_pages(conversation_id, arguments)))

    def _sip_pages(self, conversation_id: str, arguments: Mapping[str, object]) -> Any:
        path = conversation_path(conversation_id) + "/sip-messages"
        filters, options = split_options(arguments)
        query = query_of(filters, _SIP_FILTERS)
        request = build_request("GET", path, decode_sip_message_page, options, query=query)
        return paged(self._client, request)


class ConversationsWithRawResponse(RawResponses[Conversations]):
    """``client.conversations.with_raw_response``: each call of
    :class:`Conversations` that sends one request (``get``, ``list_page``,
    ``sip_messages_page``), with the same parameters, returning an
    :class:`APIResponse` of what the plain call returns.

    Args:
        resource: the resource whose calls these are.
    """
