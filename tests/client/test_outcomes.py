"""Requests that must not happen twice, on a loopback server: idempotency comes
from the method, a 2xx that cannot be read says the server accepted the call
(never inviting a retry), a 409 to an import is a known refusal, and each
outcome-unknown message fits its operation."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from elevenphone import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ConflictError,
    CreateSIPTrunkPhoneNumberRequest,
    ElevenPhone,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from elevenphone._request import APIRequest
from elevenphone._wire import decode_nothing
from elevenphone.testing import FakeElevenLabs
from tests.conftest import API_KEY, RecordingSleep
from tests.loopback import ScriptedServer

JSON = {"Content-Type": "application/json"}
CALL = {"agent_id": "agent_a", "agent_phone_number_id": "phnum_from", "to_number": "+14155550199"}
IMPORT = CreateSIPTrunkPhoneNumberRequest(phone_number="+442071838750", label="Support")
REGISTRATION = {"agent_id": "agent_a", "from_number": "+14155550100", "to_number": "+1415"}

METHODS = ("POST", "GET", "PATCH", "DELETE")

Send = Callable[[ElevenPhone], Awaitable[Any]]

# Each POST of the API, with what its outcome-unknown message must say.
POSTS: dict[str, tuple[Send, str, str]] = {
    "import": (
        lambda client: client.phone_numbers.create(IMPORT),
        "import",
        "the number may have been imported",
    ),
    "twilio-call": (
        lambda client: client.calls.twilio_outbound(**CALL),
        "call",
        "the call may already be ringing",
    ),
    "sip-trunk-call": (
        lambda client: client.calls.sip_trunk_outbound(**CALL),
        "call",
        "the call may already be ringing",
    ),
    "exotel-call": (
        lambda client: client.calls.exotel_outbound(**CALL),
        "call",
        "the call may already be ringing",
    ),
    "outbound-call": (
        lambda client: client.calls.outbound(**CALL, provider="twilio"),
        "call",
        "the call may already be ringing",
    ),
    "registration": (
        lambda client: client.calls.twilio_register(**REGISTRATION),
        "call registration",
        "the call may already be registered",
    ),
}


def client_for(server: ScriptedServer | FakeElevenLabs, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    key = server.api_key if isinstance(server, FakeElevenLabs) else API_KEY
    return ElevenPhone(key, base_url=server.base_url, max_retries=5, **kwargs)  # type: ignore[arg-type]


# --- idempotency comes from the method --------------------------------------------------------


def test_idempotency_comes_from_the_method_unless_a_request_says() -> None:
    derived = {m: APIRequest(m, "/x", decode_nothing).idempotent for m in METHODS}
    assert derived == {"POST": False, "GET": True, "PATCH": True, "DELETE": True}
    assert APIRequest("POST", "/x", decode_nothing, idempotent=True).idempotent is True
    assert APIRequest("GET", "/x", decode_nothing, idempotent=False).idempotent is False


# --- what the server may have acted on --------------------------------------------------------


def _status(error: type[APIStatusError], status: int) -> APIStatusError:
    return error("m", status_code=status, headers={}, body=None)


def test_what_the_server_may_have_acted_on() -> None:
    failures: dict[str, Exception] = {
        "not-connected": APIConnectionError(request_sent=False),
        "reset": APIConnectionError(request_sent=True),
        "timeout": APITimeoutError(),
        "408": _status(APIStatusError, 408),
        "503": _status(InternalServerError, 503),
        "unreadable-2xx": APIResponseValidationError("m", status_code=200, body=b"x"),
        "409": _status(ConflictError, 409),
        "429": _status(RateLimitError, 429),
        "404": _status(APIStatusError, 404),
    }
    acted = {name for name, error in failures.items() if RetryPolicy.may_have_acted(error)}
    assert acted == {"reset", "timeout", "408", "503", "unreadable-2xx"}
    # A 409 refuses a call that is not idempotent; an idempotent one is retried.
    assert RetryPolicy.is_retryable(failures["409"]) is True
    assert RetryPolicy.is_retryable(failures["409"], idempotent=False) is False


# --- a 2xx that cannot be read: the server accepted it -----------------------------------------


@pytest.mark.parametrize("post", list(POSTS))
async def test_an_unreadable_2xx_says_the_server_accepted_it(
    server: ScriptedServer, post: str
) -> None:
    send, name, if_acted = POSTS[post]
    # Not JSON for the calls and the import; not UTF-8 for the TwiML.
    server.reply(200, b"\xff<Response", JSON)
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await send(client)
    error = caught.value
    assert len(server.seen) == 1
    assert error.outcome_unknown is True
    assert error.status_code == 200
    assert error.message.startswith(
        f"the server accepted the {name} (200) but its reply cannot be read: "
    )
    assert f"; do not send it again: {if_acted}" in error.message
    assert str(error) == error.message
    assert "retr" not in error.message  # no word invites a retry


async def test_an_unreadable_2xx_read_raw_says_so_too(server: ScriptedServer) -> None:
    server.reply(201, b"<html>created</html>", JSON)
    server.reply(200, b"<html>a number</html>", JSON)
    async with client_for(server) as client:
        created = await client.phone_numbers.with_raw_response.create(IMPORT)
        got = await client.phone_numbers.with_raw_response.get("phnum_a")
    with pytest.raises(APIResponseValidationError) as caught:
        created.parse()
    assert caught.value.outcome_unknown is True
    assert caught.value.message.startswith("the server accepted the import (201)")
    # A GET may be sent again: its unreadable reply is only that.
    with pytest.raises(APIResponseValidationError) as read:
        got.parse()
    assert read.value.outcome_unknown is False
    assert "accepted" not in read.value.message


async def test_a_2xx_over_the_size_cap_says_the_server_accepted_it(server: ScriptedServer) -> None:
    server.reply(200, json.dumps({"success": True, "message": "x" * 4096}), JSON)
    async with client_for(server, max_response_bytes=1024) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.calls.twilio_outbound(**CALL)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is True
    assert caught.value.message.startswith("the server accepted the call (200)")


# --- outcome unknown: the message fits the operation -------------------------------------------


@pytest.mark.parametrize("post", list(POSTS))
async def test_a_503_is_outcome_unknown_in_the_words_of_its_operation(
    server: ScriptedServer, post: str
) -> None:
    send, name, if_acted = POSTS[post]
    server.reply(503, json.dumps({"detail": {"message": "busy"}}), JSON)
    async with client_for(server) as client:
        with pytest.raises(InternalServerError) as caught:
            await send(client)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is True
    assert caught.value.message.startswith(
        f"busy; not retried, as the server may have acted on the {name}: {if_acted}"
    )
    others = {words for _, _, words in POSTS.values()} - {if_acted}
    assert not any(words in str(caught.value) for words in others)


# --- a 409 to an import is a known outcome ----------------------------------------------------


async def test_a_409_to_an_import_is_the_servers_refusal() -> None:
    async with FakeElevenLabs() as fake:
        number = "+14155550123"
        fake.add_number(provider="sip_trunk", phone_number=number)
        async with client_for(fake) as client:
            with pytest.raises(ConflictError) as caught:
                await client.phone_numbers.create(
                    CreateSIPTrunkPhoneNumberRequest(phone_number=number, label="Again")
                )
        assert [r.method for r in fake.requests] == ["POST"]  # not retried
        assert [n["phone_number"] for n in fake.numbers.values()] == [number]
    assert caught.value.outcome_unknown is False
    assert caught.value.status_code == 409
    assert "ringing" not in str(caught.value)
    assert "may have" not in str(caught.value)


@pytest.mark.parametrize("post", ["twilio-call", "registration"])
async def test_a_409_to_a_call_is_a_refusal_too(server: ScriptedServer, post: str) -> None:
    send, _, _ = POSTS[post]
    server.reply(409, json.dumps({"detail": {"status": "conflict", "message": "busy line"}}))
    async with client_for(server) as client:
        with pytest.raises(ConflictError) as caught:
            await send(client)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is False
    assert caught.value.message == "busy line"
