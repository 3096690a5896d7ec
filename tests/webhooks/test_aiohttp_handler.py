"""webhooks.aiohttp_handler on a real aiohttp server on 127.0.0.1: it answers
200 after on_event, and 401, 400 and 413 without ever calling it; a failing
on_event answers 500, is logged, and the server goes on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from elevenphone.webhooks import (
    DEFAULT_MAX_BODY_BYTES,
    AnyWebhookEvent,
    CallInitiationFailureEvent,
    PostCallAudioEvent,
    PostCallTranscriptionEvent,
    WebhookEvent,
    aiohttp_handler,
    verify,
)
from tests.lifecycle_samples import AGENT_ID, CONVERSATION_ID, conversation_reply
from tests.loopback import start_server

SECRET = "wsec_handler_0123456789abcdef0123456789abcdef0123456789abcdef01234567"
MB = 1_000_000


def signed_headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    """The header as the API makes it, computed here with hmac, at the current time."""
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"ElevenLabs-Signature": f"t={stamp},v0={digest}"}


def event_body(kind: str, data: Any) -> bytes:
    return json.dumps({"type": kind, "event_timestamp": int(time.time()), "data": data}).encode()


TRANSCRIPTION = event_body("post_call_transcription", conversation_reply())


class Receiver:
    """A webhook endpoint on 127.0.0.1 whose on_event records each event."""

    def __init__(self) -> None:
        self.events: list[AnyWebhookEvent] = []
        self.failing = False
        self.url = ""

    async def on_event(self, event: AnyWebhookEvent) -> None:
        self.events.append(event)
        if self.failing:
            raise RuntimeError("the bot's database is down")


Serve = Callable[..., Awaitable[Receiver]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    runners: list[web.AppRunner] = []

    async def start(**options: Any) -> Receiver:
        receiver = Receiver()
        runner, base_url = await start_server(aiohttp_handler(SECRET, receiver.on_event, **options))
        runners.append(runner)
        receiver.url = f"{base_url}/webhooks/elevenlabs"
        return receiver

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def post(
    session: aiohttp.ClientSession, url: str, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    async with session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


# --- accepted --------------------------------------------------------------------------


async def test_a_signed_event_reaches_on_event_once_and_answers_200(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve()
    headers = signed_headers(TRANSCRIPTION)
    status, _ = await post(session, receiver.url, TRANSCRIPTION, headers)
    assert status == 200
    (event,) = receiver.events
    assert isinstance(event, PostCallTranscriptionEvent)
    assert event.data.conversation_id == CONVERSATION_ID
    assert event == verify(TRANSCRIPTION, headers["ElevenLabs-Signature"], SECRET)


async def test_each_type_of_event_arrives_typed(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve()
    failure = event_body(
        "call_initiation_failure",
        {"agent_id": AGENT_ID, "conversation_id": "conv_f", "failure_reason": "no-answer"},
    )
    other = event_body("agent_updated", {"agent_id": AGENT_ID})
    for body in (failure, other):
        assert (await post(session, receiver.url, body, signed_headers(body)))[0] == 200
    first, second = receiver.events
    assert isinstance(first, CallInitiationFailureEvent)
    assert first.data.failure_reason == "no-answer"
    assert type(second) is WebhookEvent
    assert second.data == {"agent_id": AGENT_ID}


async def test_a_large_chunked_audio_event_under_the_cap_arrives(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve()
    audio = bytes(range(256)) * (3 * MB // 256)
    body = event_body(
        "post_call_audio",
        {
            "agent_id": AGENT_ID,
            "conversation_id": CONVERSATION_ID,
            "full_audio": base64.b64encode(audio).decode(),
        },
    )

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    status, _ = await post(session, receiver.url, chunks(), signed_headers(body))
    assert status == 200
    (event,) = receiver.events
    assert isinstance(event, PostCallAudioEvent)
    assert event.data.full_audio == audio


async def test_a_body_exactly_at_the_cap_is_read(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve(max_body_bytes=len(TRANSCRIPTION))
    status, _ = await post(session, receiver.url, TRANSCRIPTION, signed_headers(TRANSCRIPTION))
    assert status == 200
    assert len(receiver.events) == 1


def test_the_default_cap_is_64_mib() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 64 * 1024 * 1024


# --- refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"ElevenLabs-Signature": ""},
        {"ElevenLabs-Signature": "t=1,v0=abc"},
        {"ElevenLabs-Signature": "nonsense"},
        signed_headers(TRANSCRIPTION, secret="wsec_someone_else"),
        signed_headers(TRANSCRIPTION + b" "),
    ],
    ids=["none", "empty", "stale", "malformed", "other-secret", "other-body"],
)
async def test_a_bad_signature_answers_401_without_on_event(
    serve: Serve, session: aiohttp.ClientSession, headers: dict[str, str]
) -> None:
    receiver = await serve()
    status, text = await post(session, receiver.url, TRANSCRIPTION, headers)
    assert status == 401
    assert SECRET not in text
    assert receiver.events == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"type": "post_call_audio", "event_timestamp": 1, "data": {}}).encode(),
    ],
    ids=["text", "array", "data-does-not-fit"],
)
async def test_a_bad_payload_answers_400_without_on_event(
    serve: Serve, session: aiohttp.ClientSession, body: bytes
) -> None:
    receiver = await serve()
    status, _ = await post(session, receiver.url, body, signed_headers(body))
    assert status == 400
    assert receiver.events == []


async def test_ten_megabytes_against_a_one_megabyte_cap_answer_413(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve(max_body_bytes=MB)
    body = b"x" * (10 * MB)
    # From a file object: aiohttp sends its Content-Length, which the handler reads first.
    status, _ = await post(session, receiver.url, io.BytesIO(body), signed_headers(body))
    assert status == 413
    assert receiver.events == []


async def test_ten_chunked_megabytes_against_a_one_megabyte_cap_answer_413(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve(max_body_bytes=MB)
    body = b"x" * (10 * MB)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 256 * 1024):
            yield body[start : start + 256 * 1024]

    status, _ = await post(session, receiver.url, chunks(), signed_headers(body))
    assert status == 413
    assert receiver.events == []


async def test_one_byte_over_the_cap_answers_413(
    serve: Serve, session: aiohttp.ClientSession
) -> None:
    receiver = await serve(max_body_bytes=len(TRANSCRIPTION) - 1)
    status, _ = await post(session, receiver.url, TRANSCRIPTION, signed_headers(TRANSCRIPTION))
    assert status == 413
    assert receiver.events == []


# --- a failing on_event --------------------------------------------------------------------


async def test_a_failing_on_event_answers_500_is_logged_and_the_server_goes_on(
    serve: Serve, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="elevenphone")
    receiver = await serve()
    receiver.failing = True
    status, text = await post(session, receiver.url, TRANSCRIPTION, signed_headers(TRANSCRIPTION))
    assert status == 500
    assert "database" not in text
    (record,) = [r for r in caplog.records if r.name == "elevenphone"]
    message = record.getMessage()
    assert "post_call_transcription" in message
    assert CONVERSATION_ID in message
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    logged = caplog.text
    assert SECRET not in logged
    assert "The caller booked a table" not in logged  # nothing of the body

    receiver.failing = False
    status, _ = await post(session, receiver.url, TRANSCRIPTION, signed_headers(TRANSCRIPTION))
    assert status == 200
    assert len(receiver.events) == 2


# --- configuration -------------------------------------------------------------------------


async def _ignore(event: AnyWebhookEvent) -> None:
    return None


@pytest.mark.parametrize(
    "options",
    [
        {"secret": ""},
        {"max_body_bytes": 0},
        {"max_body_bytes": True},
        {"max_body_bytes": 1.5},
        {"tolerance": -1},
    ],
)
def test_a_handler_is_refused_a_bad_setting(options: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"secret": SECRET, **options}
    secret = arguments.pop("secret")
    with pytest.raises(ValueError):  # noqa: PT011 - our own words are not the point here
        aiohttp_handler(secret, _ignore, **arguments)
