"""``elevenphone agents`` and ``elevenphone conversations`` as subprocesses
against the fake: what they send, print, and how they exit (a wait that runs
out of time: 8)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from cli_helpers import API_KEY, clean_env, run_cli

from elevenphone import ElevenPhone
from elevenphone.testing import FakeElevenLabs

AGENT = "agent_talker"
OTHER = "agent_quiet"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(
        api_key=API_KEY, numbers=4, seed=5, agent_ids={AGENT: "Support Agent"}, call_duration=0
    ) as fake:
        fake.add_agent(OTHER, name="Archived Agent", archived=True)
        yield fake


def _number(fake: FakeElevenLabs, provider: str = "twilio") -> str:
    return next(pid for pid, n in fake.numbers.items() if n["provider"] == provider)


def _reads(fake: FakeElevenLabs, conversation_id: str) -> list[object]:
    return [r for r in fake.requests if r.path.endswith(conversation_id)]


async def _first_read(fake: FakeElevenLabs, conversation_id: str) -> None:
    """Until the fake has served a read of the conversation (another process
    sends it: nothing in this loop could be awaited instead)."""
    while not _reads(fake, conversation_id):  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def _call(fake: FakeElevenLabs, to_number: str, *, provider: str = "twilio") -> str:
    """A call placed with the SDK; its conversation id."""
    async with ElevenPhone(API_KEY, base_url=fake.base_url) as client:
        placed = await client.calls.outbound(
            agent_id=AGENT, agent_phone_number_id=_number(fake, provider), to_number=to_number
        )
    assert placed.conversation_id is not None
    return placed.conversation_id


async def test_agents_get_shows_the_agent(fake: FakeElevenLabs) -> None:
    as_json = await run_cli("agents", "get", AGENT, "--json", fake=fake)
    assert as_json.returncode == 0, as_json.stderr
    agent = as_json.json()
    assert (agent["agent_id"], agent["name"], agent["archived"]) == (AGENT, "Support Agent", False)
    assert len(agent["phone_numbers"]) == 4

    shown = await run_cli("agents", "get", OTHER, fake=fake)
    assert shown.returncode == 0, shown.stderr
    fields = dict(line.split("\t", 1) for line in shown.stdout.splitlines()[1:])
    assert (fields["name"], fields["archived"]) == ("Archived Agent", "yes")

    missing = await run_cli("agents", "get", "agent_missing", "--json", fake=fake)
    assert missing.returncode == 5
    assert json.loads(missing.stderr)["error"]["status_code"] == 404


async def test_agents_list_searches_filters_and_sorts(fake: FakeElevenLabs) -> None:
    every = await run_cli("agents", "list", "--sort", "name", "--json", fake=fake)
    assert every.returncode == 0, every.stderr
    assert [a["name"] for a in every.json()] == ["Archived Agent", "Support Agent"]
    assert fake.requests[-1].query | {"page_size": "?"} == {
        "sort_by": "name",
        "sort_direction": "asc",
        "page_size": "?",
    }

    arguments = ("--search", "agent", "--no-archived", "--sort", "-name", "--json")
    found = await run_cli("agents", "list", *arguments, fake=fake)
    assert [a["agent_id"] for a in found.json()] == [AGENT]
    assert fake.requests[-1].query == {
        "search": "agent",
        "archived": "false",
        "sort_by": "name",
        "sort_direction": "desc",
    }

    limited = await run_cli("agents", "list", "--archived", "--limit", "1", fake=fake)
    assert limited.returncode == 0, limited.stderr
    assert fake.requests[-1].query == {"archived": "true", "page_size": "1"}
    assert OTHER in limited.stdout


async def test_conversations_wait_returns_the_outcome_with_the_call_result(
    fake: FakeElevenLabs,
) -> None:
    fake.call_duration = None  # under way until the test ends it
    fake.script_call_result("+14155550177", "voicemail")
    conversation_id = await _call(fake, "+14155550177")
    waiting = asyncio.ensure_future(
        run_cli("conversations", "wait", conversation_id, "--interval", "0.05", "--json", fake=fake)
    )
    # Ended once the command has read it under way: it waited, then saw the end.
    await _first_read(fake, conversation_id)
    fake.end_call(conversation_id)
    result = await waiting
    assert result.returncode == 0, result.stderr
    conversation = result.json()
    assert (conversation["status"], conversation["call_result"]) == ("done", "voicemail")
    assert conversation["conversation_id"] == conversation_id
    assert conversation["metadata"]["phone_call"]["external_number"] == "+14155550177"


async def test_conversations_wait_that_runs_out_of_time_exits_8(fake: FakeElevenLabs) -> None:
    fake.call_duration = None
    conversation_id = await _call(fake, "+14155550178")
    result = await run_cli(
        "conversations", "wait", conversation_id, "--timeout", "0", "--json", fake=fake
    )
    assert result.returncode == 8
    error = json.loads(result.stderr.splitlines()[-1])["error"]
    assert error["type"] == "PollTimeoutError"
    assert f"conversations wait {conversation_id}" in error["message"]
    assert len(_reads(fake, conversation_id)) == 1  # --timeout 0 looks once
    fake.end_call(conversation_id)


async def test_conversations_get_shows_the_call_and_its_transcript(fake: FakeElevenLabs) -> None:
    conversation_id = await _call(fake, "+14155550179")
    await fake.wait_for_calls()
    shown = await run_cli("conversations", "get", conversation_id, fake=fake)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    fields = dict(line.split("\t", 1) for line in lines[1 : lines.index("# transcript")])
    assert (fields["status"], fields["call result"]) == ("done", "answered")
    assert fields["other number"] == "+14155550179"
    assert any(line.startswith("0 s\tagent\t") for line in lines)

    missing = await run_cli("conversations", "get", "conv_missing", fake=fake)
    assert missing.returncode == 5


async def test_conversations_list_filters_by_agent_and_numbers(fake: FakeElevenLabs) -> None:
    twilio, exotel = _number(fake, "twilio"), _number(fake, "exotel")
    ids = [await _call(fake, "+14155550180"), await _call(fake, "+14155550181", provider="exotel")]
    await fake.wait_for_calls()

    filters = ("--agent", AGENT, "--number", twilio, "--number", exotel)
    both = await run_cli("conversations", "list", *filters, "--json", fake=fake)
    assert both.returncode == 0, both.stderr
    assert {c["conversation_id"] for c in both.json()} == set(ids)  # both numbers were sent
    sent = fake.requests[-1]
    assert sent.query["agent_id"] == AGENT

    one = await run_cli("conversations", "list", "--number", exotel, "--json", fake=fake)
    assert [c["conversation_id"] for c in one.json()] == ids[1:]

    table = await run_cli("conversations", "list", "--limit", "1", fake=fake)
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("# 1 conversations\n")


async def _completed(words: str) -> list[str]:
    env = clean_env(
        _ELEVENPHONE_COMPLETE="bash_complete",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    )
    result = await run_cli(env=env)
    assert result.returncode == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.split()]


async def test_completion_reaches_the_commands_of_groups_and_their_choices() -> None:
    assert await _completed("elevenphone conv") == ["conversations"]
    assert await _completed("elevenphone batch s") == ["submit"]
    assert await _completed("elevenphone agents list --sort ") == [
        "name",
        "created_at",
        "updated_at",
        "call_count_7d",
        "-name",
        "-created_at",
        "-updated_at",
        "-call_count_7d",
    ]


async def test_a_name_holding_escape_sequences_is_shown_not_obeyed(fake: FakeElevenLabs) -> None:
    fake.add_agent("agent_evil", name="Evil\x1b[2J\u202eAgent")
    shown = await run_cli("agents", "list", "--search", "evil", fake=fake)
    assert shown.returncode == 0, shown.stderr
    assert "Evil\\x1b[2J\\u202eAgent" in shown.stdout
    assert "\x1b" not in shown.stdout
    assert "\u202e" not in shown.stdout
    as_json = await run_cli("agents", "get", "agent_evil", "--json", fake=fake)
    assert as_json.json()["name"] == "Evil\x1b[2J\u202eAgent"  # the exact value, escaped by JSON
    assert "\x1b" not in as_json.stdout
