"""Each call the fake places becomes a conversation that ends with its scripted result.

No test waits for a time: the calls are ended with ``end_call``, or run with
``call_duration=0`` and awaited with ``wait_for_calls``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from elevenphone._wire.lifecycle import decode_conversation, decode_conversation_page
from elevenphone.testing import FakeElevenLabs
from tests.testing.helpers import (
    CONVERSATIONS,
    Api,
    caller,
    place_call,
    within_turns,
)

TO = "+15557654321"
CONVERSATION_KEYS = {
    "agent_id",
    "agent_name",
    "conversation_id",
    "status",
    "user_id",
    "branch_id",
    "version_id",
    "environment",
    "transcript",
    "metadata",
    "analysis",
    "conversation_initiation_client_data",
    "has_audio",
    "has_user_audio",
    "has_response_audio",
    "has_auxiliary_audio",
    "user_message_count",
    "agent_message_count",
    "tag_ids",
}
SUMMARY_KEYS = {
    "agent_id",
    "agent_name",
    "conversation_id",
    "branch_id",
    "start_time_unix_secs",
    "call_duration_secs",
    "message_count",
    "status",
    "call_successful",
    "termination_reason",
    "call_summary_title",
    "direction",
}


@pytest.fixture
async def held() -> AsyncIterator[FakeElevenLabs]:
    """A fake whose calls only end when a test ends them."""
    async with FakeElevenLabs(numbers=30, seed=7, call_duration=None) as fake:
        yield fake


@pytest.fixture
async def quick() -> AsyncIterator[FakeElevenLabs]:
    """A fake whose calls end within a few turns of the event loop."""
    async with FakeElevenLabs(numbers=30, seed=7, call_duration=0) as fake:
        yield fake


def encoded(body: Any) -> bytes:
    return json.dumps(body).encode()


async def get(api: Api, conversation_id: str) -> dict[str, Any]:
    status, body = await api.call("GET", f"{CONVERSATIONS}/{conversation_id}")
    assert status == 200, body
    return dict(body)


# --- a call's life -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "kind", "sid"),
    [
        ("twilio", "twilio", "callSid"),
        ("sip_trunk", "sip_trunking", "sip_call_id"),
        ("exotel", "exotel", "callSid"),
    ],
)
async def test_a_call_starts_its_conversation(
    held: FakeElevenLabs, session: aiohttp.ClientSession, provider: str, kind: str, sid: str
) -> None:
    api = Api(held, session)
    held.script_call_result(TO, "busy")  # never connects: it stays initiated
    client_data = {"user_id": "customer-42", "dynamic_variables": {"name": "Ada"}}
    conversation_id = await place_call(
        api, provider, TO, conversation_initiation_client_data=client_data
    )
    [call] = held.calls
    assert call.conversation_id == conversation_id
    body = await get(api, conversation_id)
    assert body.keys() == CONVERSATION_KEYS
    assert body == held.conversations[conversation_id]
    assert (body["status"], body["agent_id"], body["user_id"]) == (
        "initiated",
        "agent_caller",
        "customer-42",
    )
    assert body["conversation_initiation_client_data"] == client_data
    phone_call = body["metadata"]["phone_call"]
    assert phone_call["type"] == kind
    assert phone_call["direction"] == "outbound"
    assert phone_call["phone_number_id"] == call.agent_phone_number_id
    assert phone_call["agent_number"] == call.from_number
    assert phone_call["external_number"] == TO
    assert phone_call["call_sid"] == (call.call_sid if sid == "callSid" else call.sip_call_id)
    assert phone_call["call_result"] is None
    assert body["metadata"]["call_duration_secs"] == 0
    assert body["analysis"] is None
    assert held.end_call(conversation_id) is True
    assert held.conversations[conversation_id]["metadata"]["phone_call"]["call_result"] == "busy"


async def test_an_answered_call_goes_in_progress_then_done(
    held: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(held, session)
    conversation_id = await place_call(api, "twilio", TO)
    record = held.conversations[conversation_id]
    await within_turns(lambda: record["status"] == "in-progress")
    body = await get(api, conversation_id)
    assert body["metadata"]["accepted_time_unix_secs"] >= body["metadata"]["start_time_unix_secs"]
    with pytest.raises(RuntimeError, match="end_call"):
        await held.wait_for_calls()  # it would wait for ever
    assert held.end_call(conversation_id) is True
    assert held.end_call(conversation_id) is False  # it has ended
    await held.wait_for_calls()
    body = await get(api, conversation_id)
    assert body["status"] == "done"
    metadata = body["metadata"]
    assert metadata["phone_call"]["call_result"] == "answered"
    assert metadata["termination_reason"]
    assert metadata["call_duration_secs"] > 0
    assert metadata["error"] is None
    assert body["analysis"]["call_successful"] == "success"
    assert body["analysis"]["transcript_summary"]
    assert [turn["role"] for turn in body["transcript"]] == ["agent", "user", "agent"]
    assert all(turn["message"] for turn in body["transcript"])
    conversation = decode_conversation(encoded(body))
    assert (conversation.status, conversation.call_result) == ("done", "answered")


@pytest.mark.parametrize(
    ("result", "status", "successful", "talks"),
    [
        ("answered", "done", "success", True),
        ("voicemail", "done", "failure", False),
        ("busy", "done", "failure", False),
        ("no_answer", "done", "failure", False),
        ("failed", "failed", "failure", False),
    ],
)
async def test_each_scripted_result(
    quick: FakeElevenLabs,
    session: aiohttp.ClientSession,
    result: str,
    status: str,
    successful: str,
    talks: bool,
) -> None:
    api = Api(quick, session)
    quick.script_call_result(TO, result)
    conversation_id = await place_call(api, "sip_trunk", TO)
    other = await place_call(api, "sip_trunk", "+15550000000")
    await quick.wait_for_calls()
    body = await get(api, conversation_id)
    assert body["status"] == status
    assert body["metadata"]["phone_call"]["call_result"] == result
    assert body["metadata"]["termination_reason"]
    assert body["analysis"]["call_successful"] == successful
    assert bool(body["transcript"]) is talks
    assert (body["metadata"]["call_duration_secs"] > 0) is (result in ("answered", "voicemail"))
    if result == "failed":
        assert body["metadata"]["error"]["code"] == 500
        assert body["metadata"]["error"]["reason"]
    else:
        assert body["metadata"]["error"] is None
    assert decode_conversation(encoded(body)).call_result == result
    # Only the scripted number: any other is answered.
    assert (await get(api, other))["metadata"]["phone_call"]["call_result"] == "answered"


async def test_a_script_is_checked_and_can_be_forgotten(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    with pytest.raises(ValueError, match="voicemail"):
        quick.script_call_result(TO, "hung_up")
    quick.script_call_result(TO, "busy")
    quick.script_call_result(TO, None)
    conversation_id = await place_call(Api(quick, session), "twilio", TO)
    await quick.wait_for_calls()
    assert quick.conversations[conversation_id]["metadata"]["phone_call"]["call_result"] == (
        "answered"
    )


def test_call_duration_is_checked() -> None:
    fake = FakeElevenLabs()
    assert fake.call_duration is not None
    assert 0 < fake.call_duration <= 2  # a call ends within two seconds by default
    fake.call_duration = 0
    assert fake.call_duration == 0
    fake.call_duration = None
    for bad in (-1, float("nan"), "1", True):
        with pytest.raises(ValueError, match="call_duration"):
            fake.call_duration = bad  # type: ignore[assignment]
    assert fake.call_duration is None
    with pytest.raises(ValueError, match="call_duration"):
        FakeElevenLabs(call_duration=-0.5)


async def test_register_call_starts_no_conversation(api: Api, fake: FakeElevenLabs) -> None:
    body = {"agent_id": "agent_a", "from_number": "+15550000001", "to_number": TO}
    status, _, _ = await api.raw("POST", "/v1/convai/twilio/register-call", json=body)
    assert status == 200
    assert fake.conversations == {}


async def test_closing_with_calls_under_way_leaves_them_as_they_were(
    session: aiohttp.ClientSession,
) -> None:
    async with FakeElevenLabs(numbers=5, seed=1, call_duration=None) as fake:
        conversation_id = await place_call(Api(fake, session), "twilio", TO)
        await within_turns(lambda: fake.conversations[conversation_id]["status"] == "in-progress")
    assert fake.conversations[conversation_id]["status"] == "in-progress"
    assert fake.end_call(conversation_id) is False  # nothing runs once closed


async def test_get_checks_key_route_and_id(api: Api) -> None:
    assert (await api.call("GET", f"{CONVERSATIONS}/conv_x", headers={"xi-api-key": "no"}))[
        0
    ] == 401
    status, body = await api.call("GET", f"{CONVERSATIONS}/conv_missing")
    assert status == 404
    assert body["detail"]["status"] == "conversation_not_found"
    assert "conv_missing" in body["detail"]["message"]
    assert (await api.call("DELETE", f"{CONVERSATIONS}/conv_missing"))[0] == 405
    assert (await api.call("GET", f"{CONVERSATIONS}/conv_x/audio"))[0] == 404


# --- GET /v1/convai/conversations -----------------------------------------------------------


async def test_summaries_as_the_spec_gives_them(
    quick: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(quick, session)
    conversation_id = await place_call(api, "twilio", TO)
    await quick.wait_for_calls()
    status, body = await api.call("GET", CONVERSATIONS)
    assert status == 200
    assert body.keys() == {"conversations", "next_cursor", "has_more"}
    [summary] = body["conversations"]
    assert summary.keys() == SUMMARY_KEYS
    record = quick.conversations[conversation_id]
    assert summary["conversation_id"] == conversation_id
    assert summary["status"] == "done"
    assert summary["call_successful"] == "success"
    assert summary["message_count"] == len(record["transcript"]) == 3
    assert summary["call_duration_secs"] == record["metadata"]["call_duration_secs"]
    assert summary["direction"] == "outbound"
    _, body = await api.call("GET", CONVERSATIONS, params={"summary_mode": "include"})
    assert (
        body["conversations"][0]["transcript_summary"] == record["analysis"]["transcript_summary"]
    )
    page = decode_conversation_page(encoded(body))
    assert page.conversations[0].conversation_id == conversation_id


async def test_filters_and_pages(held: FakeElevenLabs, session: aiohttp.ClientSession) -> None:
    api = Api(held, session)
    ids = [
        await place_call(api, provider, f"+1555000{index:04d}", agent_id=f"agent_{index % 2}")
        for index, provider in enumerate(["twilio", "exotel", "sip_trunk"] * 4)
    ]
    starts = {cid: held.conversations[cid]["metadata"]["start_time_unix_secs"] for cid in ids}
    # Spread the start times so that the time filters have something to cut.
    for offset, cid in enumerate(ids):
        held.conversations[cid]["metadata"]["start_time_unix_secs"] = starts[cid] + offset
    listed = await pages_of(api, {"page_size": "5"})
    assert [len(page) for page in listed] == [5, 5, 2]
    assert [s["conversation_id"] for page in listed for s in page] == ids[::-1]  # newest first
    _, body = await api.call("GET", CONVERSATIONS, params={"agent_id": "agent_1"})
    assert [s["conversation_id"] for s in body["conversations"]] == ids[1::2][::-1]
    twilio, exotel = caller(held, "twilio"), caller(held, "exotel")
    params = [("phone_number_ids", twilio), ("phone_number_ids", exotel)]
    _, body = await api.call("GET", CONVERSATIONS, params=params)
    wanted = [cid for index, cid in enumerate(ids) if index % 3 != 2]
    assert [s["conversation_id"] for s in body["conversations"]] == wanted[::-1]
    first = held.conversations[ids[3]]["metadata"]["start_time_unix_secs"]
    window = {"call_start_after_unix": str(first), "call_start_before_unix": str(first + 4)}
    _, body = await api.call("GET", CONVERSATIONS, params=window)
    assert [s["conversation_id"] for s in body["conversations"]] == ids[4:7][::-1]
    for cid in ids:
        held.end_call(cid)


async def pages_of(api: Api, params: dict[str, str]) -> list[list[Any]]:
    pages, sent = [], dict(params)
    while True:
        status, body = await api.call("GET", CONVERSATIONS, params=sent)
        assert status == 200, body
        pages.append(body["conversations"])
        if body["next_cursor"] is None:
            assert body["has_more"] is False
            return pages
        assert body["has_more"] is True
        sent["cursor"] = body["next_cursor"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"page_size": "0"}, ("greater_than_equal", ["query", "page_size"])),
        ({"page_size": "101"}, ("less_than_equal", ["query", "page_size"])),
        ({"call_start_after_unix": "soon"}, ("int_parsing", ["query", "call_start_after_unix"])),
        ({"call_successful": "maybe"}, ("enum", ["query", "call_successful"])),
        ({"summary_mode": "all"}, ("enum", ["query", "summary_mode"])),
        ({"cursor": "garbled"}, ("value_error", ["query", "cursor"])),
    ],
)
async def test_bad_queries_are_422(
    api: Api, params: dict[str, str], error: tuple[str, list[str]]
) -> None:
    status, body = await api.call("GET", CONVERSATIONS, params=params)
    assert status == 422
    assert [(e["type"], e["loc"]) for e in body["detail"]] == [error]


# --- GET .../{conversation_id}/sip-messages ------------------------------------------------


async def test_sip_messages_of_a_conversation(
    held: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    api = Api(held, session)
    twilio_call = await place_call(api, "twilio", TO)
    sip_call = await place_call(api, "sip_trunk", TO)
    path = f"{CONVERSATIONS}/{twilio_call}/sip-messages"
    assert await api.call("GET", path) == (
        200,
        {"sip_messages": [], "next_cursor": None, "has_more": False},
    )
    phone_call = held.conversations[sip_call]["metadata"]["phone_call"]
    held.add_sip_messages(phone_call["phone_number_id"], 7, call_id="another-call")
    logged = held.add_sip_messages(phone_call["phone_number_id"], 7, call_id=phone_call["call_id"])
    # Its first dialog is this call (a busy one is shorter: the next is another call).
    expected = [m for m in logged if m["call_id"] == phone_call["call_id"]][::-1]
    assert len(expected) >= 4
    path = f"{CONVERSATIONS}/{sip_call}/sip-messages"
    status, body = await api.call("GET", path, params={"page_size": "3"})
    assert status == 200
    assert body["sip_messages"] == expected[:3]  # newest first, this call's only
    status, body = await api.call("GET", path, params={"cursor": body["next_cursor"]})
    assert body["sip_messages"] == expected[3:]
    assert body["has_more"] is False
    status, body = await api.call("GET", f"{CONVERSATIONS}/conv_missing/sip-messages")
    assert (status, body["detail"]["status"]) == (404, "conversation_not_found")
    status, body = await api.call(
        "GET", f"{CONVERSATIONS}/conv_missing/sip-messages", params={"page_size": "0"}
    )
    assert status == 422  # the query before the conversation
    for cid in (twilio_call, sip_call):
        held.end_call(cid)
