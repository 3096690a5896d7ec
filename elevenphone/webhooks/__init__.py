"""Receiving the API's webhooks: verify their signature, and get typed events.

::

    from elevenphone import webhooks

    event = webhooks.verify(body, request.headers.get("ElevenLabs-Signature"), secret)
    if isinstance(event, webhooks.PostCallTranscriptionEvent):
        print(event.data.conversation_id, event.data.call_result)

or, with aiohttp, ``app.router.add_post("/webhooks", webhooks.aiohttp_handler(secret, on_event))``.

:func:`verify` checks the ``ElevenLabs-Signature`` header in constant time and
refuses stale or future timestamps (:class:`WebhookSignatureError`), then
decodes the body (:class:`WebhookPayloadError` if it is not an event).
Importing this module does not import ``aiohttp.web``; making a handler does.
"""

from .._exceptions import WebhookPayloadError, WebhookSignatureError
from ._aiohttp import DEFAULT_MAX_BODY_BYTES, aiohttp_handler
from ._events import (
    AnyWebhookEvent,
    CallInitiationFailureData,
    CallInitiationFailureEvent,
    PostCallAudioData,
    PostCallAudioEvent,
    PostCallTranscriptionEvent,
    WebhookEvent,
)
from ._signature import DEFAULT_TOLERANCE, SIGNATURE_HEADER, sign, verify

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_TOLERANCE",
    "SIGNATURE_HEADER",
    "AnyWebhookEvent",
    "CallInitiationFailureData",
    "CallInitiationFailureEvent",
    "PostCallAudioData",
    "PostCallAudioEvent",
    "PostCallTranscriptionEvent",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "aiohttp_handler",
    "sign",
    "verify",
]
