"""The calls resource: ``client.calls``, outbound calls from an imported number.

A call is not idempotent and the API has no idempotency key: every method
here is retried only when the server certainly did not act (the connection
could not be made, or a 429 refused the call). After a timeout, a reset, a
reply cut short, a 408 or a 5xx, and after a 2xx whose reply cannot be read,
the error comes back with ``outcome_unknown`` set: the phone may already be
ringing. A 409 is the server's refusal: nothing was placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

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
from .._options import CallOptions, RequestOptions, Unpack, split_options
from .._request import Decoder, Operation, build_request
from .._typing import Required
from .._wire import (
    OUTBOUND_CALL_PATHS,
    REGISTER_CALL_PATH,
    decode_exotel_call,
    decode_sip_trunk_call,
    decode_text,
    decode_twilio_call,
    encode_body,
    phone_number_decoder,
    phone_number_path,
)
from ._base import RawResponses, Resource, endpoint, given

__all__ = [
    "Calls",
    "CallsWithRawResponse",
    "OutboundCallArgs",
    "TwilioOutboundCallArgs",
]

T = TypeVar("T")

_CALL = Operation("call", "the call may already be ringing")
_REGISTRATION = Operation(
    "call registration",
    "the call may already be registered, its conversation with the agent begun",
)

ClientData = ConversationInitiationClientData | Mapping[str, Any]
CallConfig = TelephonyCallConfig | Mapping[str, Any]


class OutboundCallArgs(RequestOptions, total=False):
    """The keyword arguments of an outbound call: what every provider's call
    takes, and the per-call options (:class:`RequestOptions`).
    ``conversation_initiation_client_data`` and ``telephony_call_config``
    take the Structs or plain mappings of the same fields; a field left out
    (or ``NOT_GIVEN``) is not sent, and None is sent as null."""

    agent_id: Required[str]
    """The agent that talks."""
    agent_phone_number_id: Required[str]
    """The imported number to call from."""
    to_number: Required[str]
    """The number to call."""
    conversation_initiation_client_data: ClientData | None | UnsetType
    """What the conversation starts with (dynamic variables, user id, branch,
    overrides): a :class:`ConversationInitiationClientData` or a mapping."""
    telephony_call_config: CallConfig | None | UnsetType
    """Ringing timeout, and Twilio's recording and answering machine
    detection: a :class:`TelephonyCallConfig` or a mapping."""


class TwilioOutboundCallArgs(OutboundCallArgs, total=False):
    """The keyword arguments of a call from a Twilio number:
    :class:`OutboundCallArgs` and ``call_recording_enabled``."""

    call_recording_enabled: bool | None | UnsetType
    """Let Twilio record the call (Twilio numbers only)."""


class _Endpoint(NamedTuple):
    """A provider's outbound-call endpoint: its path, body and reply."""

    path: str
    body: type[Any]
    decode: Decoder[Any]


_OUTBOUND: dict[str, _Endpoint] = {
    "twilio": _Endpoint(
        OUTBOUND_CALL_PATHS["twilio"], TwilioOutboundCallRequest, decode_twilio_call
    ),
    "sip_trunk": _Endpoint(
        OUTBOUND_CALL_PATHS["sip_trunk"], SIPTrunkOutboundCallRequest, decode_sip_trunk_call
    ),
    "exotel": _Endpoint(
        OUTBOUND_CALL_PATHS["exotel"], ExotelOutboundCallRequest, decode_exotel_call
    ),
}
"""The outbound-call endpoint of each provider: one table, read by each
provider's method and by :meth:`Calls.outbound`."""


class Calls(Resource):
    """Outbound calls. Reached as ``client.calls``.

    :meth:`outbound` places a call through whichever provider the number
    uses; :meth:`twilio_outbound`, :meth:`sip_trunk_outbound` and
    :meth:`exotel_outbound` go through one; :meth:`twilio_register` registers
    a call Twilio already has and returns the TwiML that connects it. Every
    method takes the per-call options of :class:`RequestOptions`.
    """

    @cached_property
    def with_raw_response(self) -> CallsWithRawResponse:
        """The same calls, each returning an :class:`APIResponse`."""
        return CallsWithRawResponse(self)

    @endpoint
    async def outbound(
        self,
        *,
        provider: TelephonyProvider | str | None = None,
        **call: Unpack[TwilioOutboundCallArgs],
    ) -> CallResult:
        """Place a call from ``agent_phone_number_id``, through its provider.

        Looks the number's provider up with one GET, unless ``provider`` is
        given (the lookup carries this call's options but ``extra_body``),
        then places the call as the provider's own method does. The call
        itself is sent once, retried only when the server certainly did not
        act. Every value is checked before anything is sent.

        Args:
            provider: the number's provider, to skip the lookup.
            **call: the fields of :class:`TwilioOutboundCallArgs`
                (``agent_id``, ``agent_phone_number_id``, ``to_number``,
                ``conversation_initiation_client_data``,
                ``telephony_call_config``, ``call_recording_enabled`` for
                Twilio numbers) and the per-call options.

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
        """
        fields, options = _fields_and_options(call)
        # Checked before the lookup: a bad value sends nothing at all.
        encode_body(fields, TwilioOutboundCallRequest, what="call", extra=options.extra_body)
        if provider is None:
            pid = fields.get("agent_phone_number_id")
            lookup = build_request(
                "GET",
                phone_number_path(pid),
                phone_number_decoder(str(pid)),
                options.without_body(),
            )
            provider = (await self._client.send(lookup)).provider
        placed: CallResult = await self._place(str(provider), fields, options)
        return placed

    @endpoint
    async def twilio_outbound(
        self, **call: Unpack[TwilioOutboundCallArgs]
    ) -> TwilioOutboundCallResponse:
        """Place a call from a Twilio number (``POST /v1/convai/twilio/outbound-call``).

        Args:
            **call: the fields of :class:`TwilioOutboundCallArgs` and the
                per-call options.

        Returns:
            ``success``, ``message``, ``conversation_id`` and Twilio's ``call_sid``.

        Raises:
            InvalidRequestError: a missing or bad value (nothing is placed).
            NotFoundError: no such number (404).
            APIStatusError, APIConnectionError: see ``outcome_unknown``.
        """
        return await self._place("twilio", *_fields_and_options(call))  # type: ignore[no-any-return]

    @endpoint
    async def sip_trunk_outbound(
        self, **call: Unpack[OutboundCallArgs]
    ) -> SIPTrunkOutboundCallResponse:
        """Place a call over a SIP trunk (``POST /v1/convai/sip-trunk/outbound-call``).

        Args:
            **call: the fields of :class:`OutboundCallArgs` (Twilio's
                telephony settings are ignored) and the per-call options.

        Returns:
            ``success``, ``message``, ``conversation_id`` and the ``sip_call_id``.

        Raises:
            InvalidRequestError, NotFoundError, APIStatusError, APIConnectionError:
                as for :meth:`twilio_outbound`.
        """
        return await self._place("sip_trunk", *_fields_and_options(call))  # type: ignore[no-any-return]

    @endpoint
    async def exotel_outbound(self, **call: Unpack[OutboundCallArgs]) -> ExotelOutboundCallResponse:
        """Place a call from an Exotel number (``POST /v1/convai/exotel/outbound-call``):
        as :meth:`sip_trunk_outbound` does over a SIP trunk.

        Args:
            **call: as for :meth:`sip_trunk_outbound`.

        Returns:
            ``success``, ``message``, ``conversation_id`` and Exotel's ``call_sid``.

        Raises:
            InvalidRequestError, NotFoundError, APIStatusError, APIConnectionError:
                as for :meth:`twilio_outbound`.
        """
        return await self._place("exotel", *_fields_and_options(call))  # type: ignore[no-any-return]

    @endpoint
    async def twilio_register(
        self,
        *,
        agent_id: str,
        from_number: str,
        to_number: str,
        direction: TelephonyDirection | str | None | UnsetType = UNSET,
        conversation_initiation_client_data: ClientData | None | UnsetType = UNSET,
        **options: Unpack[RequestOptions],
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
            **options: the per-call options (:class:`RequestOptions`).

        Returns:
            The TwiML, as text.

        Raises:
            InvalidRequestError: a missing or bad value (nothing is sent).
            APIStatusError, APIConnectionError: see ``outcome_unknown``.
        """
        body = given(
            agent_id=agent_id,
            from_number=from_number,
            to_number=to_number,
            direction=direction,
            conversation_initiation_client_data=conversation_initiation_client_data,
        )
        return await self._send(
            build_request(
                "POST",
                REGISTER_CALL_PATH,
                decode_text,
                options,
                body=body,
                model=TwilioRegisterCallRequest,
                what="call registration",
                operation=_REGISTRATION,
            )
        )

    def _place(self, provider: str, fields: Mapping[str, object], options: CallOptions) -> Any:
        """Place a call through ``provider``'s endpoint: the fields checked
        against its body, posted once (retried only if the server certainly
        did not act)."""
        endpoint_ = _OUTBOUND.get(provider)
        if endpoint_ is None:
            raise InvalidRequestError(
                f"cannot place calls from a {provider!r} number; this version knows"
                f" {', '.join(_OUTBOUND)}",
                field="provider",
            )
        if provider != "twilio" and "call_recording_enabled" in fields:
            raise InvalidRequestError(
                f"call_recording_enabled is for Twilio numbers; this one is {provider}",
                field="call_recording_enabled",
            )
        return self._send(
            build_request(
                "POST",
                endpoint_.path,
                endpoint_.decode,
                options,
                body=dict(fields),
                model=endpoint_.body,
                what=f"{provider} call",
                operation=_CALL,
            )
        )


def _fields_and_options(call: Mapping[str, object]) -> tuple[dict[str, object], CallOptions]:
    """The fields of a call given (not ``NOT_GIVEN``), and its checked options."""
    fields, options = split_options(call)
    return given(**fields), options


class CallsWithRawResponse(RawResponses[Calls]):
    """``client.calls.with_raw_response``: each call of :class:`Calls`, with the
    same parameters, returning an :class:`APIResponse` of what it returns (for
    :meth:`Calls.outbound`, the raw reply of the call itself).
    """
