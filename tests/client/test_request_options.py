"""Per-call options, default headers and raw responses, on a real loopback server:
the bytes that go out, and what comes back."""

from __future__ import annotations

import json

import pytest
from multidict import CIMultiDict

from elevenphone import (
    APIResponseValidationError,
    APITimeoutError,
    BadRequestError,
    ElevenPhone,
    InternalServerError,
    InvalidRequestError,
    RetryPolicy,
    TwilioPhoneNumber,
)
from tests.conftest import API_KEY, RecordingSleep, twilio_number
from tests.loopback import ScriptedServer

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"


def client_for(server: ScriptedServer, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(API_KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


# --- extra_headers and default_headers -----------------------------------------------------


async def test_default_headers_go_with_every_request_and_extra_headers_over_them(
    server: ScriptedServer,
) -> None:
    async with client_for(
        server, default_headers={"X-Team": "voice", "User-Agent": "my-bot/1.0"}
    ) as client:
        await client.phone_numbers.get(PID)
        await client.phone_numbers.update(
            PID, label="x", extra_headers={"x-team": "billing", "X-Trace": "t-1"}
        )
        server.reply(200, b"[]")
        await client.phone_numbers.list(extra_headers={"User-Agent": None})
    first, second, third = (CIMultiDict(seen.headers) for seen in server.seen)
    assert first["X-Team"] == "voice"
    assert first["User-Agent"] == "my-bot/1.0"
    assert first["xi-api-key"] == API_KEY
    assert second["X-Team"] == "billing"  # by name, whatever its case
    assert second["X-Trace"] == "t-1"
    assert second["Content-Type"] == "application/json"
    assert "X-Trace" not in third
    assert not third.get("User-Agent", "").startswith("my-bot")  # removed: aiohttp's own


@pytest.mark.parametrize(
    "headers",
    [{"X-Bad": "a\r\nInjected: 1"}, {"X-Bad": "nul\x00"}, {"Bad Name": "x"}, {"X-Bad": 5}],
)
async def test_headers_no_request_can_carry_are_refused_before_sending(
    server: ScriptedServer, headers: dict[str, object]
) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError, match="extra_headers"):
            await client.phone_numbers.get(PID, extra_headers=headers)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="default_headers"):
        client_for(server, default_headers=headers)
    assert server.seen == []


async def test_a_key_given_in_extra_headers_is_redacted_too(server: ScriptedServer) -> None:
    other_key = "sk_other_tenant_key_987654321"
    server.reply(400, json.dumps({"detail": {"message": f"bad {other_key}"}}))
    async with client_for(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.phone_numbers.get(PID, extra_headers={"xi-api-key": other_key})
    assert server.seen[0].headers["xi-api-key"] == other_key
    assert other_key not in str(caught.value)


# --- extra_query and extra_body ------------------------------------------------------------


async def test_extra_query_is_added_to_the_url(server: ScriptedServer) -> None:
    server.reply(200, b"[]")
    async with client_for(server) as client:
        await client.phone_numbers.list(agent_id="agent_a", extra_query={"beta": True, "n": 3})
    assert server.seen[0].raw_path == ("/v1/convai/phone-numbers?agent_id=agent_a&beta=true&n=3")


async def test_extra_body_sends_fields_the_sdk_does_not_know_without_checks(
    server: ScriptedServer,
) -> None:
    server.reply(200, json.dumps(twilio_number()))
    async with client_for(server) as client:
        await client.phone_numbers.update(
            PID,
            agent_id="agent_b",
            extra_body={"future_field": {"x": [1, 2]}, "label": None, "agent_id": 5},
        )
    assert json.loads(server.seen[0].body) == {
        "agent_id": 5,  # extra_body goes over the SDK's fields, unchecked
        "future_field": {"x": [1, 2]},
        "label": None,
    }


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.phone_numbers.get(PID, extra_body={"a": 1}), "sends no body"),
        (lambda c: c.phone_numbers.update(PID, extra_body={"a": b"x"}), "extra_body.a"),
        (lambda c: c.phone_numbers.update(PID, extra_body={"a": [object()]}), "extra_body"),
        (lambda c: c.phone_numbers.list(extra_query={"a": [1]}), "extra_query.a"),
        (lambda c: c.phone_numbers.list(timeout=-1), "timeout"),
    ],
)
async def test_options_that_cannot_be_sent_are_refused_before_sending(
    server: ScriptedServer, call: object, match: str
) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError, match=match):
            await call(client)  # type: ignore[operator]
    assert server.seen == []


# --- timeout and max_retries per call ------------------------------------------------------


async def test_a_per_call_timeout_applies_to_that_call_only(server: ScriptedServer) -> None:
    server.stall()
    async with client_for(server, timeout=60, max_retries=0) as client:
        with pytest.raises(APITimeoutError, match=r"0\.2 s"):
            await client.phone_numbers.get(PID, timeout=0.2)
        server.release.set()
        assert isinstance(await client.phone_numbers.get(PID), TwilioPhoneNumber)


async def test_with_options_sets_max_retries_for_its_calls(server: ScriptedServer) -> None:
    for _ in range(5):
        server.reply(503, b"down")
    async with client_for(server, max_retries=4) as client:
        with pytest.raises(InternalServerError):
            await client.with_options(max_retries=0).phone_numbers.get(PID)
    assert len(server.seen) == 1


# --- raw responses -----------------------------------------------------------------------


async def test_raw_responses_carry_status_headers_body_and_parse(server: ScriptedServer) -> None:
    number = twilio_number(label="Raw")
    server.reply(503, b"down")
    server.reply(
        200, json.dumps(number), {"Content-Type": "application/json", "request-id": "req_123"}
    )
    async with client_for(server) as client:
        raw = await client.phone_numbers.with_raw_response.update(PID, label="Raw")
        plain = await client.phone_numbers.get(PID)
    assert raw.status_code == 200
    assert raw.headers["Content-Type"] == "application/json"
    assert raw.content == json.dumps(number).encode()
    assert raw.json() == number
    assert raw.request_id == "req_123"
    assert raw.retries_taken == 1
    parsed = raw.parse()
    assert isinstance(parsed, TwilioPhoneNumber)
    assert parsed.label == "Raw"
    assert raw.parse() is parsed  # decoded once
    assert type(parsed) is type(plain)


async def test_raw_responses_exist_for_get_and_list(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        got = await client.phone_numbers.with_raw_response.get(PID)
        server.reply(200, json.dumps([twilio_number()]))
        listed = await client.phone_numbers.with_raw_response.list(agent_id="a")
    assert got.retries_taken == 0
    assert got.request_id is None
    assert isinstance(got.parse(), TwilioPhoneNumber)
    assert [n.phone_number_id for n in listed.parse()] == [twilio_number()["phone_number_id"]]


async def test_a_raw_body_that_does_not_decode_raises_on_parse_only(
    server: ScriptedServer,
) -> None:
    server.reply(200, b"\xff not json")
    async with client_for(server) as client:
        raw = await client.phone_numbers.with_raw_response.get(PID)
    assert raw.content == b"\xff not json"
    with pytest.raises(APIResponseValidationError):
        raw.parse()
    with pytest.raises(APIResponseValidationError):
        raw.json()
