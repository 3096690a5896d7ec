"""The webhooks the fake sends when a call ends, signed as the API signs them.

The body is ``{"type", "event_timestamp", "data"}`` as compact JSON; the
header ``ElevenLabs-Signature: t=<unix>,v0=<hex>`` carries the lowercase hex
of HMAC-SHA256, keyed with the webhook secret, over ``f"{t}."`` and the body.
Written apart from the SDK's verifier on purpose: the tests check each
against the other.

:class:`WebhookSender` is the aiohttp edge: each event is POSTed once, in a
task of its own, so a receiver that is down or slow never holds up the
fake; what became of each delivery is recorded in a :class:`WebhookDelivery`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from ._conversations import CallEvent

SIGNATURE_HEADER = "ElevenLabs-Signature"
#: Seconds a delivery may take before it is given up (recorded as an error).
DEFAULT_WEBHOOK_TIMEOUT = 10.0

_log = logging.getLogger("elevenphone.testing")


def event_body(event_type: str, timestamp: int, data: Any) -> bytes:
    """The body of a webhook, as compact UTF-8 JSON."""
    payload = {"type": event_type, "event_timestamp": timestamp, "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(body: bytes, secret: str, timestamp: int) -> str:
    """The ``ElevenLabs-Signature`` value of ``body``: ``t=<timestamp>,v0=<hex>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v0={mac.hexdigest()}"


@dataclass
class WebhookDelivery:
    """One webhook the fake sent (``FakeElevenLabs.webhook_deliveries``). Each
    argument is the attribute of that name; ``status`` and ``error`` are
    filled in when the delivery ends.

    Args:
        type: the event's type: ``post_call_transcription`` or
            ``call_initiation_failure``.
        conversation_id: the conversation it is about.
        url: where it was sent.
        body: the body sent.
        signature: the ``ElevenLabs-Signature`` header sent (None without a
            ``webhook_secret``).
        status: the receiver's HTTP status, None until it answered.
        error: why no answer came (the receiver down, too slow, the fake
            closed first), None otherwise.
    """

    type: str
    conversation_id: str
    url: str
    body: bytes
    signature: str | None
    status: int | None = None
    error: str | None = None

    @property
    def done(self) -> bool:
        """Whether the delivery has ended, answered or not."""
        return self.status is not None or self.error is not None


class WebhookSender:
    """Sends each event once to ``url``, signed with ``secret``; keeps every delivery."""

    def __init__(
        self, url: str | None, secret: str | None, clock: Callable[[], float] = time.time
    ) -> None:
        self.url = url
        self.secret = secret
        self.timeout = DEFAULT_WEBHOOK_TIMEOUT
        self.deliveries: list[WebhookDelivery] = []
        self._clock = clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    @property
    def pending(self) -> set[asyncio.Task[None]]:
        """The deliveries under way."""
        return set(self._tasks)

    def send(self, event: CallEvent) -> None:
        """Start delivering ``event`` (nothing without a ``url``); call from the event loop."""
        if not self.url:
            return
        now = int(self._clock())
        body = event_body(event.type, now, event.data)
        signed = signature(body, self.secret, now) if self.secret else None
        delivery = WebhookDelivery(event.type, event.conversation_id, self.url, body, signed)
        self.deliveries.append(delivery)
        task = asyncio.get_running_loop().create_task(self._post(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post(self, delivery: WebhookDelivery) -> None:
        headers = {"Content-Type": "application/json"}
        if delivery.signature is not None:
            headers[SIGNATURE_HEADER] = delivery.signature
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        try:
            async with self._session.post(
                delivery.url, data=delivery.body, headers=headers
            ) as response:
                delivery.status = response.status
        except asyncio.CancelledError:
            delivery.error = "cancelled: the fake closed before the receiver answered"
            raise
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
            _log.warning(
                "webhook %s of %s to %s failed: %s",
                delivery.type,
                delivery.conversation_id,
                delivery.url,
                delivery.error,
            )
            return
        if delivery.status >= 400:
            _log.warning(
                "webhook %s of %s to %s answered %s",
                delivery.type,
                delivery.conversation_id,
                delivery.url,
                delivery.status,
            )

    async def close(self) -> None:
        """Cancel the deliveries under way (they record why) and close the session."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        session, self._session = self._session, None
        if session is not None:
            await session.close()
