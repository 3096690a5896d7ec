"""Pages that never end, on a loopback server: a run of empty pages that each
say more follow stops with an error, and a ``cursor`` in ``extra_query`` never
pins the iterator to one page."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from elevenphone import APIResponseValidationError, ElevenPhone, RetryPolicy
from elevenphone.resources._pages import MAX_EMPTY_PAGES
from tests.conftest import API_KEY, RecordingSleep, twilio_number
from tests.loopback import ScriptedServer

JSON = {"Content-Type": "application/json"}
PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"


def client_for(server: ScriptedServer) -> ElevenPhone:
    policy = RetryPolicy(sleep=RecordingSleep())
    return ElevenPhone(API_KEY, base_url=server.base_url, retry_policy=policy)


def page(numbers: list[dict[str, Any]], cursor: str | None, has_more: bool = True) -> bytes:
    body = {"phone_numbers": numbers, "next_cursor": cursor, "has_more": has_more}
    return json.dumps(body).encode()


def cursors(server: ScriptedServer) -> list[str | None]:
    """The cursor each request asked for, in order."""
    asked = [parse_qs(urlsplit(seen.raw_path).query).get("cursor") for seen in server.seen]
    return [None if values is None else values[-1] for values in asked]


async def test_empty_pages_that_never_end_stop_with_an_error(server: ScriptedServer) -> None:
    for index in range(MAX_EMPTY_PAGES + 5):  # a fresh cursor each time
        server.reply(200, page([], f"c{index}"), JSON)
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            [n async for n in client.phone_numbers.iter()]
    assert len(server.seen) == MAX_EMPTY_PAGES
    assert caught.value.message == (
        "the server gave 10 empty pages in a row, each saying more follow; paging stopped"
    )


async def test_empty_sip_message_pages_stop_too(server: ScriptedServer) -> None:
    for index in range(MAX_EMPTY_PAGES + 5):
        server.reply(200, json.dumps({"sip_messages": [], "next_cursor": f"c{index}"}), JSON)
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError, match="10 empty pages in a row"):
            [m async for m in client.phone_numbers.iter_sip_messages(PID)]
    assert len(server.seen) == MAX_EMPTY_PAGES


async def test_a_page_with_items_starts_the_count_again(server: ScriptedServer) -> None:
    runs = [MAX_EMPTY_PAGES - 1, MAX_EMPTY_PAGES - 1]
    index = 0
    for run in runs:
        for _ in range(run):
            server.reply(200, page([], f"c{index}"), JSON)
            index += 1
        number = twilio_number(phone_number_id=f"phnum_{index}")
        server.reply(200, page([number], f"c{index}"), JSON)
        index += 1
    server.reply(200, page([], None, has_more=False), JSON)
    async with client_for(server) as client:
        ids = [n.phone_number_id async for n in client.phone_numbers.iter()]
    assert ids == ["phnum_9", "phnum_19"]
    assert len(server.seen) == 2 * MAX_EMPTY_PAGES + 1


async def test_the_pages_own_cursor_wins_over_extra_query(server: ScriptedServer) -> None:
    server.reply(200, page([twilio_number(phone_number_id="phnum_1")], "c2"), JSON)
    server.reply(200, page([twilio_number(phone_number_id="phnum_2")], "c3"), JSON)
    server.reply(200, page([twilio_number(phone_number_id="phnum_3")], None, has_more=False), JSON)
    async with client_for(server) as client:
        numbers = client.phone_numbers.iter(page_size=1, extra_query={"cursor": "X", "trace": "1"})
        ids = [n.phone_number_id async for n in numbers]
    assert ids == ["phnum_1", "phnum_2", "phnum_3"]
    # extra_query's cursor says where the first page starts; the rest follow the pages.
    assert cursors(server) == ["X", "c2", "c3"]
    assert all("trace=1" in seen.raw_path for seen in server.seen)


async def test_sip_messages_follow_their_own_cursor_too(server: ScriptedServer) -> None:
    server.reply(200, json.dumps({"sip_messages": [], "next_cursor": "c2"}), JSON)
    server.reply(200, json.dumps({"sip_messages": [], "has_more": False}), JSON)
    async with client_for(server) as client:
        messages = client.phone_numbers.iter_sip_messages(PID, extra_query={"cursor": "X"})
        assert [m async for m in messages] == []
    assert cursors(server) == ["X", "c2"]
