"""Calls: the outbound-call endpoints of each provider and Twilio's register-call.

The fake rings nobody. It checks the request as the API would, records what
was asked in :class:`PlacedCall` / :class:`RegisteredCall`, and answers with
fresh IDs (seeded): ``conv_...`` conversations, Twilio ``CA...`` and Exotel
call SIDs, LiveKit-style ``SCL_...`` SIP call IDs. Each outbound call starts
its conversation (:mod:`._conversations`); a registered call starts none.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from . import _data
from ._call_bodies import validate_outbound_call, validate_register_call
from ._conversations import ConversationStore
from ._responses import ApiResponse, invalid_request, not_found, unprocessable
from ._routes import OUTBOUND_CALL_PATHS
from ._state import PhoneNumberStore

TWIML_MEDIA_TYPE = "text/xml"
#: Where the TwiML of register-call points Twilio's media stream (the fake serves no stream).
STREAM_URL = "wss://api.elevenlabs.io/v1/convai/conversation/twilio"


@dataclass(frozen=True)
class PlacedCall:
    """One outbound call the fake accepted (``FakeElevenLabs.calls``). Each
    argument is the attribute of that name.

    Args:
        provider: ``twilio``, ``sip_trunk`` or ``exotel``: whose endpoint took it.
        endpoint: the path it was posted to.
        agent_id: the agent that talks.
        agent_phone_number_id: the number called from.
        from_number: that number's ``phone_number``.
        to_number: the number called.
        conversation_initiation_client_data: as sent (``None`` if absent).
        telephony_call_config: as sent (``None`` if absent).
        call_recording_enabled: as sent (``None`` if absent; Twilio only).
        body: the whole JSON body as sent, to tell an absent field from ``null``.
        conversation_id: the ``conversation_id`` answered.
        call_sid: the ``callSid`` answered (Twilio, Exotel), else ``None``.
        sip_call_id: the ``sip_call_id`` answered (SIP trunk), else ``None``.
    """

    provider: str
    endpoint: str
    agent_id: str
    agent_phone_number_id: str
    from_number: str
    to_number: str
    conversation_initiation_client_data: Any
    telephony_call_config: Any
    call_recording_enabled: Any
    body: Mapping[str, Any]
    conversation_id: str
    call_sid: str | None
    sip_call_id: str | None


@dataclass(frozen=True)
class RegisteredCall:
    """One call registered through Twilio's register-call (``FakeElevenLabs.registered_calls``).
    Each argument is the attribute of that name.

    Args:
        agent_id: the agent that talks.
        from_number: the caller.
        to_number: the number called.
        direction: as sent (``None`` if absent; the TwiML then says ``inbound``).
        conversation_initiation_client_data: as sent (``None`` if absent).
        body: the whole JSON body as sent.
        conversation_id: the conversation the TwiML names.
        twiml: the TwiML answered.
    """

    agent_id: str
    from_number: str
    to_number: str
    direction: str | None
    conversation_initiation_client_data: Any
    body: Mapping[str, Any]
    conversation_id: str
    twiml: str


class CallLog:
    """Every call placed or registered, and the seeded source of their IDs."""

    def __init__(self, seed: int, conversations: ConversationStore) -> None:
        self.conversations = conversations
        self.calls: list[PlacedCall] = []
        self.registered_calls: list[RegisteredCall] = []
        self._rng = random.Random(f"calls-{seed}")

    def place(self, store: PhoneNumberStore, provider: str, body: Any) -> ApiResponse:
        """Answer ``POST /v1/convai/{provider}/outbound-call`` with the decoded ``body``."""
        fields, errors = validate_outbound_call(provider, body)
        if errors:
            return unprocessable(errors)
        pid = fields["agent_phone_number_id"]
        number = store.numbers.get(pid)
        if number is None:
            return not_found(pid)
        refusal = call_refusal(number, provider)
        if refusal is not None:
            return invalid_request(refusal)
        # An unknown agent is registered, as on update.
        agent_name = store.agent_name(fields["agent_id"])
        ids = _data.call_ids(self._rng, provider)
        self.calls.append(
            PlacedCall(
                provider=provider,
                endpoint=OUTBOUND_CALL_PATHS[provider],
                agent_id=fields["agent_id"],
                agent_phone_number_id=pid,
                from_number=str(number.get("phone_number")),
                to_number=fields["to_number"],
                conversation_initiation_client_data=body.get("conversation_initiation_client_data"),
                telephony_call_config=body.get("telephony_call_config"),
                call_recording_enabled=body.get("call_recording_enabled"),
                body=body,
                conversation_id=ids["conversation_id"],
                call_sid=ids.get("callSid"),
                sip_call_id=ids.get("sip_call_id"),
            )
        )
        self.conversations.start(
            agent_id=fields["agent_id"],
            agent_name=agent_name,
            provider=provider,
            number=number,
            to_number=fields["to_number"],
            ids=ids,
            client_data=body.get("conversation_initiation_client_data"),
        )
        return ApiResponse(200, {"success": True, "message": "Call initiated", **ids})

    def register(self, store: PhoneNumberStore, body: Any) -> ApiResponse:
        """Answer ``POST /v1/convai/twilio/register-call``: TwiML, as ``text/xml``."""
        fields, errors = validate_register_call(body)
        if errors:
            return unprocessable(errors)
        store.agent_name(fields["agent_id"])
        conversation_id = _data.new_id(self._rng, "conv_")
        twiml = _twiml(fields, conversation_id)
        self.registered_calls.append(
            RegisteredCall(
                agent_id=fields["agent_id"],
                from_number=fields["from_number"],
                to_number=fields["to_number"],
                direction=body.get("direction"),
                conversation_initiation_client_data=body.get("conversation_initiation_client_data"),
                body=body,
                conversation_id=conversation_id,
                twiml=twiml,
            )
        )
        return ApiResponse(200, twiml, media_type=TWIML_MEDIA_TYPE)


def call_refusal(number: Mapping[str, Any], provider: str) -> str | None:
    """Why ``number`` cannot place a call through ``provider``'s endpoint, if it cannot."""
    pid = number.get("phone_number_id")
    own = number.get("provider")
    if own != provider:
        where = OUTBOUND_CALL_PATHS.get(str(own))
        hint = f"; place its calls through {where}" if where else ""
        return f"Phone number {pid} is a {own} number, not a {provider} number{hint}"
    if number.get("supports_outbound") is False:
        return f"Phone number {pid} does not support outbound calls"
    if provider == "sip_trunk" and not number.get("outbound_trunk"):
        return f"Phone number {pid} has no outbound trunk configured"
    return None


def _twiml(fields: Mapping[str, Any], conversation_id: str) -> str:
    parameters = {
        "agent_id": fields["agent_id"],
        "conversation_id": conversation_id,
        "direction": fields["direction"] or "inbound",
        "from_number": fields["from_number"],
        "to_number": fields["to_number"],
    }
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Response>",
        "  <Connect>",
        f"    <Stream url={quoteattr(STREAM_URL)}>",
        *(
            f"      <Parameter name={quoteattr(name)} value={quoteattr(value)}/>"
            for name, value in parameters.items()
        ),
        "    </Stream>",
        "  </Connect>",
        "</Response>",
    ]
    return "\n".join(lines) + "\n"
