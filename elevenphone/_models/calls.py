"""Outbound calls: what a call starts with (client data, telephony settings),
the request bodies of each provider's call endpoint, and their replies.

``ConversationInitiationClientData.conversation_config_override`` stays a
mapping: its tree (ASR, turn, TTS, agent prompt with a 100-value LLM enum)
changes with the API, and the API checks it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from ._base import RequestModel, ResponseModel, StrEnum

__all__ = [
    "CallResult",
    "ConversationInitiationClientData",
    "ConversationInitiationSource",
    "ConversationInitiationSourceInfo",
    "ExotelOutboundCallRequest",
    "ExotelOutboundCallResponse",
    "SIPTrunkOutboundCallRequest",
    "SIPTrunkOutboundCallResponse",
    "TelephonyCallConfig",
    "TelephonyDirection",
    "TwilioAnsweredBy",
    "TwilioMachineDetectionConfig",
    "TwilioMachineDetectionMode",
    "TwilioMachineDetectionRule",
    "TwilioOutboundCallRequest",
    "TwilioOutboundCallResponse",
    "TwilioRegisterCallRequest",
]


class ConversationInitiationSource(StrEnum):
    """Where a conversation was started from."""

    UNKNOWN = "unknown"
    ANDROID_SDK = "android_sdk"
    NODE_JS_SDK = "node_js_sdk"
    REACT_NATIVE_SDK = "react_native_sdk"
    REACT_SDK = "react_sdk"
    JS_SDK = "js_sdk"
    PYTHON_SDK = "python_sdk"
    WIDGET = "widget"
    SIP_TRUNK = "sip_trunk"
    TWILIO = "twilio"
    EXOTEL = "exotel"
    GENESYS = "genesys"
    AVAYA = "avaya"
    AUDIOCODES = "audiocodes"
    SWIFT_SDK = "swift_sdk"
    WHATSAPP = "whatsapp"
    TWILIO_SMS = "twilio_sms"
    FLUTTER_SDK = "flutter_sdk"
    ZENDESK_INTEGRATION = "zendesk_integration"
    SLACK_INTEGRATION = "slack_integration"
    TELEGRAM_INTEGRATION = "telegram_integration"
    INTERCOM_INTEGRATION = "intercom_integration"
    FRESHDESK_INTEGRATION = "freshdesk_integration"
    SALESFORCE_INTEGRATION = "salesforce_integration"
    TEMPLATE_PREVIEW = "template_preview"
    GENESYS_BOT_CONNECTOR = "genesys_bot_connector"
    SUBAGENT_TOOL = "subagent_tool"


class TelephonyDirection(StrEnum):
    """Whether a registered call comes in or goes out."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class TwilioMachineDetectionMode(StrEnum):
    """How Twilio's answering machine detection decides.

    ``enable`` answers as soon as a human can be told from a machine;
    ``detect_message_end`` also waits for a voicemail greeting to end.
    """

    ENABLE = "enable"
    DETECT_MESSAGE_END = "detect_message_end"


class TwilioAnsweredBy(StrEnum):
    """A verdict of Twilio's answering machine detection."""

    HUMAN = "human"
    FAX = "fax"
    UNKNOWN = "unknown"
    MACHINE_START = "machine_start"
    MACHINE_END_BEEP = "machine_end_beep"
    MACHINE_END_SILENCE = "machine_end_silence"
    MACHINE_END_OTHER = "machine_end_other"


# --- what a call starts with -------------------------------------------------------


class ConversationInitiationSourceInfo(RequestModel):
    """Where the conversation was started from, and by which SDK version.

    Args:
        source: where the conversation was started from.
        version: the version of the SDK that started it.
    """

    source: ConversationInitiationSource | None | UnsetType = UNSET
    version: str | None | UnsetType = UNSET


class ConversationInitiationClientData(RequestModel):
    """What the agent starts the conversation with.

    The procedure lists need the agent's ``enable_procedure_ids_from_client``.

    Args:
        dynamic_variables: values of the agent's ``{{variables}}``, by name.
        user_id: the end user's id, for the agent owner's records.
        branch_id: the agent branch the conversation uses.
        environment: the environment used to resolve the agent's variables.
        conversation_config_override: overrides of the agent's conversation
            config (``asr``, ``turn``, ``tts``, ``conversation``, ``agent``),
            as a mapping; the API checks it.
        custom_llm_extra_body: extra fields sent to a custom LLM.
        source_info: where the conversation was started from.
        starting_workflow_node_id: the workflow node to start at instead of
            the default entry.
        procedure_ids: the only procedures the starting agent may use (an
            empty list disables them all).
        start_procedure_ids: free-form procedures started with the
            conversation (at most 5).
    """

    dynamic_variables: dict[str, Any] | None | UnsetType = UNSET
    user_id: str | None | UnsetType = UNSET
    branch_id: str | None | UnsetType = UNSET
    environment: str | None | UnsetType = UNSET
    conversation_config_override: dict[str, Any] | None | UnsetType = UNSET
    custom_llm_extra_body: dict[str, Any] | None | UnsetType = UNSET
    source_info: ConversationInitiationSourceInfo | None | UnsetType = UNSET
    starting_workflow_node_id: str | None | UnsetType = UNSET
    procedure_ids: list[str] | None | UnsetType = UNSET
    start_procedure_ids: Annotated[list[str], msgspec.Meta(max_length=5)] | None | UnsetType = UNSET


class TwilioMachineDetectionRule(RequestModel):
    """Hang up on a live call when Twilio's detection gives one of ``answered_by``.

    An action may appear in one rule only: list all of its verdicts together.

    Args:
        answered_by: the verdicts that trigger the action.
        action: what to do: ``hang_up``, the only action.
    """

    answered_by: list[TwilioAnsweredBy]
    action: Literal["hang_up"] = "hang_up"


class TwilioMachineDetectionConfig(RequestModel):
    """Twilio's answering machine detection for a call (Twilio only; billed by Twilio).

    The verdict arrives as an ``answering_machine_detection`` webhook event;
    verdicts with no rule leave the call running.

    Args:
        mode: ``enable`` gives a verdict as soon as a human can be told from a
            machine; ``detect_message_end`` also waits for a voicemail
            greeting to end.
        actions: what to do on which verdicts.
    """

    mode: TwilioMachineDetectionMode | None | UnsetType = UNSET
    actions: list[TwilioMachineDetectionRule] | None | UnsetType = UNSET


class TelephonyCallConfig(RequestModel):
    """Telephony settings of one call.

    Args:
        ringing_timeout_secs: how long to ring before giving up, in seconds
            (the provider's own limits apply too).
        twilio_call_recording_enabled: record the call with Twilio call
            recording, kept in your Twilio account (Twilio only).
        twilio_machine_detection: Twilio's answering machine detection
            (Twilio only); ``None``, or leaving it out, disables it.
    """

    ringing_timeout_secs: int | None | UnsetType = UNSET
    twilio_call_recording_enabled: bool | None | UnsetType = UNSET
    twilio_machine_detection: TwilioMachineDetectionConfig | None | UnsetType = UNSET


# --- request bodies ----------------------------------------------------------------------


class _OutboundCallRequest(RequestModel):
    """What every provider's outbound call takes."""

    agent_id: str
    agent_phone_number_id: str
    to_number: str
    conversation_initiation_client_data: ConversationInitiationClientData | None | UnsetType = UNSET
    telephony_call_config: TelephonyCallConfig | None | UnsetType = UNSET


class TwilioOutboundCallRequest(_OutboundCallRequest, kw_only=True):
    """The body of ``POST /v1/convai/twilio/outbound-call``."""

    call_recording_enabled: bool | None | UnsetType = UNSET


class SIPTrunkOutboundCallRequest(_OutboundCallRequest, kw_only=True):
    """The body of ``POST /v1/convai/sip-trunk/outbound-call``."""


class ExotelOutboundCallRequest(_OutboundCallRequest, kw_only=True):
    """The body of ``POST /v1/convai/exotel/outbound-call``."""


class TwilioRegisterCallRequest(RequestModel):
    """The body of ``POST /v1/convai/twilio/register-call``."""

    agent_id: str
    from_number: str
    to_number: str
    direction: TelephonyDirection | None | UnsetType = UNSET
    conversation_initiation_client_data: ConversationInitiationClientData | None | UnsetType = UNSET


# --- replies -----------------------------------------------------------------------------


class _OutboundCallResponse(ResponseModel):
    """What every provider's reply to an outbound call says."""

    success: bool
    """Whether the call was placed."""
    message: str
    """The API's word on it."""
    conversation_id: str | None = None
    """The ID of the conversation the call starts, when it has one."""


class TwilioOutboundCallResponse(_OutboundCallResponse, kw_only=True):
    """A Twilio call placed: ``call_sid`` is Twilio's CallSid (``callSid`` on the wire)."""

    call_sid: str | None = msgspec.field(default=None, name="callSid")
    """Twilio's CallSid of the call."""


class SIPTrunkOutboundCallResponse(_OutboundCallResponse, kw_only=True):
    """A call placed over a SIP trunk: ``sip_call_id`` is its SIP Call-ID."""

    sip_call_id: str | None = None
    """The SIP Call-ID of the call."""


class ExotelOutboundCallResponse(_OutboundCallResponse, kw_only=True):
    """An Exotel call placed: ``call_sid`` is Exotel's CallSid (``callSid`` on the wire)."""

    call_sid: str | None = msgspec.field(default=None, name="callSid")
    """Exotel's CallSid of the call."""


CallResult = TwilioOutboundCallResponse | SIPTrunkOutboundCallResponse | ExotelOutboundCallResponse
"""What an outbound call returns, by the provider it went through."""
