"""The conversations resource: ``client.conversations``, what became of each call."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from functools import cached_property
from typing import Annotated, TypedDict

import msgspec

from .._models import (
    SIPMessage,
    SIPMessagePage,
)
from .._models.conversations import (
    Conversation,
    ConversationPage,
    ConversationStatus,
    ConversationSummary,
)
from .._options import RequestOptions, Unpack
from .._public import present_as
from .._request import build_request
from .._wire import (
    CONVERSATIONS_PATH,
    conversation_path,
    decode_sip_message_page,
)
from .._wire.lifecycle import (
    decode_conversation,
    decode_conversation_page,
)
from ._base import RawResponses, Resource, endpoint
from ._pages import PagedList
from ._polling import NOT_FOUND_GRACE, Poller
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


def _sip_messages_path(conversation_id: str) -> str:
    return conversation_path(conversation_id) + "/sip-messages"


_POLLER = Poller(conversation_path, decode_conversation, ENDED, "conversation", NOT_FOUND_GRACE)
_PAGES = PagedList(CONVERSATIONS_PATH, decode_conversation_page, ConversationFilters)
_SIP_PAGES = PagedList(_sip_messages_path, decode_sip_message_page, SIPMessageListArgs)


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
        self, conversation_id: str, *, interval: float = 2.0, timeout: float | None = None
    ) -> Conversation:
        """Wait until a conversation is over and return it: its status
        ``done`` or ``failed``, its ``call_result`` what became of the call.

        It reads the conversation every ``interval`` seconds, each read with
        the client's timeout and retries (:meth:`ElevenPhone.with_options`
        gives others), and waits out a 429 that outlasts them (the server's
        ``Retry-After`` when it says). A 404 before the first read is taken
        for "not written yet" (it comes right after a call is placed) for up
        to ``NOT_FOUND_GRACE`` (60) seconds, within the timeout. Cancel the
        task awaiting it to stop it.

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
        return await _POLLER.wait(self._client, conversation_id, interval, timeout)

    @endpoint
    async def list_page(
        self, *, cursor: str | None = None, **filters: Unpack[ConversationListArgs]
    ) -> ConversationPage:
        """One page of the workspace's conversations, newest first: those of
        an agent, of some phone numbers, or of calls started in a time span.
        Paging: :class:`PageModel`.

        Args:
            cursor: the ``next_cursor`` of the page before (None: the newest).
            **filters: the :class:`ConversationFilters` and the per-call options.

        Raises:
            InvalidRequestError: ``phone_number_ids`` not a list of str, a time
                not an int, or another bad filter (nothing is sent).
            APIStatusError, APIConnectionError, APIResponseValidationError: as
                for :meth:`get`.
        """
        return await self._send(_PAGES.request(self._client, dict(filters, cursor=cursor)))

    def iter(self, **filters: Unpack[ConversationListArgs]) -> AsyncIterator[ConversationSummary]:
        """Every matching conversation, newest first, back to the oldest:
        ``async for c in client.conversations.iter(agent_id=...)``.

        Args:
            **filters: the :class:`ConversationFilters` and options, given to each page.

        Raises:
            InvalidRequestError: a filter :meth:`list_page` would refuse, at once.
            APIStatusError, APIConnectionError, APIResponseValidationError:
                while iterating (:class:`PageModel`).
        """
        return _PAGES.items(self._client, filters)

    @endpoint
    async def sip_messages_page(
        self,
        conversation_id: str,
        *,
        cursor: str | None = None,
        **arguments: Unpack[SIPMessageListArgs],
    ) -> SIPMessagePage:
        """One page of the SIP messages exchanged to set up and end a
        conversation's call. Paging: :class:`PageModel`.

        Args:
            conversation_id: the conversation (a placed call's ``conversation_id``).
            cursor: the ``next_cursor`` the page before gave.
            **arguments: :class:`SIPMessageListArgs`.

        Raises:
            InvalidRequestError: the id, ``page_size`` or ``cursor`` cannot be sent.
            NotFoundError: no such conversation (404).
            APIStatusError, APIConnectionError: as for :meth:`get`.
        """
        return await self._send(
            _SIP_PAGES.request(self._client, dict(arguments, cursor=cursor), conversation_id)
        )

    def iter_sip_messages(
        self, conversation_id: str, **arguments: Unpack[SIPMessageListArgs]
    ) -> AsyncIterator[SIPMessage]:
        """The SIP messages of a conversation's call, all of them:
        ``async for message in client.conversations.iter_sip_messages(cid)``.

        Args:
            conversation_id: the conversation.
            **arguments: :class:`SIPMessageListArgs`, for each page.

        Raises:
            InvalidRequestError: before anything is sent, as :meth:`sip_messages_page`.
            NotFoundError, APIStatusError, APIConnectionError: while iterating.
            APIResponseValidationError: while iterating (:class:`PageModel`).
        """
        return _SIP_PAGES.items(self._client, arguments, conversation_id)


class ConversationsWithRawResponse(RawResponses[Conversations]):
    """``client.conversations.with_raw_response``: each call of
    :class:`Conversations` that sends one request (``get``, ``list_page``,
    ``sip_messages_page``), with the same parameters, returning an
    :class:`APIResponse` of what the plain call returns.
    """


# This module loads on first use, after elevenphone has presented the names it
# loads at once: its public classes name elevenphone as their module here.
present_as("elevenphone", globals(), __all__)
