"""The calls resource: ``client.calls``, outbound calls from an imported number.

A call is not idempotent and the API has no idempotency key: every method
here is retried only when the server certainly did not act (the connection
could not be made, or a 429 refused the call). After a timeout, a reset, a
reply cut short, a 408 or 5xx, the error comes back with ``outcome_unknown``
set: the call may already be ringing. So does a 2xx whose reply cannot be
read: the server accepted the call. A 4xx (a 409 included) is the server's
refusal: no call was placed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar

from msgspec import UNSET, UnsetType

from .._exceptions import InvalidRequestError
from .._models import (
    CallResult,
    ConversationInitiationClientData,
    ExotelOutboundCallRequest,
    ExotelOutboundCallResponse,
    SIPTrunkOutboundCallRequest,
    SIPTrunkOutboundCallResponse,
    TelephonyCallConfig,
    TelephonyDirection,
    TelephonyProvider,
    TwilioOutboundCallRequest,
    TwilioOutboundCallResponse,
    TwilioRegisterCallRequest,
)
from .._models._base import RequestModel
from .._request import APIRequest, Headers, Operation, RequestOptions
from .._wire import (
    OUTBOUND_CALL_PATHS,
    REGISTER_CALL_PATH,
    decode_exotel_call,
    decode_sip_trunk_call,
    decode_text,
    decode_twilio_call,
    encode_body,
)
from ._base import Resource, raw_response

__all__ = ["Calls", "CallsWithRawResponse"]

T = TypeVar("T")

_CALL = Operation("call", "the call may already be ringing")
_REGISTRATION = Operation(
    "call registration",
    "the call may already be registered, its conversation with the agent begun",
)

ClientData = ConversationInitiationClientData | Mapping[str, Any]
CallConfig = TelephonyCallConfig | Mapping[str, Any]


def _given(**fields: object) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value is not UNSET}


class Calls(Resource):
    """Outbound calls. Reached as ``client.calls``.

    :meth:`outbound` places a call through whichever provider the number
    uses; :meth:`twilio_outbound`, :meth:`sip_trunk_outbound` and
    :meth:`exotel_outbound` go through one; :meth:`twilio_register` registers
    a call Twilio already has and returns the TwiML that connects it.

    ``conversation_initiation_client_data`` and ``telephony_call_config``
    take :class:`ConversationInitiationClientData` and
    :class:`TelephonyCallConfig`, or plain mappings of the same fields. Every
    method takes the per-call options ``extra_headers``, ``extra_query``,
    ``extra_body`` and ``timeout``.
    """

    @cached_property
    def with_raw_response(self) -> CallsWithRawResponse:
        """The same calls, each returning an :class:`APIResponse`."""
        return CallsWithRawResponse(Calls(self._client, raw=True))

    async def outbound(
        self,
        *,
        agent_id: str,
        agent_phone_number_id: str,
        to_number: str,
        conversation_initiation_client_data: ClientData | None | UnsetType = UNSET,
        telephony_call_config: CallConfig | None | UnsetType = UNSET,
        call_recording_enabled: bool | None | UnsetType = UNSET,
        provider: TelephonyProvider | str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> CallResult:
        """Place a call from ``agent_phone_number_id``, through its provider.

        Looks the number's provider up with one GET, unless ``provider`` is
        given, then places the call as the provider's own method does. The
        lookup carries ``extra_headers``, ``extra_query`` and ``timeout`` too
        (a per-call ``xi-api-key`` reads with the same account). The call
        itself is sent once, retried only when the server certainly did not
        act.

        Args:
            agent_id: the agent that talks.
            agent_phone_number_id: the imported number to call from.
            to_number: the number to call.
            conversation_initiation_client_data: what the conversation starts
                with (dynamic variables, user id, branch, overrides).
            telephony_call_config: ringing timeout, and Twilio's recording and
                answering machine detection.
            call_recording_enabled: let Twilio record the call (Twilio only).
            provider: the number's provider, to skip the lookup.
            extra_headers: headers for the call; ``None`` removes one.
            extra_query: query parameters for the call.
            extra_body: fields merged into the call's JSON body, unchecked.
            timeout: seconds one attempt may take.

        Returns:
            A :class:`TwilioOutboundCallResponse`,
            :class:`SIPTrunkOutboundCallResponse` or
            :class:`ExotelOutboundCallResponse`.

        Raises:
            InvalidRequestError: a bad value, ``call_recording_enabled`` for a
                number that is not Twilio's, or a provider this version cannot
                place calls through (nothing is placed).
            NotFoundError: no such number (404), from the lookup or the call.
            APIStatusError, APIConnectionError: the call failed; see
                ``outcome_unknown``.
            APIResponseValidationError: the lookup's reply is another number,
                or the call's 2xx reply cannot be read (``outcome_unknown``:
                the server accepted the call).
        """
        if provider is None:
            # A GET sends no body: extra_body is the call's alone.
            number = await self._client.phone_numbers.get(
                agent_phone_number_id,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
            )
            provider = number.provider
        provider = str(provider)
        if provider not in OUTBOUND_CALL_PATHS:
            raise InvalidRequestError(
                f"cannot place calls from a {provider!r} number; this version knows"
                f" {', '.join(OUTBOUND_CALL_PATHS)}",
                field="provider",
            )
        if provider != "twilio" and call_recording_enabled is not UNSET:
            raise InvalidRequestError(
                f"call_recording_enabled is for Twilio numbers; this one is {provider}",
                field="call_recording_enabled",
            )
        common: dict[str, Any] = {
            "agent_id": agent_id,
            "agent_phone_number_id": agent_phone_number_id,
            "to_number": to_number,
            "conversation_initiation_client_data": conversation_initiation_client_data,
            "telephony_call_config": telephony_call_config,
            "extra_headers": extra_headers,
            "extra_query": extra_query,
            "extra_body": extra_body,
            "timeout": timeout,
        }
        if provider == "twilio":
            return await self.twilio_outbound(
                **common, call_recording_enabled=call_recording_enabled
            )
        if provider == "sip_trunk":
            return await self.sip_trunk_outbound(**common)
        return await self.exotel_outbound(**common)

    async def twilio_outbound(
        self,
        *,
        agent_id: str,
        agent_phone_number_id: str,
        to_number: str,
        conversation_initiation_client_data: ClientData | None | UnsetType = UNSET,
        telephony_call_config: CallConfig | None | UnsetType = UNSET,
        call_recording_enabled: bool | None | UnsetType = UNSET,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> TwilioOutboundCallResponse:
        """Place a call from a Twilio number (``POST /v1/convai/twilio/outbound-call``).

        Args:
            agent_id: the agent that talks.
            agent_phone_number_id: the imported Twilio number to call from.
            to_number: the number to call.
            conversation_initiation_client_data: what the conversation starts with.
            telephony_call_config: ringing timeout, recording, machine detection.
            call_recording_enabled: let Twilio record the call.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: fields merged into the JSON body, unchecked.
            timeout: seconds one attempt may take.

        Returns:
            ``success``, ``message``, ``conversation_id`` and Twilio's ``call_sid``.

        Raises:
            InvalidRequestError: a missing or bad value (nothing is placed).
            NotFoundError: no such number (404).
            APIStatusError, APIConnectionError: see ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that cannot be read
                (``outcome_unknown``: the server accepted the call).
        """
        return await self._place(
            "twilio",
            TwilioOutboundCallRequest,
            decode_twilio_call,
            RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
            agent_id=agent_id,
            agent_phone_number_id=agent_phone_number_id,
            to_number=to_number,
            conversation_initiation_client_data=conversation_initiation_client_data,
            telephony_call_config=telephony_call_config,
            call_recording_enabled=call_recording_enabled,
        )

    async def sip_trunk_outbound(
        self,
        *,
        agent_id: str,
        agent_phone_number_id: str,
        to_number: str,
        conversation_initiation_client_data: ClientData | None | UnsetType = UNSET,
        telephony_call_config: CallConfig | None | UnsetType = UNSET,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> SIPTrunkOutboundCallResponse:
        """Place a call over a SIP trunk (``POST /v1/convai/sip-trunk/outbound-call``).

        Args:
            agent_id: the agent that talks.
            agent_phone_number_id: the imported SIP trunk number to call from.
            to_number: the number to call.
            conversation_initiation_client_data: what the conversation starts with.
            telephony_call_config: the ringing timeout (Twilio settings are ignored).
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: fields merged into the JSON body, unchecked.
            timeout: seconds one attempt may take.

        Returns:
            ``success``, ``message``, ``conversation_id`` and the ``sip_call_id``.

        Raises:
            InvalidRequestError: a missing or bad value (nothing is placed).
            NotFoundError: no such number (404).
            APIStatusError, APIConnectionError: see ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that cannot be read
                (``outcome_unknown``: the server accepted the call).
        """
        return await self._place(
            "sip_trunk",
            SIPTrunkOutboundCallRequest,
            decode_sip_trunk_call,
            RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
            agent_id=agent_id,
            agent_phone_number_id=agent_phone_number_id,
            to_number=to_number,
            conversation_initiation_client_data=conversation_initiation_client_data,
            telephony_call_config=telephony_call_config,
        )

    async def exotel_outbound(
        self,
        *,
        agent_id: str,
        agent_phone_number_id: str,
        to_number: str,
        conversation_initiation_client_data: ClientData | None | UnsetType = UNSET,
        telephony_call_config: CallConfig | None | UnsetType = UNSET,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> ExotelOutboundCallResponse:
        """Place a call from an Exotel number (``POST /v1/convai/exotel/outbound-call``).

        Args:
            agent_id: the agent that talks.
            agent_phone_number_id: the imported Exotel number to call from.
            to_number: the number to call.
            conversation_initiation_client_data: what the conversation starts with.
            telephony_call_config: the ringing timeout (Twilio settings are ignored).
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: fields merged into the JSON body, unchecked.
            timeout: seconds one attempt may take.

        Returns:
            ``success``, ``message``, ``conversation_id`` and Exotel's ``call_sid``.

        Raises:
            InvalidRequestError: a missing or bad value (nothing is placed).
            NotFoundError: no such number (404).
            APIStatusError, APIConnectionError: see ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that cannot be read
                (``outcome_unknown``: the server accepted the call).
        """
        return await self._place(
            "exotel",
            ExotelOutboundCallRequest,
            decode_exotel_call,
            RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
            agent_id=agent_id,
            agent_phone_number_id=agent_phone_number_id,
            to_number=to_number,
            conversation_initiation_client_data=conversation_initiation_client_data,
            telephony_call_config=telephony_call_config,
        )

    async def twilio_register(
        self,
        *,
        agent_id: str,
        from_number: str,
        to_number: str,
        direction: TelephonyDirection | str | None | UnsetType = UNSET,
        conversation_initiation_client_data: ClientData | None | UnsetType = UNSET,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> str:
        """Register a call Twilio already has; return the TwiML that connects it.

        (``POST /v1/convai/twilio/register-call``.) Use it from your own
        Twilio webhook: answer Twilio with the TwiML returned.

        Args:
            agent_id: the agent that talks.
            from_number: the caller's number.
            to_number: the number called.
            direction: ``inbound`` or ``outbound``.
            conversation_initiation_client_data: what the conversation starts with.
            extra_headers: headers for this call; ``None`` removes one.
            extra_query: query parameters for this call.
            extra_body: fields merged into the JSON body, unchecked.
            timeout: seconds one attempt may take.

        Returns:
            The TwiML, as text.

        Raises:
            InvalidRequestError: a missing or bad value (nothing is sent).
            APIStatusError, APIConnectionError: see ``outcome_unknown``.
            APIResponseValidationError: a 2xx reply that is not text
                (``outcome_unknown``: the server accepted the registration).
        """
        body = _given(
            agent_id=agent_id,
            from_number=from_number,
            to_number=to_number,
            direction=direction,
            conversation_initiation_client_data=conversation_initiation_client_data,
        )
        return await self._execute(
            APIRequest(
                "POST",
                REGISTER_CALL_PATH,
                decode_text,
                body=encode_body(body, TwilioRegisterCallRequest, what="call registration"),
                operation=_REGISTRATION,
                options=RequestOptions.of(extra_headers, extra_query, extra_body, timeout),
            )
        )

    async def _place(
        self,
        provider: str,
        model: type[RequestModel],
        decode: Callable[[bytes, int], T],
        options: RequestOptions,
        **fields: object,
    ) -> T:
        """Place a call through ``provider``: the fields given, checked against
        ``model``, posted once (retried only if the server certainly did not act)."""
        body = encode_body(_given(**fields), model, what=f"{provider} call")
        return await self._execute(
            APIRequest(
                "POST",
                OUTBOUND_CALL_PATHS[provider],
                decode,
                body=body,
                operation=_CALL,
                options=options,
            )
        )


class CallsWithRawResponse:
    """``client.calls.with_raw_response``: each call of :class:`Calls`, with the
    same parameters, returning an :class:`APIResponse` of what it returns (for
    :meth:`Calls.outbound`, the raw reply of the call itself).

    Args:
        calls: the resource, made with ``raw=True``, whose calls these are.
    """

    def __init__(self, calls: Calls) -> None:
        self.outbound = raw_response(calls.outbound)
        self.twilio_outbound = raw_response(calls.twilio_outbound)
        self.sip_trunk_outbound = raw_response(calls.sip_trunk_outbound)
        self.exotel_outbound = raw_response(calls.exotel_outbound)
        self.twilio_register = raw_response(calls.twilio_register)
