"""Import, delete, pages and SIP messages of ``client.phone_numbers``, on a
loopback server: the exact request, the decoded reply, the errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from elevenphone import (
    APIConnectionError,
    APIResponseValidationError,
    CreateExotelPhoneNumberRequest,
    CreatePhoneNumberResponse,
    CreateSIPTrunkPhoneNumberRequest,
    CreateTwilioPhoneNumberRequest,
    ElevenPhone,
    InternalServerError,
    InvalidRequestError,
    MediaCodec,
    NotFoundError,
    OutboundSIPTrunkConfig,
    PhoneNumberPage,
    RateLimitError,
    RetryPolicy,
    SIPMessage,
    SIPTrunkCredentials,
    SIPTrunkPhoneNumber,
    TwilioPhoneNumber,
    TwilioRegionConfig,
)
from tests.conftest import API_KEY, RecordingSleep, sip_trunk_number, twilio_number
from tests.loopback import ScriptedServer
from tests.refusals import assert_names_field

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"
JSON = {"Content-Type": "application/json"}


def client_for(server: ScriptedServer | str, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    base_url = server if isinstance(server, str) else server.base_url
    return ElevenPhone(API_KEY, base_url=base_url, **kwargs)  # type: ignore[arg-type]


def sent(server: ScriptedServer, index: int = -1) -> Any:
    return json.loads(server.seen[index].body)


# --- create ------------------------------------------------------------------------------


TWILIO = CreateTwilioPhoneNumberRequest(
    phone_number="+14155550100",
    label="Sales",
    sid="ACxxxxxxxx",
    token="twilio-auth-token-secret",
    region_config=TwilioRegionConfig(
        region_id="ie1",  # type: ignore[arg-type]
        token="region-token-secret",
        edge_location="dublin",  # type: ignore[arg-type]
    ),
    enable_sms=False,
)
EXOTEL = CreateExotelPhoneNumberRequest(
    phone_number="+919800000000",
    label="India",
    account_sid="acct",
    api_key="exotel-api-key-secret",
    api_token="exotel-api-token-secret",
    api_subdomain="api.in.exotel.com",  # type: ignore[arg-type]
    app_id="12345",
)
SIP = CreateSIPTrunkPhoneNumberRequest(
    phone_number="+442071838750",
    label="Trunk",
    agent_id="agent_a",
    outbound_trunk_config=OutboundSIPTrunkConfig(
        address="sip.example.com",
        credentials=SIPTrunkCredentials(username="u", password="sip-password-secret"),
        enabled_codecs=[MediaCodec.PCMU_8000, MediaCodec.G722_8000],
    ),
)
SECRETS = [
    "twilio-auth-token-secret",
    "region-token-secret",
    "exotel-api-key-secret",
    "exotel-api-token-secret",
    "sip-password-secret",
]


@pytest.mark.parametrize(
    ("request_", "body"),
    [
        (
            TWILIO,
            {
                "provider": "twilio",
                "phone_number": "+14155550100",
                "label": "Sales",
                "sid": "ACxxxxxxxx",
                "token": "twilio-auth-token-secret",
                "region_config": {
                    "region_id": "ie1",
                    "token": "region-token-secret",
                    "edge_location": "dublin",
                },
                "enable_sms": False,
            },
        ),
        (
            EXOTEL,
            {
                "provider": "exotel",
                "phone_number": "+919800000000",
                "label": "India",
                "account_sid": "acct",
                "api_key": "exotel-api-key-secret",
                "api_token": "exotel-api-token-secret",
                "api_subdomain": "api.in.exotel.com",
                "app_id": "12345",
            },
        ),
        (
            SIP,
            {
                "provider": "sip_trunk",
                "phone_number": "+442071838750",
                "label": "Trunk",
                "agent_id": "agent_a",
                "outbound_trunk_config": {
                    "address": "sip.example.com",
                    "credentials": {"username": "u", "password": "sip-password-secret"},
                    "enabled_codecs": ["PCMU/8000", "G722/8000"],
                },
            },
        ),
    ],
    ids=["twilio", "exotel", "sip_trunk"],
)
async def test_create_sends_the_provider_tagged_body_and_returns_the_id(
    server: ScriptedServer, request_: Any, body: dict[str, Any]
) -> None:
    server.reply(200, json.dumps({"phone_number_id": "phnum_new"}), JSON)
    async with client_for(server) as client:
        created = await client.phone_numbers.create(request_)
    assert isinstance(created, CreatePhoneNumberResponse)
    assert created.phone_number_id == "phnum_new"
    [seen] = server.seen
    assert (seen.method, seen.raw_path) == ("POST", "/v1/convai/phone-numbers")
    assert json.loads(seen.body) == body
    assert next(iter(json.loads(seen.body))) == "provider"


async def test_create_takes_a_mapping_tagged_by_provider(server: ScriptedServer) -> None:
    server.reply(200, json.dumps({"phone_number_id": "phnum_new"}), JSON)
    async with client_for(server) as client:
        await client.phone_numbers.create(
            {"provider": "sip_trunk", "phone_number": "+1", "label": "L"}
        )
    assert sent(server) == {"provider": "sip_trunk", "phone_number": "+1", "label": "L"}


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"provider": "twilio", "phone_number": "+1", "label": "L", "sid": "AC"}, "token"),
        ({"provider": "exotel", "phone_number": "+1", "label": "L"}, "account_sid"),
        ({"provider": "pigeon", "phone_number": "+1", "label": "L"}, "provider"),
        ({"phone_number": "+1", "label": "L"}, "provider"),
        (
            {
                "provider": "sip_trunk",
                "phone_number": "+1",
                "label": "L",
                "outbound_trunk_config": {"address": "a", "enabled_codecs": ["opus"]},
            },
            "enabled_codecs",
        ),
        (
            {
                "provider": "twilio",
                "phone_number": "+1",
                "label": "L",
                "sid": "AC",
                "token": "t",
                "region_config": {"region_id": "mars1", "token": "t", "edge_location": "tokyo"},
            },
            "region_id",
        ),
    ],
)
async def test_create_refuses_a_bad_request_before_sending(
    server: ScriptedServer, request_: dict[str, Any], field: str
) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.phone_numbers.create(request_)
        assert_names_field(caught.value, field)
    assert server.seen == []


def test_a_missing_required_field_fails_at_construction() -> None:
    with pytest.raises(TypeError):
        CreateTwilioPhoneNumberRequest(phone_number="+1", label="L", sid="AC")  # type: ignore[call-arg]
    # token was the one missing (msgspec words the TypeError; it is not checked).
    CreateTwilioPhoneNumberRequest(phone_number="+1", label="L", sid="AC", token="t")


def test_secrets_never_show_in_a_repr() -> None:
    for request in (TWILIO, EXOTEL, SIP):
        text = repr(request)
        assert all(secret not in text for secret in SECRETS), text
        assert "'***'" in text


async def test_secrets_never_show_in_errors_or_logs(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="elevenphone")
    server.reply(503, b"down")
    async with client_for(server) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.phone_numbers.create(TWILIO)
        bad = {"provider": "twilio", "phone_number": "+1", "label": "L", "sid": 5}
        bad["token"] = "twilio-auth-token-secret"
        with pytest.raises(InvalidRequestError) as refused:
            await client.phone_numbers.create(bad)
    for text in (str(caught.value), repr(caught.value), str(refused.value), caplog.text):
        assert all(secret not in text for secret in SECRETS)


# --- create is never sent twice unless certainly not acted on -------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
async def test_create_is_not_retried_after_a_reply_that_may_follow_acting(
    server: ScriptedServer, status: int
) -> None:
    server.reply(status, b"")
    async with client_for(server) as client:
        with pytest.raises(Exception) as caught:  # noqa: PT011 - the type varies by status
            await client.phone_numbers.create(SIP)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is True  # type: ignore[attr-defined]
    assert "not retried" in str(caught.value)


async def test_create_is_not_retried_after_a_reset(server: ScriptedServer) -> None:
    server.reset()
    async with client_for(server) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.phone_numbers.create(SIP)
    assert len(server.seen) == 1
    assert caught.value.request_sent is True
    assert caught.value.outcome_unknown is True


async def test_create_is_not_retried_after_a_timeout(server: ScriptedServer) -> None:
    server.stall()
    async with client_for(server, timeout=0.2) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.phone_numbers.create(SIP)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is True


async def test_create_is_retried_after_a_429(server: ScriptedServer) -> None:
    server.reply(429, json.dumps({"detail": {"code": "rate_limit_exceeded", "message": "slow"}}))
    server.reply(200, json.dumps({"phone_number_id": "phnum_new"}), JSON)
    async with client_for(server) as client:
        created = await client.phone_numbers.create(SIP)
    assert created.phone_number_id == "phnum_new"
    assert len(server.seen) == 2


async def test_create_is_retried_when_the_connection_cannot_be_made() -> None:
    sleeps = RecordingSleep()
    client = ElevenPhone(
        API_KEY,
        base_url="http://127.0.0.1:9",  # discard: nothing listens
        retry_policy=RetryPolicy(sleep=sleeps),
        max_retries=2,
    )
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await client.phone_numbers.create(SIP)
    assert caught.value.request_sent is False
    assert caught.value.outcome_unknown is False
    assert len(sleeps.delays) == 2  # retried twice: nothing was sent


async def test_a_429_storm_on_create_ends_in_a_rate_limit_error(server: ScriptedServer) -> None:
    for _ in range(3):
        server.reply(429, json.dumps({"detail": {"code": "rate_limit_exceeded"}}))
    async with client_for(server) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.phone_numbers.create(SIP)
    assert caught.value.outcome_unknown is False
    assert len(server.seen) == 3


# --- delete -------------------------------------------------------------------------------


async def test_delete_returns_none(server: ScriptedServer) -> None:
    server.reply(200, b"{}", JSON)
    async with client_for(server) as client:
        assert await client.phone_numbers.delete(PID) is None
    assert (server.seen[0].method, server.seen[0].raw_path) == (
        "DELETE",
        f"/v1/convai/phone-numbers/{PID}",
    )
    assert server.seen[0].body == b""


@pytest.mark.parametrize("body", [b"", b"   ", b'{"detail":{"status":"phone_number_not_found"}}'])
async def test_delete_of_an_unknown_number_raises_not_found_even_with_an_empty_body(
    server: ScriptedServer, body: bytes
) -> None:
    server.reply(404, body)
    async with client_for(server) as client:
        with pytest.raises(NotFoundError):
            await client.phone_numbers.delete(PID)
    assert len(server.seen) == 1


# --- pages --------------------------------------------------------------------------------


def page(numbers: list[dict[str, Any]], cursor: str | None, **extra: Any) -> bytes:
    body: dict[str, Any] = {"phone_numbers": numbers, "next_cursor": cursor, **extra}
    return json.dumps(body).encode()


async def test_list_page_sends_every_filter_and_decodes_each_provider(
    server: ScriptedServer,
) -> None:
    server.reply(200, page([twilio_number(), sip_trunk_number()], "c2", has_more=True), JSON)
    async with client_for(server) as client:
        got = await client.phone_numbers.list_page(
            search="Sales",
            label="sal",
            phone_number="+1415",
            provider="twilio",
            supports_outbound=False,
            agent_id="agent_a",
            branch_id="agtbrch_b",
            sort_by="label",
            sort_direction="desc",
            page_size=2,
            cursor="c1",
        )
    assert server.seen[0].raw_path == (
        "/v1/convai/v2/phone-numbers?search=Sales&label=sal&phone_number=%2B1415"
        "&provider=twilio&supports_outbound=false&agent_id=agent_a&branch_id=agtbrch_b"
        "&sort_by=label&sort_direction=desc&page_size=2&cursor=c1"
    )
    assert isinstance(got, PhoneNumberPage)
    assert [type(n) for n in got.phone_numbers] == [TwilioPhoneNumber, SIPTrunkPhoneNumber]
    assert (got.next_cursor, got.has_more) == ("c2", True)


async def test_list_page_sends_nothing_it_was_not_given(server: ScriptedServer) -> None:
    server.reply(200, page([], None), JSON)
    async with client_for(server) as client:
        got = await client.phone_numbers.list_page()
    assert server.seen[0].raw_path == "/v1/convai/v2/phone-numbers"
    assert (got.phone_numbers, got.next_cursor, got.has_more) == ([], None, False)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"provider": "pigeon"}, "provider"),
        ({"sort_by": "agent"}, "sort_by"),
        ({"sort_direction": "up"}, "sort_direction"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": True}, "page_size"),
        ({"supports_outbound": "yes"}, "supports_outbound"),
        ({"search": 5}, "search"),
    ],
)
async def test_bad_filters_are_refused_before_sending(
    server: ScriptedServer, kwargs: dict[str, Any], field: str
) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.phone_numbers.list_page(**kwargs)
        assert_names_field(caught.value, field)
        with pytest.raises(InvalidRequestError) as caught:
            client.phone_numbers.iter(**kwargs)
        assert_names_field(caught.value, field)
    assert server.seen == []


async def test_iter_follows_the_cursor_one_page_at_a_time(server: ScriptedServer) -> None:
    first = [twilio_number(phone_number_id=f"phnum_{i}") for i in range(3)]
    second = [twilio_number(phone_number_id=f"phnum_{i}") for i in range(3, 5)]
    server.reply(200, page(first, "c2", has_more=True), JSON)
    server.reply(200, page(second, None, has_more=False), JSON)
    async with client_for(server) as client:
        numbers = client.phone_numbers.iter(agent_id="agent_a", page_size=3)
        assert server.seen == []  # nothing until iteration starts
        taken = [await anext(numbers) for _ in range(3)]
        assert len(server.seen) == 1  # the second page waits for the first to be taken
        taken += [n async for n in numbers]
    assert [n.phone_number_id for n in taken] == [f"phnum_{i}" for i in range(5)]
    assert [s.raw_path for s in server.seen] == [
        "/v1/convai/v2/phone-numbers?agent_id=agent_a&page_size=3",
        "/v1/convai/v2/phone-numbers?agent_id=agent_a&page_size=3&cursor=c2",
    ]


async def test_iter_goes_on_when_has_more_is_left_out(server: ScriptedServer) -> None:
    server.reply(200, page([twilio_number()], "c2"), JSON)
    server.reply(200, page([twilio_number()], None), JSON)
    async with client_for(server) as client:
        assert len([n async for n in client.phone_numbers.iter()]) == 2


async def test_iter_stops_rather_than_loop_on_a_repeated_cursor(server: ScriptedServer) -> None:
    for _ in range(3):
        server.reply(200, page([twilio_number()], "same", has_more=True), JSON)
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError, match="second time"):
            [n async for n in client.phone_numbers.iter()]
    assert len(server.seen) == 2


# --- SIP messages -------------------------------------------------------------------------


def sip_message(call_id: str, **overrides: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "call_id": call_id,
        "phone_numbers": ["+442071838750"],
        "local_address": "10.0.0.1:5060",
        "remote_address": "203.0.113.7:5060",
        "transport": "udp",
        "raw_message": "INVITE sip:+442071838750@sip.example.com SIP/2.0\r\n...",
        "error_message": "",
        "direction": "in",
        "created_at_unix_micro": 1764240000123456,
    }
    message.update(overrides)
    return message


async def test_sip_messages_page_decodes_every_field(server: ScriptedServer) -> None:
    body = {
        "sip_messages": [sip_message("c1"), sip_message("c2", direction="out")],
        "next_cursor": "n",
        "has_more": True,
    }
    server.reply(200, json.dumps(body), JSON)
    async with client_for(server) as client:
        got = await client.phone_numbers.sip_messages_page(PID, page_size=2, cursor="x")
    assert server.seen[0].raw_path == (
        f"/v1/convai/phone-numbers/{PID}/sip-messages?page_size=2&cursor=x"
    )
    first = got.sip_messages[0]
    assert isinstance(first, SIPMessage)
    assert first.to_dict() == sip_message("c1")
    assert got.sip_messages[1].direction == "out"
    assert (got.next_cursor, got.has_more) == ("n", True)


async def test_iter_sip_messages_follows_the_cursor(server: ScriptedServer) -> None:
    server.reply(200, json.dumps({"sip_messages": [sip_message("a")], "next_cursor": "2"}), JSON)
    server.reply(200, json.dumps({"sip_messages": [sip_message("b")], "has_more": False}), JSON)
    async with client_for(server) as client:
        ids = [m.call_id async for m in client.phone_numbers.iter_sip_messages(PID, page_size=1)]
    assert ids == ["a", "b"]
    assert server.seen[1].raw_path.endswith("sip-messages?page_size=1&cursor=2")


async def test_raw_responses_cover_the_new_calls(server: ScriptedServer) -> None:
    server.reply(200, json.dumps({"phone_number_id": "phnum_new"}), JSON)
    server.reply(200, b"{}", JSON)
    server.reply(200, page([twilio_number()], None), JSON)
    server.reply(200, json.dumps({"sip_messages": []}), JSON)
    async with client_for(server) as client:
        raw = client.phone_numbers.with_raw_response
        created = await raw.create(SIP)
        deleted = await raw.delete(PID)
        listed = await raw.list_page(page_size=1)
        messages = await raw.sip_messages_page(PID)
    assert created.parse().phone_number_id == "phnum_new"
    assert deleted.parse() is None
    assert deleted.status_code == 200
    assert len(listed.parse().phone_numbers) == 1
    assert messages.parse().sip_messages == []
