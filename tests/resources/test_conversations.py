"""``client.conversations``: the exact requests (aioresponses, and a loopback
server for the bytes of a repeated parameter), the decoded replies, the
filters refused before anything is sent, and a call's conversation against
the fake."""

from __future__ import annotations

import json
import re

import pytest
from aioresponses import aioresponses

from elevenphone import (
    Conversation,
    ConversationPage,
    ConversationStatus,
    ConversationsWithRawResponse,
    ElevenPhone,
    InvalidRequestError,
    PhoneCallResult,
    RetryPolicy,
    SIPMessagePage,
    TwilioPhoneCall,
)
from elevenphone.testing import FakeElevenLabs
from tests.conftest import API_KEY, BASE_URL, RecordingSleep, sent_queries
from tests.lifecycle_samples import CONVERSATION_ID, conversation_reply, conversation_summary
from tests.loopback import ScriptedServer

CONVERSATIONS = "/v1/convai/conversations"
URL = re.compile(re.escape(f"{BASE_URL}{CONVERSATIONS}") + r".*")
JSON = {"Content-Type": "application/json"}
SIP_MESSAGE = {
    "call_id": "call-1",
    "phone_numbers": ["+14155550100"],
    "local_address": "198.51.100.1:5060",
    "remote_address": "203.0.113.7:5060",
    "transport": "udp",
    "raw_message": "INVITE sip:+14155550100@sip.example.com SIP/2.0",
    "error_message": "",
    "direction": "in",
    "created_at_unix_micro": 1739000000000000,
}


async def test_get_reads_the_conversation(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.get(URL, payload=conversation_reply())
    conversation = await client.conversations.get(CONVERSATION_ID)
    assert sent_queries(mocked) == [("GET", f"{CONVERSATIONS}/{CONVERSATION_ID}", [])]
    assert isinstance(conversation, Conversation)
    assert conversation.status == ConversationStatus.DONE
    assert conversation.call_result == PhoneCallResult.ANSWERED
    assert isinstance(conversation.metadata.phone_call, TwilioPhoneCall)
    assert conversation.analysis is not None
    assert conversation.analysis.call_summary_title == "Table booking"
    assert [turn.role for turn in conversation.transcript] == ["agent", "user", "agent"]


@pytest.mark.parametrize("bad", ["", " ", b"conv", None])
async def test_a_bad_id_is_refused_naming_conversation_id(
    mocked: aioresponses, client: ElevenPhone, bad: object
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.conversations.get(bad)  # type: ignore[arg-type]
    assert caught.value.field == "conversation_id"
    with pytest.raises(InvalidRequestError):
        await client.conversations.poll(bad)  # type: ignore[arg-type]
    assert sent_queries(mocked) == []


async def test_list_page_sends_every_filter_and_each_number_id(
    mocked: aioresponses, client: ElevenPhone
) -> None:
    body = {"conversations": [conversation_summary()], "next_cursor": "c2", "has_more": True}
    mocked.get(URL, payload=body)
    page = await client.conversations.list_page(
        agent_id="agent_1",
        phone_number_ids=["phnum_a", "phnum_b"],
        call_start_after_unix=1739000000,
        call_start_before_unix=1739086400,
        page_size=10,
        cursor="c1",
    )
    assert sent_queries(mocked) == [
        (
            "GET",
            CONVERSATIONS,
            [
                ("agent_id", "agent_1"),
                ("call_start_after_unix", "1739000000"),
                ("call_start_before_unix", "1739086400"),
                ("cursor", "c1"),
                ("page_size", "10"),
                ("phone_number_ids", "phnum_a"),
                ("phone_number_ids", "phnum_b"),
            ],
        )
    ]
    assert isinstance(page, ConversationPage)
    assert (page.next_cursor, page.has_more) == ("c2", True)
    assert [c.conversation_id async for c in page] == [CONVERSATION_ID]


async def test_the_number_ids_are_the_parameter_repeated_on_the_wire(
    server: ScriptedServer,
) -> None:
    server.reply(200, json.dumps({"conversations": []}), JSON)
    policy = RetryPolicy(sleep=RecordingSleep())
    async with ElevenPhone(API_KEY, base_url=server.base_url, retry_policy=policy) as client:
        await client.conversations.list_page(phone_number_ids=("phnum_a", "phnum b&c"))
    assert server.seen[0].raw_path == (
        f"{CONVERSATIONS}?phone_number_ids=phnum_a&phone_number_ids=phnum+b%26c"
    )


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"phone_number_ids": "phnum_a"}, "phone_number_ids"),
        ({"phone_number_ids": ["phnum_a", 2]}, "phone_number_ids.1"),
        ({"call_start_after_unix": "yesterday"}, "call_start_after_unix"),
        ({"call_start_before_unix": -1}, "call_start_before_unix"),
        ({"agent_id": 3}, "agent_id"),
        ({"page_size": 0}, "page_size"),
    ],
)
async def test_bad_filters_are_refused_naming_them(
    mocked: aioresponses, client: ElevenPhone, filters: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.conversations.list_page(**filters)  # type: ignore[arg-type]
    assert caught.value.field == field
    with pytest.raises(InvalidRequestError):
        client.conversations.iter(**filters)  # type: ignore[arg-type]
    assert sent_queries(mocked) == []


async def test_iter_follows_the_cursors(mocked: aioresponses, client: ElevenPhone) -> None:
    first = {"conversations": [conversation_summary(conversation_id="c_1")], "next_cursor": "n"}
    last = {"conversations": [conversation_summary(conversation_id="c_2")], "has_more": False}
    mocked.get(URL, payload=first)
    mocked.get(URL, payload=last)
    found = [c.conversation_id async for c in client.conversations.iter(agent_id="agent_1")]
    assert found == ["c_1", "c_2"]
    assert [query for _, _, query in sent_queries(mocked)] == [
        [("agent_id", "agent_1")],
        [("agent_id", "agent_1"), ("cursor", "n")],
    ]


async def test_sip_messages_of_a_conversation(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.get(URL, payload={"sip_messages": [SIP_MESSAGE], "next_cursor": "m2"})
    mocked.get(URL, payload={"sip_messages": [SIP_MESSAGE], "next_cursor": None})
    page = await client.conversations.sip_messages_page("conv 1", page_size=1)
    assert isinstance(page, SIPMessagePage)
    assert [m.transport for m in page.sip_messages] == ["udp"]
    rest = [m.call_id async for m in client.conversations.iter_sip_messages("conv 1")]
    assert rest == ["call-1"]
    path = f"{CONVERSATIONS}/conv%201/sip-messages"
    assert sent_queries(mocked) == [("GET", path, [("page_size", "1")]), ("GET", path, [])]


async def test_raw_responses_of_conversations(mocked: aioresponses, client: ElevenPhone) -> None:
    mocked.get(URL, payload=conversation_reply())
    raw_calls = client.conversations.with_raw_response
    assert isinstance(raw_calls, ConversationsWithRawResponse)
    raw = await raw_calls.get(CONVERSATION_ID)
    assert raw.status_code == 200
    assert raw.parse().conversation_id == CONVERSATION_ID


async def test_a_placed_call_is_found_by_its_number_and_ends_as_scripted() -> None:
    async with FakeElevenLabs(numbers=4, seed=5, call_duration=0) as fake:
        fake.script_call_result("+14155550123", "voicemail")
        caller = next(pid for pid, n in fake.numbers.items() if n["provider"] == "twilio")
        async with ElevenPhone(fake.api_key, base_url=fake.base_url) as client:
            placed = await client.calls.outbound(
                agent_id="agent_bot", agent_phone_number_id=caller, to_number="+14155550123"
            )
            await fake.wait_for_calls()
            conversation = await client.conversations.get(placed.conversation_id)
            listed = [
                c.conversation_id
                async for c in client.conversations.iter(phone_number_ids=[caller, "phnum_x"])
            ]
            others = [c async for c in client.conversations.iter(phone_number_ids=["phnum_x"])]
    assert conversation.status == "done"
    assert conversation.call_result == "voicemail"
    assert conversation.metadata.termination_reason == "Voicemail detected"
    assert listed == [placed.conversation_id]
    assert others == []
