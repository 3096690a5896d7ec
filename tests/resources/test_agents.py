"""``client.agents``: the exact requests (aioresponses), the decoded replies,
the filters refused before anything is sent, and the pages against the fake."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aioresponses import aioresponses

from elevenphone import (
    Agent,
    AgentPage,
    AgentSortBy,
    AgentsWithRawResponse,
    ElevenPhone,
    InvalidRequestError,
    NotFoundError,
    SortDirection,
    TwilioPhoneNumber,
)
from elevenphone.testing import FakeElevenLabs
from tests.conftest import BASE_URL, sent_queries, sent_requests
from tests.lifecycle_samples import AGENT_ID, agent_reply, agent_summary

AGENTS_URL = f"{BASE_URL}/v1/convai/agents"
ANY_QUERY = r"(\?.*)?$"


def urls(mocked: aioresponses) -> list[str]:
    return [url for _, url, _ in sent_requests(mocked)]


def queries(mocked: aioresponses) -> list[list[tuple[str, str]]]:
    return [query for _, _, query in sent_queries(mocked)]


async def test_get_sends_the_id_and_versions_and_reads_the_agent(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    mocked.get(re.compile(re.escape(f"{AGENTS_URL}/{AGENT_ID}") + ANY_QUERY), payload=agent_reply())
    agent = await client.agents.get(AGENT_ID, branch_id="agtbrch_0201k5", version_id="v 1")
    assert urls(mocked) == [f"{AGENTS_URL}/{AGENT_ID}?branch_id=agtbrch_0201k5&version_id=v+1"]
    assert isinstance(agent, Agent)
    assert (agent.agent_id, agent.name, agent.archived) == (AGENT_ID, "Receptionist", False)
    assert agent.tags == ["support", "en"]
    assert (agent.branch_id, agent.main_branch_id) == ("agtbrch_0201k5", "agtbrch_0001k5")
    assert isinstance(agent.phone_numbers[0], TwilioPhoneNumber)
    assert agent.call_limits is not None
    assert agent.call_limits.agent_concurrency_limit == -1


async def test_get_without_versions_sends_no_query(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    mocked.get(re.compile(re.escape(AGENTS_URL) + ".*"), payload=agent_reply())
    await client.agents.get(AGENT_ID)
    assert urls(mocked) == [f"{AGENTS_URL}/{AGENT_ID}"]


async def test_an_id_is_one_encoded_path_segment(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.get(re.compile(re.escape(AGENTS_URL) + ".*"), payload=agent_reply())
    await client.agents.get("../agent x/?")
    assert urls(mocked) == [f"{AGENTS_URL}/%2E%2E%2Fagent%20x%2F%3F"]


@pytest.mark.parametrize("bad", ["", "   ", 7, None])
async def test_a_bad_id_is_refused_naming_agent_id(
    mocked: aioresponses, client: ElevenPhone, bad: object
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.agents.get(bad)  # type: ignore[arg-type]
    assert caught.value.field == "agent_id"
    assert urls(mocked) == []


async def test_list_page_sends_each_filter_and_reads_the_page(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    body = {"agents": [agent_summary()], "next_cursor": "c2", "has_more": True}
    mocked.get(re.compile(re.escape(AGENTS_URL) + ANY_QUERY), payload=body)
    page = await client.agents.list_page(
        search="recep",
        archived=False,
        sort_by=AgentSortBy.CALL_COUNT_7D,
        sort_direction="asc",
        page_size=50,
        cursor="c1",
    )
    [url] = urls(mocked)
    assert url.startswith(f"{AGENTS_URL}?")
    assert queries(mocked) == [
        sorted(
            [
                ("search", "recep"),
                ("archived", "false"),
                ("sort_by", "call_count_7d"),
                ("sort_direction", "asc"),
                ("page_size", "50"),
                ("cursor", "c1"),
            ]
        )
    ]
    assert isinstance(page, AgentPage)
    assert (page.next_cursor, page.has_more) == ("c2", True)
    [summary] = page.agents
    assert (summary.agent_id, summary.last_call_time_unix_secs) == (AGENT_ID, 1739000000)
    assert [a.agent_id async for a in page] == [AGENT_ID]


@pytest.mark.parametrize(
    ("filters", "field", "words"),
    [
        ({"sort_by": "popularity"}, "sort_by", "name, created_at, updated_at, call_count_7d"),
        ({"sort_direction": SortDirection.ASC.value + "x"}, "sort_direction", "asc, desc"),
        ({"archived": "yes"}, "archived", "must be a bool"),
        ({"page_size": 0}, "page_size", "must be an int >= 1"),
        ({"search": 5}, "search", "must be a str"),
    ],
)
async def test_bad_filters_are_refused_naming_them(
    mocked: aioresponses, client: ElevenPhone, filters: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.agents.list_page(**filters)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in str(caught.value)
    with pytest.raises(InvalidRequestError):
        client.agents.iter(**filters)  # type: ignore[arg-type]
    assert urls(mocked) == []


async def test_iter_follows_the_cursors_with_the_same_filters(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    pages = [
        {"agents": [agent_summary(agent_id="agent_1")], "next_cursor": "c2", "has_more": True},
        {"agents": [agent_summary(agent_id="agent_2")], "next_cursor": None, "has_more": False},
    ]
    for body in pages:
        mocked.get(re.compile(re.escape(AGENTS_URL) + ANY_QUERY), payload=body)
    found = [a.agent_id async for a in client.agents.iter(search="r", extra_query={"x": "1"})]
    assert found == ["agent_1", "agent_2"]
    assert queries(mocked) == [
        [("search", "r"), ("x", "1")],
        [("cursor", "c2"), ("search", "r"), ("x", "1")],
    ]


async def test_raw_responses_of_agents(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.get(
        re.compile(re.escape(f"{AGENTS_URL}/{AGENT_ID}") + ANY_QUERY),
        payload=agent_reply(),
        headers={"request-id": "req_1"},
    )
    raw_calls = client.agents.with_raw_response
    assert isinstance(raw_calls, AgentsWithRawResponse)
    raw = await raw_calls.get(AGENT_ID)
    assert raw.status_code == 200
    assert raw.parse().name == "Receptionist"


# --- against the fake ---------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(numbers=6, seed=3, agent_ids={"agent_a": "Alpha"}) as fake:
        fake.add_agent("agent_b", name="Bravo", archived=True, branches=["agtbrch_b1"])
        fake.add_agent("agent_c", name="Charlie")
        yield fake


async def test_the_fakes_agents_are_got_and_paged(fake: FakeElevenLabs) -> None:
    async with ElevenPhone(fake.api_key, base_url=fake.base_url) as client:
        alpha = await client.agents.get("agent_a")
        assert (alpha.name, alpha.archived, len(alpha.phone_numbers)) == ("Alpha", False, 6)
        bravo = await client.agents.get("agent_b", branch_id="agtbrch_b1")
        assert (bravo.archived, bravo.branch_id) == (True, "agtbrch_b1")
        with pytest.raises(NotFoundError):
            await client.agents.get("agent_missing")
        with pytest.raises(NotFoundError):
            await client.agents.get("agent_b", branch_id="agtbrch_missing")

        first = await client.agents.list_page(page_size=2, sort_by="name", sort_direction="asc")
        assert [a.name for a in first.agents] == ["Alpha", "Bravo"]
        second = await first.next_page()
        assert second is not None
        assert [a.name for a in second.agents] == ["Charlie"]
        assert await second.next_page() is None

        every = [a.agent_id async for a in client.agents.iter(page_size=1, archived=False)]
        assert sorted(every) == ["agent_a", "agent_c"]
        named = [a.name async for a in client.agents.iter(search="rav")]
        assert named == ["Bravo"]
