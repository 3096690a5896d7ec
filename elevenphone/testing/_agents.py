"""Agents: the registry of agents and their branches, and the agent endpoints.

Each agent is stored as ``GET /v1/convai/agents/{agent_id}`` returns it, plus
``branches`` (``{branch_id: branch}``, each branch as
``GET .../branches/{branch_id}`` returns it), which the agent's reply leaves
out. Its ``phone_numbers`` are the numbers assigned to it, recomputed from
the phone numbers whenever it is read. Times are made up from the order in
which the agents were registered (one a day from 2025-01-01), so a seeded
fake holds the same agents on every run. Pure: no sockets, no clock.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._data import agent_name_for, branch_name_for
from ._pages import CURSOR, PAGE_SIZE, CreationOrder, page_reply, paginate, read_cursor
from ._responses import ApiResponse, detail, unprocessable
from ._validation import Field, boolean, enum, string, validate_query

#: 2025-01-01T00:00:00Z: when the first agent registered was created.
AGENT_EPOCH = 1_735_689_600
_DAY = 86_400
_WEEK = 7 * _DAY
VOICE_ID = "cjVigY5qzO86Huf0OWal"
#: An agent's call limits unless a test changes them: no maximum of its own.
DEFAULT_CALL_LIMITS = {"agent_concurrency_limit": -1, "daily_limit": 100_000}
AGENT_SORTS = ("name", "created_at", "updated_at", "call_count_7d")

Branch = str | tuple[str, bool]

_AGENTS_QUERY = {
    "page_size": PAGE_SIZE,
    "search": Field(string, None),
    "archived": Field(boolean, None),
    "sort_direction": Field(enum("asc", "desc"), "desc"),
    "sort_by": Field(enum(*AGENT_SORTS), "created_at"),
    "cursor": CURSOR,
}


def agent_not_found(agent_id: str) -> ApiResponse:
    """The 404 answer for an agent ID nobody holds."""
    return detail(404, "agent_not_found", f"Agent with id {agent_id} not found")


def branch_not_found(agent_id: str, branch_id: str) -> ApiResponse:
    """The 404 answer for a branch the agent does not have."""
    return detail(
        404, "branch_not_found", f"Branch with id {branch_id} not found for agent {agent_id}"
    )


def agent_record(agent_id: str, name: str, created: int) -> dict[str, Any]:
    """Return a new agent as the API returns it (``phone_numbers`` filled on read)."""
    return {
        "agent_id": agent_id,
        "name": name,
        "conversation_config": {
            "agent": {
                "first_message": f"Hello, this is {name}. Do you have a minute?",
                "language": "en",
                "prompt": {"prompt": "You are a helpful phone agent.", "llm": "gemini-2.0-flash"},
            },
            "tts": {"voice_id": VOICE_ID, "model_id": "eleven_flash_v2"},
        },
        "metadata": {"created_at_unix_secs": created, "updated_at_unix_secs": created},
        "platform_settings": {
            "archived": False,
            "call_limits": {**DEFAULT_CALL_LIMITS, "bursting_enabled": False},
        },
        "phone_numbers": [],
        "tags": [],
        "version_id": None,
        "branch_id": None,
        "main_branch_id": None,
        "branches": {},
    }


class AgentRegistry:
    """Agents by ID (``records``), each with its branches."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self._order = CreationOrder()

    def register(self, agent_id: str, name: str | None = None) -> dict[str, Any]:
        """Return the agent's record, creating it if unknown; ``name`` renames it."""
        record = self.records.get(agent_id)
        if record is None:
            created = AGENT_EPOCH + self._order.serial(agent_id) * _DAY
            record = agent_record(agent_id, name or agent_name_for(agent_id), created)
            self.records[agent_id] = record
        elif name is not None:
            record["name"] = name
        return record

    def name(self, agent_id: str) -> str:
        """Return the agent's name, registering the agent under a derived one if unknown."""
        return str(self.register(agent_id).get("name", agent_name_for(agent_id)))

    def add(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        archived: bool = False,
        branches: Iterable[Branch] = (),
    ) -> dict[str, Any]:
        """Register the agent (or update it: name, archived, more branches); see ``add_agent``."""
        pairs = [_branch_pair(branch) for branch in branches]
        record = self.register(agent_id, name)
        settings = record.get("platform_settings") or {}
        record["platform_settings"] = {**settings, "archived": bool(archived)}
        for branch_id, branch_archived in pairs:
            self.add_branch(agent_id, branch_id, archived=branch_archived)
        return record

    def add_branch(
        self, agent_id: str, branch_id: str, *, archived: bool | None = None
    ) -> dict[str, Any]:
        """Return the agent's branch, creating both if unknown.

        ``archived`` None keeps a known branch as it is (a new one is not
        archived). The first branch an agent gets is its main branch.
        """
        record = self.register(agent_id)
        branches: dict[str, dict[str, Any]] = record.setdefault("branches", {})
        branch = branches.get(branch_id)
        if branch is None:
            created = int(record.get("metadata", {}).get("created_at_unix_secs", AGENT_EPOCH))
            created += 3600 * (len(branches) + 1)
            main = not record.get("main_branch_id")
            branch = {
                "id": branch_id,
                "name": "Main" if main else branch_name_for(branch_id),
                "agent_id": agent_id,
                "description": "",
                "created_at": created,
                "last_committed_at": created,
                "is_archived": False,
            }
            branches[branch_id] = branch
            if main:
                record["main_branch_id"] = record["branch_id"] = branch_id
        if archived is not None:
            branch["is_archived"] = bool(archived)
        return branch

    def creation_order(self) -> list[tuple[int, dict[str, Any]]]:
        """Return ``(serial, record)`` for every agent, in the order registered."""
        return self._order.of(self.records)

    def refresh(self, numbers: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """Set each agent's ``phone_numbers`` to the numbers assigned to it; return the records."""
        assigned: dict[str, list[Any]] = {}
        for number in numbers.values():
            agent_id = (number.get("assigned_agent") or {}).get("agent_id")
            if agent_id is not None:
                assigned.setdefault(agent_id, []).append(number)
        for agent_id, record in self.records.items():
            record["phone_numbers"] = assigned.get(agent_id, [])
        return self.records


def _branch_pair(branch: object) -> tuple[str, bool]:
    if isinstance(branch, str):
        return branch, False
    if (
        isinstance(branch, tuple)
        and len(branch) == 2
        and isinstance(branch[0], str)
        and isinstance(branch[1], bool)
    ):
        return branch[0], branch[1]
    raise TypeError(f"a branch is an ID or an (ID, archived) pair, not {branch!r}")


# --- the endpoints -------------------------------------------------------------------


def get_agent(
    registry: AgentRegistry,
    numbers: Mapping[str, Mapping[str, Any]],
    agent_id: str,
    query: Mapping[str, str],
) -> ApiResponse:
    """Answer ``GET /v1/convai/agents/{agent_id}`` (query ``branch_id``, ``version_id``)."""
    record = registry.records.get(agent_id)
    if record is None:
        return agent_not_found(agent_id)
    branch_id = query.get("branch_id")
    if branch_id is not None and branch_id not in record.get("branches", {}):
        return branch_not_found(agent_id, branch_id)
    registry.refresh(numbers)
    body = {name: value for name, value in record.items() if name != "branches"}
    body["phone_numbers"] = [dict(number) for number in record["phone_numbers"]]
    if branch_id is not None:
        body["branch_id"] = branch_id
    if query.get("version_id") is not None:
        body["version_id"] = query["version_id"]
    return ApiResponse(200, copy.deepcopy(body))


def get_branch(registry: AgentRegistry, agent_id: str, branch_id: str) -> ApiResponse:
    """Answer ``GET /v1/convai/agents/{agent_id}/branches/{branch_id}``."""
    record = registry.records.get(agent_id)
    if record is None:
        return agent_not_found(agent_id)
    branch = record.get("branches", {}).get(branch_id)
    if branch is None:
        return branch_not_found(agent_id, branch_id)
    return ApiResponse(200, dict(branch))


def agents_page(
    registry: AgentRegistry,
    call_starts: Mapping[str, Sequence[int]],
    raw_query: Mapping[str, str],
    now: float,
) -> ApiResponse:
    """Answer ``GET /v1/convai/agents``: pages of agent summaries.

    ``call_starts`` holds the start times of each agent's conversations
    (``last_call_time_unix_secs``, ``call_count_7d``); ``now`` is the clock.
    """
    query, errors = validate_query(_AGENTS_QUERY, raw_query)
    scope = json.dumps(
        {name: query.get(name) for name in _AGENTS_QUERY if name not in ("page_size", "cursor")},
        sort_keys=True,
    )
    sort_by = query.get("sort_by")
    shape = (str, int) if sort_by == "name" else (int, int)
    after = read_cursor(query, scope, shape, errors)
    if errors:
        return unprocessable(errors)
    keyed = []
    for serial, record in registry.creation_order():
        summary = _summary(record, call_starts.get(str(record.get("agent_id")), ()))
        if not _matches(summary, query):
            continue
        week = sum(1 for start in call_starts.get(summary["agent_id"], ()) if start > now - _WEEK)
        sort_key = {
            "name": summary["name"],
            "created_at": summary["created_at_unix_secs"],
            "updated_at": summary["updated_at_unix_secs"],
            "call_count_7d": week,
        }[str(sort_by)]
        keyed.append(((sort_key, serial), summary))
    page, next_cursor = paginate(
        keyed,
        size=query["page_size"],
        after=after,
        descending=query["sort_direction"] == "desc",
        scope=scope,
    )
    return page_reply("agents", page, next_cursor)


def _summary(record: Mapping[str, Any], starts: Sequence[int]) -> dict[str, Any]:
    metadata = record.get("metadata") or {}
    settings = record.get("platform_settings") or {}
    tts = (record.get("conversation_config") or {}).get("tts") or {}
    created = int(metadata.get("created_at_unix_secs", AGENT_EPOCH))
    return {
        "agent_id": record.get("agent_id"),
        "name": str(record.get("name", "")),
        "voice_id": tts.get("voice_id", VOICE_ID),
        "tags": list(record.get("tags") or []),
        "created_at_unix_secs": created,
        "updated_at_unix_secs": int(metadata.get("updated_at_unix_secs", created)),
        "last_call_time_unix_secs": max(starts, default=None),
        "archived": bool(settings.get("archived")),
        "access_info": {"is_creator": True, "creator_name": "Fake Tester", "role": "admin"},
    }


def _matches(summary: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    search, archived = query["search"], query["archived"]
    if search is not None and search.lower() not in summary["name"].lower():
        return False
    return archived is None or summary["archived"] is archived
