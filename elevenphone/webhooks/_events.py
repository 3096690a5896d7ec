"""The events a webhook carries, and the decoding of a verified body into one.

Each known ``type`` has its event Struct, whose ``data`` is typed; any other
type is a :class:`WebhookEvent`, whose ``data`` is a plain dict.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from .._exceptions import WebhookPayloadError
from .._models._base import ResponseModel
from .._models.conversations import Conversation
from .._wire._shared import UNDECODABLE
from .._wire.lifecycle import WireConversation, conversation_from_wire
from .._wire.replies import _shape_error

__all__ = [
    "AnyWebhookEvent",
    "CallInitiationFailureData",
    "CallInitiationFailureEvent",
    "PostCallAudioData",
    "PostCallAudioEvent",
    "PostCallTranscriptionEvent",
    "WebhookEvent",
    "decode_event",
]


class _Event(ResponseModel):
    """What every event carries."""

    type: str
    """The event's type, e.g. ``post_call_transcription``."""
    event_timestamp: int
    """When the API sent the event, in seconds since the Unix epoch."""


class WebhookEvent(_Event, kw_only=True):
    """An event of a type this version of elevenphone does not model."""

    data: dict[str, Any] = msgspec.field(default_factory=dict)
    """The event's data as the API sent it (empty when it sent none)."""


class PostCallTranscriptionEvent(_Event, kw_only=True):
    """A conversation ended and was analysed (``post_call_transcription``)."""

    type: Literal["post_call_transcription"] = "post_call_transcription"
    data: Conversation
    """The conversation, as ``conversations.get`` returns it."""


class PostCallAudioData(ResponseModel):
    """The recording of a whole call."""

    agent_id: str
    """The agent that held the conversation."""
    conversation_id: str
    """The ID of the conversation."""
    full_audio: bytes
    """The call's audio (an MP3), decoded from the base64 it is sent as."""

    def __repr__(self) -> str:
        # The audio runs to megabytes: its size says enough.
        return (
            f"PostCallAudioData(agent_id={self.agent_id!r}, "
            f"conversation_id={self.conversation_id!r}, full_audio=<{len(self.full_audio)} bytes>)"
        )


class PostCallAudioEvent(_Event, kw_only=True):
    """The audio of an ended call (``post_call_audio``)."""

    type: Literal["post_call_audio"] = "post_call_audio"
    data: PostCallAudioData
    """The conversation and its audio."""


class CallInitiationFailureData(ResponseModel):
    """A call that never connected."""

    agent_id: str
    """The agent that was to hold the conversation."""
    conversation_id: str
    """The ID of the conversation the call was to start."""
    failure_reason: str
    """Why the call did not connect, in the API's words (``busy``, ``no-answer``, ...)."""
    metadata: dict[str, Any] | None = None
    """What the telephony provider said about the failure, as a mapping."""


class CallInitiationFailureEvent(_Event, kw_only=True):
    """A call could not be placed (``call_initiation_failure``)."""

    type: Literal["call_initiation_failure"] = "call_initiation_failure"
    data: CallInitiationFailureData
    """The call that failed, and why."""


AnyWebhookEvent = (
    PostCallTranscriptionEvent | PostCallAudioEvent | CallInitiationFailureEvent | WebhookEvent
)
"""Any event :func:`~elevenphone.webhooks.verify` returns, told apart by ``.type``."""


class _Envelope(msgspec.Struct):
    type: str
    event_timestamp: int
    data: msgspec.Raw = msgspec.Raw(b"null")


_envelope_decoder = msgspec.json.Decoder(_Envelope)
_conversation_decoder = msgspec.json.Decoder(WireConversation)
_audio_decoder = msgspec.json.Decoder(PostCallAudioData)
_failure_decoder = msgspec.json.Decoder(CallInitiationFailureData)
_generic_data_decoder = msgspec.json.Decoder(dict[str, Any] | None)


def decode_event(body: bytes) -> AnyWebhookEvent:
    """The event of a verified webhook ``body``.

    Raises:
        WebhookPayloadError: the body is not a JSON object with ``type`` and
            ``event_timestamp``, or a known event's ``data`` does not fit it.
    """
    try:
        envelope = _envelope_decoder.decode(body)
    except UNDECODABLE as exc:
        reason = _shape_error(exc)
    else:
        return _typed(envelope)
    raise WebhookPayloadError(f"the webhook body is not an event: {reason}")


def _typed(envelope: _Envelope) -> AnyWebhookEvent:
    kind, timestamp = envelope.type, envelope.event_timestamp
    try:
        if kind == "post_call_transcription":
            wire = _conversation_decoder.decode(envelope.data)
            return PostCallTranscriptionEvent(
                event_timestamp=timestamp, data=conversation_from_wire(wire)
            )
        if kind == "post_call_audio":
            audio = _audio_decoder.decode(envelope.data)
            return PostCallAudioEvent(event_timestamp=timestamp, data=audio)
        if kind == "call_initiation_failure":
            failure = _failure_decoder.decode(envelope.data)
            return CallInitiationFailureEvent(event_timestamp=timestamp, data=failure)
        data = _generic_data_decoder.decode(envelope.data)
        return WebhookEvent(type=kind, event_timestamp=timestamp, data=data or {})
    except UNDECODABLE as exc:
        reason = _shape_error(exc)
    raise WebhookPayloadError(
        f"the data of the {kind} event does not fit it: {reason}", event_type=kind
    )
