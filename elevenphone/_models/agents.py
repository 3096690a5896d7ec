"""Agents: an agent as the reassignment preflight and a calling bot need it,
a page of agent summaries, and an agent's branch.

:class:`Agent` holds a few fields of the API's agent, not all of it: the
``conversation_config`` (prompt, voice, LLM, tools) is very large, changes
often and carries many enums, so it is not decoded at all: a value added to
the API anywhere in an agent never fails its decoding. The wire shape
(``platform_settings``, ``metadata``) is flattened here; see
:mod:`elevenphone._wire.lifecycle`.
"""

from __future__ import annotations

from typing import ClassVar

import msgspec

from .._public import present_as
from ._base import ResponseModel, StrEnum
from ._pages import PageModel
from .phone_numbers import PhoneNumber

__all__ = [
    "Agent",
    "AgentBranch",
    "AgentCallLimits",
    "AgentPage",
    "AgentSortBy",
    "AgentSummary",
]


class AgentSortBy(StrEnum):
    """What a page of agents is sorted by."""

    NAME = "name"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    CALL_COUNT_7D = "call_count_7d"


class AgentCallLimits(ResponseModel):
    """How many calls an agent may take (``platform_settings.call_limits``)."""

    agent_concurrency_limit: int | None = None
    """The most calls at a time; -1: no maximum. None when the API leaves it out."""
    daily_limit: int | None = None
    """The most calls a day. None when the API leaves it out."""
    bursting_enabled: bool | None = None
    """Whether the agent may go past the workspace's concurrency limit (at a
    higher cost). None when the API leaves it out."""


class Agent(ResponseModel):
    """An agent (``GET /v1/convai/agents/{agent_id}``), without its conversation config."""

    agent_id: str
    """The ID of the agent."""
    name: str
    """The agent's name."""
    archived: bool = False
    """Whether the agent is archived (``platform_settings.archived``); False
    when the API leaves it out."""
    tags: list[str] = msgspec.field(default_factory=list)
    """The agent's tags."""
    created_at_unix_secs: int | None = None
    """When the agent was created, in seconds since the Unix epoch (``metadata``)."""
    updated_at_unix_secs: int | None = None
    """When the agent was last updated, in seconds since the Unix epoch (``metadata``)."""
    branch_id: str | None = None
    """The branch this reply describes, when the API names one."""
    main_branch_id: str | None = None
    """The agent's main branch, when it has branches."""
    version_id: str | None = None
    """The version this reply describes, when the API names one."""
    phone_numbers: list[PhoneNumber] = msgspec.field(default_factory=list)
    """The phone numbers assigned to the agent, each as the Struct of its
    provider (:class:`GenericPhoneNumber` for a provider this version does not know)."""
    call_limits: AgentCallLimits | None = None
    """The agent's call limits (``platform_settings.call_limits``), None when
    the API leaves them out."""


class AgentSummary(ResponseModel):
    """An agent as a page of agents lists it (``GET /v1/convai/agents``)."""

    agent_id: str
    """The ID of the agent."""
    name: str
    """The agent's name."""
    created_at_unix_secs: int
    """When the agent was created, in seconds since the Unix epoch."""
    tags: list[str] = msgspec.field(default_factory=list)
    """The agent's tags."""
    updated_at_unix_secs: int | None = None
    """When the agent was last updated, in seconds since the Unix epoch."""
    last_call_time_unix_secs: int | None = None
    """When the agent last took or placed a call, None if it never did."""
    archived: bool = False
    """Whether the agent is archived; False when the API leaves it out."""
    voice_id: str | None = None
    """The ID of the agent's voice."""


class AgentPage(PageModel[AgentSummary], kw_only=True):
    """One page of agents (``GET /v1/convai/agents``).

    ``await page.next_page()`` fetches the next page (None after the last);
    ``async for agent in page`` takes this page's agents.
    """

    items_field: ClassVar[str] = "agents"

    agents: list[AgentSummary]
    """The agents of this page."""
    next_cursor: str | None = None
    """Pass it as ``cursor`` for the next page; None on the last page."""


class AgentBranch(ResponseModel):
    """A branch of an agent (``GET /v1/convai/agents/{agent_id}/branches/{branch_id}``)."""

    id: str
    """The ID of the branch."""
    name: str
    """The branch's name."""
    agent_id: str
    """The agent the branch belongs to."""
    is_archived: bool = False
    """Whether the branch is archived; False when the API leaves it out."""
    description: str | None = None
    """What the branch is for."""
    created_at: int | None = None
    """When the branch was created, in seconds since the Unix epoch."""
    last_committed_at: int | None = None
    """When the branch last changed, in seconds since the Unix epoch."""


# This module loads on first use, after elevenphone has presented the names it
# loads at once: its public classes name elevenphone as their module here.
present_as("elevenphone", globals(), __all__)
