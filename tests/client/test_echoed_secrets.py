"""The secrets of a request never show in what its failure shows, whatever a
server echoes: SIP passwords, Twilio tokens and Exotel keys are redacted from
an error's message, ``str``, ``repr``, code, request id, 422 items and
traceback, and from the retry log lines, as the API key is. The requests are
built from Structs and from plain dicts; the server echoes everything it
receives, body and headers."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from elevenphone import (
    APIStatusError,
    BadRequestError,
    CreateExotelPhoneNumberRequest,
    CreateSIPTrunkPhoneNumberRequest,
    CreateTwilioPhoneNumberRequest,
    ElevenPhone,
    InternalServerError,
    OutboundSIPTrunkConfig,
    RetryPolicy,
    SIPTrunkCredentials,
    TwilioRegionConfig,
    UpdatePhoneNumberRequest,
    ValidationError,
)
from tests.conftest import API_KEY, RecordingSleep
from tests.echoing import (
    ACCOUNT_AUTH_TOKEN,
    EXOTEL_API_KEY,
    EXOTEL_API_TOKEN,
    INBOUND_CONFIG,
    OUTBOUND_CONFIG,
    REGION_TOKEN,
    SIP_PASSWORD,
    TWILIO_TOKEN,
    EchoingServer,
    echoing_server,
    shown_secrets,
)

PID = "phnum_echo"
Call = Callable[[ElevenPhone], Awaitable[Any]]

STRUCT_CONFIG = OutboundSIPTrunkConfig(
    address="sip.example.com",
    credentials=SIPTrunkCredentials(username="trunk-user", password=SIP_PASSWORD),
)
TWILIO = {
    "phone_number": "+14155550100",
    "label": "L",
    "sid": "SK0123",
    "token": TWILIO_TOKEN,
    "account_auth_token": ACCOUNT_AUTH_TOKEN,
}
TWILIO_REGION = {"region_id": "ie1", "token": REGION_TOKEN, "edge_location": "dublin"}
EXOTEL = {
    "phone_number": "+914400000000",
    "label": "L",
    "account_sid": "acct",
    "api_key": EXOTEL_API_KEY,
    "api_token": EXOTEL_API_TOKEN,
    "api_subdomain": "api.in.exotel.com",
    "app_id": "app",
}

CALLS: dict[str, Call] = {
    "update-dict-configs": lambda client: client.phone_numbers.update(
        PID, outbound_trunk_config=OUTBOUND_CONFIG, inbound_trunk_config=INBOUND_CONFIG
    ),
    "update-struct-config": lambda client: client.phone_numbers.update(
        PID, outbound_trunk_config=STRUCT_CONFIG
    ),
    "update-request-with-dict-config": lambda client: client.phone_numbers.update(
        PID,
        request=UpdatePhoneNumberRequest(outbound_trunk_config=OUTBOUND_CONFIG),  # type: ignore[arg-type]
    ),
    "update-with-per-call-options": lambda client: client.phone_numbers.update(
        PID, outbound_trunk_config=OUTBOUND_CONFIG, extra_headers={"X-Trace": "1"}, timeout=30
    ),
    "create-twilio-struct": lambda client: client.phone_numbers.create(
        CreateTwilioPhoneNumberRequest(
            **TWILIO,
            region_config=TwilioRegionConfig(**TWILIO_REGION),  # type: ignore[arg-type]
        )
    ),
    "create-twilio-dict": lambda client: client.phone_numbers.create(
        {"provider": "twilio", **TWILIO, "region_config": TWILIO_REGION}
    ),
    "create-exotel-struct": lambda client: client.phone_numbers.create(
        CreateExotelPhoneNumberRequest(**EXOTEL)  # type: ignore[arg-type]
    ),
    "create-exotel-dict": lambda client: client.phone_numbers.create(
        {"provider": "exotel", **EXOTEL}
    ),
    "create-sip-trunk-dict": lambda client: client.phone_numbers.create(
        {
            "provider": "sip_trunk",
            "phone_number": "+442071838750",
            "label": "L",
            "outbound_trunk_config": OUTBOUND_CONFIG,
            "inbound_trunk_config": INBOUND_CONFIG,
        }
    ),
    "create-sip-trunk-struct-with-dict-config": lambda client: client.phone_numbers.create(
        CreateSIPTrunkPhoneNumberRequest(
            phone_number="+442071838750",
            label="L",
            outbound_trunk_config=OUTBOUND_CONFIG,  # type: ignore[arg-type]
        )
    ),
}


def _client(server: EchoingServer) -> ElevenPhone:
    return ElevenPhone(
        API_KEY,
        base_url=server.base_url,
        max_retries=2,
        retry_policy=RetryPolicy(sleep=RecordingSleep()),
    )


def shows(error: APIStatusError) -> list[str]:
    """Everything an error shows: message, str, repr, code, request id, 422
    items, and its traceback as Python prints it."""
    return [
        error.message,
        str(error),
        repr(error),
        *map(str, error.args),
        error.code or "",
        error.request_id or "",
        repr(getattr(error, "errors", [])),
        "".join(traceback.format_exception(error)),
    ]


def assert_redacted(error: APIStatusError, server: EchoingServer) -> None:
    sent = server.bodies[0].decode()
    assert shown_secrets(sent), "the request carried no secret: the test proves nothing"
    for text in shows(error):
        assert shown_secrets(text) == [], text
        assert API_KEY not in text
    assert "[redacted]" in str(error)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_secret_echoed_in_a_400_is_redacted(call: Call) -> None:
    async with echoing_server() as server, _client(server) as client:
        server.answer(400)
        with pytest.raises(BadRequestError) as caught:
            await call(client)
    assert_redacted(caught.value, server)
    assert caught.value.code is not None
    assert "[redacted]" in caught.value.code


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_secret_echoed_in_a_422_is_redacted_from_its_items(call: Call) -> None:
    async with echoing_server() as server, _client(server) as client:
        server.answer(422)
        with pytest.raises(ValidationError) as caught:
            await call(client)
    assert_redacted(caught.value, server)
    assert caught.value.errors
    assert "[redacted]" in caught.value.errors[0].msg


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
async def test_a_secret_echoed_in_503s_is_redacted_from_the_error_and_the_retry_lines(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="elevenphone")
    async with echoing_server() as server, _client(server) as client:
        server.answer(503, 503, 503)
        with pytest.raises(InternalServerError) as caught:
            await call(client)
    assert_redacted(caught.value, server)
    retried = [r for r in caplog.records if r.getMessage().startswith("retrying")]
    # An update is retried twice; an import, which may have happened, never.
    assert len(server.bodies) == len(retried) + 1
    assert len(retried) == (2 if caught.value.outcome_unknown is False else 0)
    for record in caplog.records:
        assert shown_secrets(record.getMessage()) == [], record.getMessage()
        assert API_KEY not in record.getMessage()


async def test_the_body_of_the_error_keeps_the_reply_as_it_came() -> None:
    """``.body`` is the reply itself (documented): only what is shown is redacted."""
    async with echoing_server() as server, _client(server) as client:
        server.answer(400)
        with pytest.raises(BadRequestError) as caught:
            await client.phone_numbers.update(PID, outbound_trunk_config=OUTBOUND_CONFIG)
    echoed = json.loads(caught.value.body["detail"]["status"])
    assert echoed["outbound_trunk_config"]["credentials"]["password"] == SIP_PASSWORD


async def test_a_request_without_secrets_is_redacted_of_the_key_alone() -> None:
    async with echoing_server() as server, _client(server) as client:
        server.answer(400)
        with pytest.raises(BadRequestError) as caught:
            await client.phone_numbers.update(PID, label="sip.example.com")
    assert API_KEY not in str(caught.value)
    assert "sip.example.com" in str(caught.value)  # nothing else is taken out
