"""Agents and their branches: the registry, ``GET`` of one, and pages of summaries."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from elevenphone._wire.lifecycle import decode_agent, decode_agent_branch, decode_agent_page
from elevenphone.testing import FakeElevenLabs
from tests.testing.helpers import AGENTS, Api, all_pages, first_of, place_call

AGENT = "agent_3701k3ttaq12ewp8b7qv5rfyszkz"
# The keys of GET /v1/convai/agents/{id} the fake answers (conversation_config
# is there too: a client decodes only what it needs of an agent).
AGENT_KEYS = {
    "agent_id",
    "name",
    "conversation_config",
    "metadata",
    "platform_settings",
    "phone_numbers",
    "tags",
    "version_id",
    "branch_id",
    "main_branch_id",
}
SUMMARY_KEYS = {
    "agent_id",
    "name",
    "voice_id",
    "tags",
    "created_at_unix_secs",
    "updated_at_unix_secs",
    "last_call_time_unix_secs",
    "archived",
    "access_info",
}
BRANCH_KEYS = {
    "id",
    "name",
    "agent_id",
    "description",
    "created_at",
    "last_committed_at",
    "is_archived",
}


def encoded(body: Any) -> bytes:
    return json.dumps(body).encode()


# --- the registry ----------------------------------------------------------------------


def test_every_agent_of_a_seeded_number_exists_with_its_branch() -> None:
    fake = FakeElevenLabs(numbers=200, seed=3)
    assigned = [n["assigned_agent"] for n in fake.numbers.values() if n["assigned_agent"]]
    assert assigned
    for agent in assigned:
        record = fake.agents[agent["agent_id"]]
        assert record["name"] == agent["agent_name"]
        if agent["branch_id"] is not None:
            assert agent["branch_id"] in record["branches"]
    assert any(a["branch_id"] for a in assigned)


@pytest.mark.parametrize("agents", [["agent_a", "agent_b"], {"agent_a": "A", "agent_b": "B"}])
def test_the_constructors_agents_exist(agents: list[str] | dict[str, str]) -> None:
    fake = FakeElevenLabs(numbers=0, agent_ids=agents)
    assert list(fake.agents) == ["agent_a", "agent_b"]
    if isinstance(agents, dict):
        assert [r["name"] for r in fake.agents.values()] == ["A", "B"]


def test_seeded_agents_are_the_same_for_the_same_seed() -> None:
    assert FakeElevenLabs(numbers=50, seed=4).agents == FakeElevenLabs(numbers=50, seed=4).agents


def test_add_agent_registers_and_updates(fake: FakeElevenLabs) -> None:
    record = fake.add_agent(
        AGENT, name="Receptionist", branches=["agtbrch_main", ("agtbrch_old", True)]
    )
    assert fake.agents[AGENT] is record
    assert record["name"] == "Receptionist"
    assert record["platform_settings"]["archived"] is False
    assert record["main_branch_id"] == record["branch_id"] == "agtbrch_main"
    assert record["branches"]["agtbrch_old"]["is_archived"] is True
    assert record["branches"]["agtbrch_main"]["is_archived"] is False
    # Again: archived, one more branch; the name and the branches stay.
    fake.add_agent(AGENT, archived=True, branches=["agtbrch_new"])
    assert record["name"] == "Receptionist"
    assert record["platform_settings"]["archived"] is True
    assert list(record["branches"]) == ["agtbrch_main", "agtbrch_old", "agtbrch_new"]
    assert fake.add_agent("agent_B")["name"] == "Agent B"


def test_a_branch_is_an_id_or_a_pair(fake: FakeElevenLabs) -> None:
    with pytest.raises(TypeError):
        fake.add_agent(AGENT, branches=[("agtbrch_x", "yes")])  # type: ignore[list-item]
    assert AGENT not in fake.agents  # refused whole


async def test_an_update_registers_an_unknown_agent_and_its_branch(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid = first_of(fake, "twilio")
    status, _ = await api.patch(pid, {"agent_id": "agent_new", "branch_id": "agtbrch_new"})
    assert status == 200
    assert fake.agents["agent_new"]["name"] == "Agent new"
    assert list(fake.agents["agent_new"]["branches"]) == ["agtbrch_new"]


async def test_phone_numbers_are_those_assigned_now(api: Api, fake: FakeElevenLabs) -> None:
    fake.add_agent(AGENT)
    pid = first_of(fake, "exotel")
    old = fake.numbers[pid]["assigned_agent"]["agent_id"]
    assert pid in [n["phone_number_id"] for n in fake.agents[old]["phone_numbers"]]
    await api.patch(pid, {"agent_id": AGENT})
    assert pid not in [n["phone_number_id"] for n in fake.agents[old]["phone_numbers"]]
    assert fake.agents[AGENT]["phone_numbers"] == [fake.numbers[pid]]
    status, body = await api.call("GET", f"{AGENTS}/{AGENT}")
    assert (status, body["phone_numbers"]) == (200, [fake.numbers[pid]])


# --- GET /v1/convai/agents/{agent_id} ------------------------------------------------------


async def test_get_answers_the_agent_as_the_spec_gives_it(api: Api, fake: FakeElevenLabs) -> None:
    agent_id = next(iter(fake.agents))
    status, body = await api.call("GET", f"{AGENTS}/{agent_id}")
    assert status == 200
    assert body.keys() == AGENT_KEYS  # never the fake's own "branches"
    assert body["agent_id"] == agent_id
    assert body["name"] == fake.agents[agent_id]["name"]
    assert body["metadata"].keys() == {"created_at_unix_secs", "updated_at_unix_secs"}
    assert body["platform_settings"]["archived"] is False
    assert body["platform_settings"]["call_limits"] == {
        "agent_concurrency_limit": -1,
        "daily_limit": 100_000,
        "bursting_enabled": False,
    }
    assigned = [
        n for n in fake.numbers.values() if (n["assigned_agent"] or {}).get("agent_id") == agent_id
    ]
    assert body["phone_numbers"] == assigned
    assert assigned
    agent = decode_agent(encoded(body))  # the SDK reads the same fields
    assert (agent.agent_id, agent.archived) == (agent_id, False)
    assert [n.phone_number_id for n in agent.phone_numbers] == [
        n["phone_number_id"] for n in assigned
    ]


async def test_branch_and_version_in_the_query(api: Api, fake: FakeElevenLabs) -> None:
    fake.add_agent(AGENT, branches=["agtbrch_main", "agtbrch_spring"])
    _, body = await api.call("GET", f"{AGENTS}/{AGENT}")
    assert (body["branch_id"], body["main_branch_id"], body["version_id"]) == (
        "agtbrch_main",
        "agtbrch_main",
        None,
    )
    params = {"branch_id": "agtbrch_spring", "version_id": "agtvrsn_1"}
    _, body = await api.call("GET", f"{AGENTS}/{AGENT}", params=params)
    assert (body["branch_id"], body["main_branch_id"], body["version_id"]) == (
        "agtbrch_spring",
        "agtbrch_main",
        "agtvrsn_1",
    )
    status, body = await api.call(
        "GET", f"{AGENTS}/{AGENT}", params={"branch_id": "agtbrch_missing"}
    )
    assert (status, body["detail"]["status"]) == (404, "branch_not_found")


async def test_archived_and_removed_agents(api: Api, fake: FakeElevenLabs) -> None:
    fake.add_agent(AGENT, archived=True)
    _, body = await api.call("GET", f"{AGENTS}/{AGENT}")
    assert body["platform_settings"]["archived"] is True
    assert decode_agent(encoded(body)).archived is True
    del fake.agents[AGENT]
    status, body = await api.call("GET", f"{AGENTS}/{AGENT}")
    assert status == 404
    assert body["detail"]["status"] == "agent_not_found"
    assert AGENT in body["detail"]["message"]


async def test_route_method_key_then_agent(api: Api, fake: FakeElevenLabs) -> None:
    wrong = {"xi-api-key": "wrong"}
    assert (await api.call("GET", f"{AGENTS}/agent_missing", headers=wrong))[0] == 401
    assert (await api.call("GET", f"{AGENTS}/agent_missing"))[0] == 404
    status, body = await api.call("POST", f"{AGENTS}/agent_missing", json={})
    assert (status, body) == (405, {"detail": "Method Not Allowed"})
    for path in (f"{AGENTS}/", f"{AGENTS}/x/branches", f"{AGENTS}/x/branches/y/z"):
        assert await api.call("GET", path) == (404, {"detail": "Not Found"})
    # An encoded slash stays inside the ID.
    fake.add_agent("agent_a/b")
    assert (await api.call("GET", f"{AGENTS}/agent_a%2Fb"))[0] == 200


# --- GET .../branches/{branch_id} ------------------------------------------------------------


async def test_a_branch_as_the_spec_gives_it(api: Api, fake: FakeElevenLabs) -> None:
    fake.add_agent(AGENT, branches=["agtbrch_main", ("agtbrch_old", True)])
    status, body = await api.call("GET", f"{AGENTS}/{AGENT}/branches/agtbrch_old")
    assert status == 200
    assert body.keys() == BRANCH_KEYS
    assert (body["id"], body["agent_id"], body["is_archived"]) == ("agtbrch_old", AGENT, True)
    assert decode_agent_branch(encoded(body)).is_archived is True
    _, body = await api.call("GET", f"{AGENTS}/{AGENT}/branches/agtbrch_main")
    assert (body["name"], body["is_archived"]) == ("Main", False)
    status, body = await api.call("GET", f"{AGENTS}/{AGENT}/branches/agtbrch_missing")
    assert (status, body["detail"]["status"]) == (404, "branch_not_found")
    status, body = await api.call("GET", f"{AGENTS}/agent_missing/branches/agtbrch_main")
    assert (status, body["detail"]["status"]) == (404, "agent_not_found")


# --- GET /v1/convai/agents -------------------------------------------------------------------


@pytest.fixture
async def many() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(numbers=0, agent_ids={}) as fake:
        for index in range(75):
            fake.add_agent(
                f"agent_{index:02d}", name=f"{'Sales' if index % 3 else 'Support'} {index:02d}"
            )
        yield fake


async def test_pages_hold_every_agent_once(
    many: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(many, session)
    status, body = await api.call("GET", AGENTS)
    assert status == 200
    assert body.keys() == {"agents", "next_cursor", "has_more"}
    assert len(body["agents"]) == 30
    assert body["has_more"] is True
    assert body["agents"][0].keys() == SUMMARY_KEYS
    pages = await all_pages(api, AGENTS, "agents", {"page_size": "40"})
    assert [len(page) for page in pages] == [40, 35]
    ids = [a["agent_id"] for page in pages for a in page]
    # Newest first unless told otherwise.
    assert ids == [f"agent_{index:02d}" for index in reversed(range(75))]
    page = decode_agent_page(encoded(body))
    assert len(page.agents) == 30
    assert page.has_more


async def test_search_archived_and_sort(
    many: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(many, session)
    many.add_agent("agent_07", archived=True)
    many.add_agent("agent_10", archived=True)
    _, body = await api.call("GET", AGENTS, params={"search": "support", "page_size": "100"})
    assert {a["name"].split()[0] for a in body["agents"]} == {"Support"}
    assert len(body["agents"]) == 25
    _, body = await api.call("GET", AGENTS, params={"archived": "true"})
    assert [a["agent_id"] for a in body["agents"]] == ["agent_10", "agent_07"]
    assert all(a["archived"] is True for a in body["agents"])
    _, body = await api.call("GET", AGENTS, params={"archived": "false", "page_size": "100"})
    assert len(body["agents"]) == 73
    params = {"sort_by": "name", "sort_direction": "asc", "page_size": "7"}
    pages = await all_pages(api, AGENTS, "agents", params)
    names = [a["name"] for page in pages for a in page]
    assert names == sorted(names)
    assert len(names) == 75
    params = {"sort_by": "created_at", "sort_direction": "asc", "page_size": "2"}
    _, body = await api.call("GET", AGENTS, params=params)
    assert [a["agent_id"] for a in body["agents"]] == ["agent_00", "agent_01"]


async def test_calls_count_in_the_summaries(api: Api, fake: FakeElevenLabs) -> None:
    fake.add_agent("agent_quiet")
    await place_call(api, "twilio", "+15550000001", agent_id="agent_busy")
    await place_call(api, "twilio", "+15550000002", agent_id="agent_busy")
    params = {"sort_by": "call_count_7d", "sort_direction": "desc", "page_size": "100"}
    _, body = await api.call("GET", AGENTS, params=params)
    first = body["agents"][0]
    assert first["agent_id"] == "agent_busy"
    start = fake.conversations[fake.calls[0].conversation_id]["metadata"]["start_time_unix_secs"]
    assert first["last_call_time_unix_secs"] >= start
    quiet = next(a for a in body["agents"] if a["agent_id"] == "agent_quiet")
    assert quiet["last_call_time_unix_secs"] is None


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"page_size": "0"}, ("greater_than_equal", ["query", "page_size"])),
        ({"page_size": "101"}, ("less_than_equal", ["query", "page_size"])),
        ({"sort_by": "size"}, ("enum", ["query", "sort_by"])),
        ({"sort_direction": "up"}, ("enum", ["query", "sort_direction"])),
        ({"archived": "maybe"}, ("bool_parsing", ["query", "archived"])),
        ({"cursor": "garbled"}, ("value_error", ["query", "cursor"])),
    ],
)
async def test_bad_queries_are_422(
    api: Api, params: dict[str, str], error: tuple[str, list[str]]
) -> None:
    status, body = await api.call("GET", AGENTS, params=params)
    assert status == 422
    assert [(e["type"], e["loc"]) for e in body["detail"]] == [error]


async def test_a_cursor_belongs_to_its_query(
    many: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(many, session)
    _, body = await api.call("GET", AGENTS, params={"search": "sales"})
    cursor = body["next_cursor"]
    status, _ = await api.call("GET", AGENTS, params={"search": "sales", "cursor": cursor})
    assert status == 200
    status, body = await api.call("GET", AGENTS, params={"search": "support", "cursor": cursor})
    assert (status, body["detail"][0]["loc"]) == (422, ["query", "cursor"])
    status, _ = await api.call("GET", AGENTS, headers={"xi-api-key": "wrong"})
    assert status == 401
