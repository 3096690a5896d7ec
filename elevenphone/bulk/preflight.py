"""The check of the agents a run puts numbers on: before the first update
that assigns an agent, it must exist and not be archived, and so must the
branch the update asks for.

A reassignment checks its one target before it lists the numbers. A bulk
update checks each agent its items assign the first time one does, before
that item is sent; items that assign the same agent wait for that one check.
So when every item assigns the same agent (a list, a mapping or a stream
alike), nothing is touched unless the agent passes. In a stream whose items
assign several agents, each is checked when it first appears: numbers put on
an agent met before may already be updated when a later one fails.

A failed check raises :class:`AgentCheckError`; any other error of the check
(401, 5xx after retries, no reply) is raised as it is, since it says nothing
of the agent. Either ends the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Protocol, TypeVar, cast

from .._exceptions import AgentCheckError, NotFoundError
from .._models.agents import Agent
from .._options import CallOptions
from .._request import APIRequest, build_request
from .._wire import (
    agent_branch_path,
    agent_path,
)
from .._wire.lifecycle import (
    decode_agent,
    decode_agent_branch,
)

__all__ = ["AgentChecks", "Send"]

T = TypeVar("T")


class Send(Protocol):
    """Sends one request, with retries (the client's ``send``, or a run's)."""

    def __call__(self, request: APIRequest[T]) -> Awaitable[T]: ...


class AgentChecks:
    """The agents (and branches) of one run, each checked once.

    Args:
        options: the run's per-call options, given to each check's GET
            (``extra_body`` aside: a GET sends none).
    """

    def __init__(self, options: CallOptions) -> None:
        self._options = options.without_body()
        self._done: dict[Hashable, asyncio.Future[object]] = {}
        self._passed: set[tuple[str, str | None]] = set()

    def passed(self, agent_id: str, branch_id: str | None) -> bool:
        """Whether ``agent_id`` (and ``branch_id``) passed their check already:
        an item that assigns them needs no wait."""
        return (agent_id, branch_id) in self._passed

    async def check(
        self, agent_id: str, branch_id: str | None, send: Send, *, field: str = "agent_id"
    ) -> Agent:
        """The agent, once it and ``branch_id`` (if given) passed their check:
        one GET of each the first time they are asked for; later calls wait
        for that one and share its verdict.

        Args:
            agent_id: the agent numbers are to be put on.
            branch_id: the branch of it they are to be put on, if one is asked for.
            send: sends the GETs.
            field: the argument that named the agent, for the error.

        Raises:
            AgentCheckError: the agent or branch does not exist or is archived.
            APIStatusError, APIConnectionError, APIResponseValidationError:
                the check could not be made (as the GET raised it).
        """
        agent = cast(Agent, await self._once(agent_id, lambda: self._agent(agent_id, send, field)))
        if branch_id is not None:
            await self._once((agent_id, branch_id), lambda: self._branch(agent_id, branch_id, send))
        self._passed.add((agent_id, branch_id))
        return agent

    async def _once(self, key: Hashable, make: Callable[[], Awaitable[object]]) -> object:
        """What ``make()`` gives, made once for ``key``: later callers get the
        same value or error."""
        future = self._done.get(key)
        if future is not None:
            if future.done():
                return future.result()
            # Shielded: a caller cancelled while it waits leaves the check running.
            return await asyncio.shield(future)
        future = asyncio.get_running_loop().create_future()
        self._done[key] = future
        try:
            value = await make()
        except asyncio.CancelledError:
            # Not a verdict: whoever asks next checks again.
            del self._done[key]
            future.cancel()
            raise
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: it is raised here, and to each waiter
            raise
        future.set_result(value)
        return value

    async def _agent(self, agent_id: str, send: Send, field: str) -> Agent:
        request = build_request("GET", agent_path(agent_id), decode_agent, self._options)
        try:
            agent: Agent = await send(request)
        except NotFoundError:
            problem, reason = "does not exist", "not_found"
        else:
            if not agent.archived:
                return agent
            problem, reason = f"({agent.name}) is archived", "archived"
        # Raised outside the except block: not chained to the 404.
        raise AgentCheckError(
            f"agent {agent_id!r} {problem}; no number was put on it",
            agent_id=agent_id,
            reason=reason,
            field=field,
        )

    async def _branch(self, agent_id: str, branch_id: str, send: Send) -> None:
        path = agent_branch_path(agent_id, branch_id)
        request = build_request("GET", path, decode_agent_branch, self._options)
        try:
            branch = await send(request)
        except NotFoundError:
            problem, reason = "does not exist", "branch_not_found"
        else:
            if not branch.is_archived:
                return
            problem, reason = f"({branch.name}) is archived", "branch_archived"
        raise AgentCheckError(
            f"branch {branch_id!r} of agent {agent_id!r} {problem}; no number was put on it",
            agent_id=agent_id,
            branch_id=branch_id,
            reason=reason,
            field="branch_id",
        )
