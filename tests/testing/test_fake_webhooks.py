"""The webhooks of ended calls: sent once, signed as the API signs them, never in the way.

A real aiohttp server on 127.0.0.1 receives them; ``elevenphone.webhooks.verify``
and an HMAC made here check the signature. Nothing waits for a time: the
receiver is awaited through ``wait_for_calls`` or an event.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from elevenphone import webhooks
from elevenphone.testing import FakeElevenLabs, WebhookDelivery
from tests.testing.helpers import CONVERSATIONS, Api, place_call, within_turns

SECRET = "wsec_0123456789abcdef"
TO = "+15557654321"


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    status: int = 200
    hold: asyncio.Event | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(Received(await request.read(), dict(request.headers)))
        self.arrived.set()
        if self.hold is not None:
            await self.hold.wait()
        return web.Response(status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", hook.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hooks"
    try:
        yield hook
    finally:
        if hook.hold is not None:
            hook.hold.set()
        await runner.cleanup()


Fake = Callable[..., Awaitable[FakeElevenLabs]]


@pytest.fixture
async def make_fake() -> AsyncIterator[Fake]:
    fakes: list[FakeElevenLabs] = []

    async def make(**options: Any) -> FakeElevenLabs:
        fake = FakeElevenLabs(numbers=10, seed=3, call_duration=0, **options)
        await fake.start()
        fakes.append(fake)
        return fake

    yield make
    for fake in fakes:
        await fake.close()


def independent_signature(body: bytes, timestamp: str) -> str:
    """HMAC-SHA256 over ``f"{t}."`` and the body, made here, apart from both."""
    return hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


async def test_an_answered_call_posts_a_signed_transcription(
    receiver: Receiver, make_fake: Fake, session: aiohttp.ClientSession
) -> None:
    fake = await make_fake(webhook_url=receiver.url, webhook_secret=SECRET)
    api = Api(fake, session)
    conversation_id = await place_call(api, "twilio", TO)
    await fake.wait_for_calls()
    [hook] = receiver.received  # once
    assert hook.headers["Content-Type"] == "application/json"
    header = hook.headers["ElevenLabs-Signature"]
    stamp, _, digest = header.partition(",v0=")
    assert stamp.startswith("t=")
    assert digest == independent_signature(hook.body, stamp[2:])
    event = webhooks.verify(hook.body, header, SECRET)
    assert isinstance(event, webhooks.PostCallTranscriptionEvent)
    assert event.data.conversation_id == conversation_id
    assert (event.data.status, event.data.call_result) == ("done", "answered")
    payload = json.loads(hook.body)
    assert payload.keys() == {"type", "event_timestamp", "data"}
    assert payload["type"] == "post_call_transcription"
    assert payload["event_timestamp"] == int(stamp[2:])
    _, conversation = await api.call("GET", f"{CONVERSATIONS}/{conversation_id}")
    assert payload["data"] == conversation  # the conversation as GET returns it
    [delivery] = fake.webhook_deliveries
    assert delivery == WebhookDelivery(
        type="post_call_transcription",
        conversation_id=conversation_id,
        url=receiver.url,
        body=hook.body,
        signature=header,
        status=200,
        error=None,
    )
    assert delivery.done


@pytest.mark.parametrize(
    ("result", "reason"), [("busy", "busy"), ("no_answer", "no-answer"), ("failed", "failed")]
)
async def test_a_call_that_never_connects_posts_an_initiation_failure(
    receiver: Receiver,
    make_fake: Fake,
    session: aiohttp.ClientSession,
    result: str,
    reason: str,
) -> None:
    fake = await make_fake(webhook_url=receiver.url, webhook_secret=SECRET)
    fake.script_call_result(TO, result)
    conversation_id = await place_call(Api(fake, session), "sip_trunk", TO, agent_id="agent_x")
    await fake.wait_for_calls()
    [hook] = receiver.received
    event = webhooks.verify(hook.body, hook.headers["ElevenLabs-Signature"], SECRET)
    assert isinstance(event, webhooks.CallInitiationFailureEvent)
    assert (event.data.agent_id, event.data.conversation_id) == ("agent_x", conversation_id)
    assert event.data.failure_reason == reason
    assert event.data.metadata is not None
    assert event.data.metadata["type"] == "sip_trunking"


async def test_the_sdks_handler_takes_the_fakes_webhooks(
    make_fake: Fake, session: aiohttp.ClientSession
) -> None:
    events: list[webhooks.AnyWebhookEvent] = []

    async def on_event(event: webhooks.AnyWebhookEvent) -> None:
        events.append(event)

    app = web.Application()
    app.router.add_post("/hooks", webhooks.aiohttp_handler(SECRET, on_event))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hooks"
        fake = await make_fake(webhook_url=url, webhook_secret=SECRET)
        fake.script_call_result("+15550000002", "voicemail")
        api = Api(fake, session)
        first = await place_call(api, "exotel", "+15550000001")
        second = await place_call(api, "exotel", "+15550000002")
        await fake.wait_for_calls()
    finally:
        await runner.cleanup()
    assert sorted((e.data.conversation_id, e.data.call_result) for e in events) == sorted(
        [(first, "answered"), (second, "voicemail")]
    )
    assert [d.status for d in fake.webhook_deliveries] == [200, 200]


async def test_a_wrong_secret_does_not_verify(
    receiver: Receiver, make_fake: Fake, session: aiohttp.ClientSession
) -> None:
    fake = await make_fake(webhook_url=receiver.url, webhook_secret="another-secret")
    await place_call(Api(fake, session), "twilio", TO)
    await fake.wait_for_calls()
    [hook] = receiver.received
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.verify(hook.body, hook.headers["ElevenLabs-Signature"], SECRET)


async def test_without_a_secret_they_go_unsigned_and_without_a_url_not_at_all(
    receiver: Receiver, make_fake: Fake, session: aiohttp.ClientSession
) -> None:
    fake = await make_fake()
    assert (fake.webhook_url, fake.webhook_secret) == (None, None)
    api = Api(fake, session)
    await place_call(api, "twilio", TO)
    await fake.wait_for_calls()
    assert fake.webhook_deliveries == []
    fake.webhook_url = receiver.url  # an attribute, set while serving
    await place_call(api, "twilio", TO)
    await fake.wait_for_calls()
    [hook] = receiver.received
    assert "ElevenLabs-Signature" not in hook.headers
    assert fake.webhook_deliveries[0].signature is None


async def test_an_error_answer_is_recorded_and_not_sent_again(
    receiver: Receiver, make_fake: Fake, session: aiohttp.ClientSession
) -> None:
    receiver.status = 500
    fake = await make_fake(webhook_url=receiver.url, webhook_secret=SECRET)
    await place_call(Api(fake, session), "twilio", TO)
    await fake.wait_for_calls()
    assert len(receiver.received) == 1
    [delivery] = fake.webhook_deliveries
    assert (delivery.status, delivery.error) == (500, None)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_receiver_that_is_down_does_not_break_the_fake(
    make_fake: Fake, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/hooks"
    fake = await make_fake(webhook_url=url, webhook_secret=SECRET)
    api = Api(fake, session)
    first = await place_call(api, "twilio", TO)
    await fake.wait_for_calls()
    second = await place_call(api, "twilio", TO)  # the fake goes on serving and calling
    await fake.wait_for_calls()
    assert [d.conversation_id for d in fake.webhook_deliveries] == [first, second]
    for delivery in fake.webhook_deliveries:
        assert delivery.status is None
        assert delivery.error
    assert fake.conversations[second]["status"] == "done"
    assert "webhook post_call_transcription" in caplog.text


async def test_a_slow_receiver_never_holds_the_fake_and_close_cancels_it(
    receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    receiver.hold = asyncio.Event()
    fake = FakeElevenLabs(
        numbers=10, seed=3, call_duration=0, webhook_url=receiver.url, webhook_secret=SECRET
    )
    async with fake:
        api = Api(fake, session)
        conversation_id = await place_call(api, "twilio", TO)
        await receiver.arrived.wait()
        # The receiver holds the delivery; the fake answers and calls meanwhile.
        status, body = await api.call("GET", f"{CONVERSATIONS}/{conversation_id}")
        assert (status, body["status"]) == (200, "done")
        await place_call(api, "twilio", "+15550000009")
        await within_turns(lambda: len(fake.webhook_deliveries) == 2)
        assert not any(delivery.done for delivery in fake.webhook_deliveries)
    # Closed: the deliveries under way were cancelled, and say so.
    for delivery in fake.webhook_deliveries:
        assert delivery.status is None
        assert delivery.error is not None
        assert "closed" in delivery.error


@pytest.mark.parametrize("name", ["webhook_url", "webhook_secret"])
def test_the_webhook_settings_are_checked(name: str) -> None:
    with pytest.raises(ValueError, match=name):
        FakeElevenLabs(**{name: ""})
    fake = FakeElevenLabs()
    with pytest.raises(ValueError, match=name):
        setattr(fake, name, 5)
    assert getattr(fake, name) is None
