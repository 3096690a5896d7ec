"""The agents resource: ``client.agents``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import cached_property
from typing import Annotated, TypedDict

import msgspec

from .._models import SortDirection
from .._models.agents import (
    Agent,
    AgentPage,
    AgentSortBy,
    AgentSummary,
)
from .._options import RequestOptions, Unpack
from .._public import present_as
from .._request import build_request
from .._wire import (
    AGENTS_PATH,
    agent_path,
    query_kinds,
    query_of,
)
from .._wire.lifecycle import (
    decode_agent,
    decode_agent_page,
)
from ._base import RawResponses, Resource, endpoint
from ._pages import PagedList

__all__ = ["AgentFilters", "AgentListArgs", "Agents", "AgentsWithRawResponse"]


class AgentFilters(TypedDict, total=False):
    """The filters of the workspace's agents, as :meth:`Agents.list_page` and
    :meth:`Agents.iter` take them. A filter left out or None is not sent; a
    value of the wrong type, or not one the filter allows, is refused before
    anything is sent, naming the filter and what it takes."""

    search: str | None
    """Part of the agent's name (case-insensitive)."""
    archived: bool | None
    """Only archived agents (True) or only those not archived (False);
    None: both."""
    sort_by: AgentSortBy | str | None
    """``name``, ``created_at``, ``updated_at`` or ``call_count_7d``."""
    sort_direction: SortDirection | str | None
    """``asc`` or ``desc``."""
    page_size: Annotated[int, msgspec.Meta(ge=1)] | None
    """Agents per page (per request; the API takes at most 100)."""


class AgentListArgs(AgentFilters, RequestOptions, total=False):
    """The keyword arguments of :meth:`Agents.list_page` and :meth:`Agents.iter`:
    the :class:`AgentFilters` and the per-call options (:class:`RequestOptions`)."""


class _AgentVersion(TypedDict, total=False):
    branch_id: str | None
    version_id: str | None


_VERSION = query_kinds(_AgentVersion)
_PAGES = PagedList(AGENTS_PATH, decode_agent_page, AgentFilters)


class Agents(Resource):
    """Calls on ``/v1/convai/agents``. Reached as ``client.agents``.

    :meth:`get` reads one agent (the fields a caller needs, not its
    conversation config); :meth:`list_page` and :meth:`iter` page through
    the workspace's agents. Every method takes the per-call options of
    :class:`RequestOptions`.
    """

    @cached_property
    def with_raw_response(self) -> AgentsWithRawResponse:
        """The same calls, each returning an :class:`APIResponse`."""
        return AgentsWithRawResponse(self)

    @endpoint
    async def get(
        self,
        agent_id: str,
        *,
        branch_id: str | None = None,
        version_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Agent:
        """Fetch one agent: its name, whether it is archived, its tags,
        branches, phone numbers and call limits. Its conversation config is
        not read, so no value the API adds there can fail this call.

        Args:
            agent_id: the agent to fetch.
            branch_id: the agent as on this branch (None: its main branch).
            version_id: the agent as at this version (None: the latest).
            **options: the per-call options (:class:`RequestOptions`).

        Raises:
            InvalidRequestError: ``agent_id`` is not a non-empty str, or a
                branch or version id is not a str.
            NotFoundError: no such agent, or no such branch of it (404).
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError: any other non-2xx reply, after retries.
            APIConnectionError, APITimeoutError: no reply, after retries.
            APIResponseValidationError: a 2xx reply that is not an agent.
        """
        query = query_of({"branch_id": branch_id, "version_id": version_id}, _VERSION)
        return await self._send(
            build_request("GET", agent_path(agent_id), decode_agent, options, query=query)
        )

    @endpoint
    async def list_page(
        self, *, cursor: str | None = None, **filters: Unpack[AgentListArgs]
    ) -> AgentPage:
        """One page of the workspace's agents, searched by name, archived or
        not, in the order ``sort_by`` and ``sort_direction`` give. Paging:
        :class:`PageModel`.

        Args:
            cursor: the ``next_cursor`` of the page before (None: the first page).
            **filters: the :class:`AgentFilters` and the per-call options.

        Raises:
            InvalidRequestError: a ``sort_by`` the API does not offer, a
                ``page_size`` below 1, or a filter of the wrong type.
            APIStatusError, APIConnectionError: as for :meth:`get`.
            APIResponseValidationError: a reply that is not a page of agents.
        """
        return await self._send(_PAGES.request(self._client, dict(filters, cursor=cursor)))

    def iter(self, **filters: Unpack[AgentListArgs]) -> AsyncIterator[AgentSummary]:
        """Every agent that matches, in the order asked:
        ``async for agent in client.agents.iter(archived=False)``.

        Args:
            **filters: the filters and options of :meth:`list_page`, for each page.

        Raises:
            InvalidRequestError: at once, for a filter :meth:`list_page` refuses.
            APIStatusError, APIConnectionError, APIResponseValidationError:
                while iterating (:class:`PageModel`).
        """
        return _PAGES.items(self._client, filters)


class AgentsWithRawResponse(RawResponses[Agents]):
    """``client.agents.with_raw_response``: each call of :class:`Agents` that
    sends one request (``get``, ``list_page``), with the same parameters,
    returning an :class:`APIResponse` of what the plain call returns.
    """


# This module loads on first use, after elevenphone has presented the names it
# loads at once: its public classes name elevenphone as their module here.
present_as("elevenphone", globals(), __all__)
