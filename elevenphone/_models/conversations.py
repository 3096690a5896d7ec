"""Conversations: the outcome of a call (status, the phone call's result,
analysis, transcript) and pages of conversation summaries.

The phone call of a conversation is told apart by ``type``; a type the
schema does not list decodes into :class:`GenericPhoneCall` (see
:mod:`elevenphone._wire.lifecycle`). Every enum field stays open: a value
added to the API decodes as a plain ``str``.

``CallResult`` (in :mod:`.calls`) is the reply to placing a call;
:class:`PhoneCallResult` is what became of the call.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import msgspec

from .._public import present_as
from ._base import ResponseModel, StrEnum, known, members
from ._pages import PageModel
from .calls import TelephonyDirection

__all__ = [
    "PHONE_CALL_TYPES",
    "CallSuccessful",
    "Conversation",
    "ConversationAnalysis",
    "ConversationBatchCallInfo",
    "ConversationErrorInfo",
    "ConversationMetadata",
    "ConversationPage",
    "ConversationStatus",
    "ConversationSummary",
    "ExotelPhoneCall",
    "GenericPhoneCall",
    "PhoneCall",
    "PhoneCallResult",
    "SIPTrunkPhoneCall",
    "TranscriptRole",
    "TranscriptTurn",
    "TwilioPhoneCall",
]


class ConversationStatus(StrEnum):
    """Where a conversation is: ``done`` and ``failed`` are final."""

    INITIATED = "initiated"
    IN_PROGRESS = "in-progress"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class PhoneCallResult(StrEnum):
    """What became of a phone call: answered, or why not."""

    ANSWERED = "answered"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"


class CallSuccessful(StrEnum):
    """The analysis' verdict on whether a conversation met its goal."""

    SUCCESS = "success"
    FAILURE = "failure"
    UNKNOWN = "unknown"


class TranscriptRole(StrEnum):
    """Who spoke a turn of a transcript."""

    USER = "user"
    AGENT = "agent"


_STATUSES = members(ConversationStatus)
_CALL_RESULTS = members(PhoneCallResult)
_SUCCESS = members(CallSuccessful)
_ROLES = members(TranscriptRole)
_DIRECTIONS = members(TelephonyDirection)


# --- the phone call --------------------------------------------------------------


class _PhoneCallBase(ResponseModel):
    """Fields every phone call of a conversation has."""

    type: str
    """The telephony: ``twilio``, ``sip_trunking``, ``exotel``, or a newer one's name."""
    direction: str
    """``inbound`` or ``outbound`` (a :class:`TelephonyDirection` member), or
    the string of a newer value."""
    phone_number_id: str
    """The ID of the agent's phone number."""
    agent_number: str
    """The agent's phone number."""
    external_number: str
    """The other party's phone number."""
    call_result: str | None = None
    """What became of the call: a :class:`PhoneCallResult` member, the string
    of a newer value, or None while the API has not said."""

    def __post_init__(self) -> None:
        self.direction = known(_DIRECTIONS, self.direction)
        if self.call_result is not None:
            self.call_result = known(_CALL_RESULTS, self.call_result)


class TwilioPhoneCall(_PhoneCallBase, kw_only=True):
    """A call over a Twilio number."""

    type: Literal["twilio"] = "twilio"
    call_sid: str
    """Twilio's CallSid of the call."""
    stream_sid: str | None = None
    """Twilio's StreamSid of the call's media stream."""


class SIPTrunkPhoneCall(_PhoneCallBase, kw_only=True):
    """A call over a SIP trunk (``type`` ``sip_trunking``)."""

    type: Literal["sip_trunking"] = "sip_trunking"
    call_sid: str
    """The API's id of the call."""
    call_id: str | None = None
    """The SIP Call-ID of the call."""
    sip_header_dynamic_variables: dict[str, str] | None = None
    """Dynamic variables read from the call's SIP headers."""


class ExotelPhoneCall(_PhoneCallBase, kw_only=True):
    """A call over an Exotel number."""

    type: Literal["exotel"] = "exotel"
    call_sid: str
    """Exotel's CallSid of the call."""
    stream_sid: str | None = None
    """Exotel's StreamSid of the call's media stream."""


class GenericPhoneCall(_PhoneCallBase, kw_only=True):
    """A call over a telephony this version of elevenphone does not know.

    It keeps the fields every phone call shares; the rest is ignored.
    ``type`` holds the telephony's name as the API sent it.
    """

    call_sid: str | None = None
    """The telephony's id of the call, if it sent one."""


KnownPhoneCall = TwilioPhoneCall | SIPTrunkPhoneCall | ExotelPhoneCall
PhoneCall = TwilioPhoneCall | SIPTrunkPhoneCall | ExotelPhoneCall | GenericPhoneCall
"""The phone call of a conversation, told apart by ``.type``."""

PHONE_CALL_TYPES: dict[str, type[KnownPhoneCall]] = {
    "twilio": TwilioPhoneCall,
    "sip_trunking": SIPTrunkPhoneCall,
    "exotel": ExotelPhoneCall,
}
"""The phone call Struct of each ``type`` the schema lists."""


# --- the conversation --------------------------------------------------------------


class ConversationErrorInfo(ResponseModel):
    """Why a conversation failed, as the API records it."""

    code: int
    """The API's error code."""
    reason: str | None = None
    """What went wrong, when the API says."""


class ConversationBatchCallInfo(ResponseModel):
    """The batch a conversation was placed by."""

    batch_call_id: str
    """The ID of the batch call."""
    batch_call_recipient_id: str
    """The ID of the recipient within the batch."""


class ConversationMetadata(ResponseModel):
    """When a conversation ran, what it cost, how it ended, and its phone call."""

    start_time_unix_secs: int
    """When the conversation started, in seconds since the Unix epoch."""
    call_duration_secs: int
    """How long the conversation lasted, in seconds."""
    accepted_time_unix_secs: int | None = None
    """When the call was accepted, in seconds since the Unix epoch."""
    queue_wait_secs: float | None = None
    """How long the call waited in a queue, in seconds."""
    cost: int | None = None
    """What the conversation cost, in credits."""
    cost_fiat: float | None = None
    """What the conversation cost, in money."""
    termination_reason: str | None = None
    """Why the conversation ended, in the API's words."""
    error: ConversationErrorInfo | None = None
    """What went wrong, when the conversation failed."""
    phone_call: PhoneCall | None = None
    """The phone call, as the Struct of its ``type``; None for a conversation
    that was not a phone call."""
    batch_call: ConversationBatchCallInfo | None = None
    """The batch that placed the call, if one did."""
    timezone: str | None = None
    """The timezone the conversation ran in."""
    main_language: str | None = None
    """The conversation's main language."""


class ConversationAnalysis(ResponseModel):
    """The API's analysis of a finished conversation."""

    call_successful: str
    """A :class:`CallSuccessful` member, or the string of a newer value."""
    transcript_summary: str
    """A summary of the transcript."""
    call_success_score: float | None = None
    """How well the call met its goal, as a score."""
    call_summary_title: str | None = None
    """A short title for the call."""
    evaluation_criteria_results: dict[str, Any] = msgspec.field(default_factory=dict)
    """The result of each of the agent's evaluation criteria, by criterion id."""
    data_collection_results: dict[str, Any] = msgspec.field(default_factory=dict)
    """The data collected from the conversation, by item id."""

    def __post_init__(self) -> None:
        self.call_successful = known(_SUCCESS, self.call_successful)


class TranscriptTurn(ResponseModel):
    """One turn of a transcript: who spoke, what, and when."""

    role: str
    """``user`` or ``agent`` (a :class:`TranscriptRole` member), or the string
    of a newer value."""
    time_in_call_secs: int
    """When the turn began, in seconds since the conversation started."""
    message: str | None = None
    """What was said, None for a turn without text (a tool call)."""

    def __post_init__(self) -> None:
        self.role = known(_ROLES, self.role)


class Conversation(ResponseModel):
    """A conversation (``GET /v1/convai/conversations/{conversation_id}``): the
    outcome of a call."""

    conversation_id: str
    """The ID of the conversation."""
    agent_id: str
    """The agent that held the conversation."""
    status: str
    """A :class:`ConversationStatus` member, or the string of a newer value."""
    metadata: ConversationMetadata
    """When it ran, how it ended, and its phone call."""
    transcript: list[TranscriptTurn] = msgspec.field(default_factory=list)
    """The turns of the conversation, in order."""
    analysis: ConversationAnalysis | None = None
    """The analysis, once the API has made it."""
    agent_name: str | None = None
    """The agent's name."""
    user_id: str | None = None
    """The end user's id, as the conversation was started with."""
    branch_id: str | None = None
    """The agent branch the conversation used."""
    version_id: str | None = None
    """The agent version the conversation used."""
    environment: str | None = None
    """The environment the agent's variables were resolved in."""
    has_audio: bool = False
    """Whether the conversation's audio is stored."""
    has_user_audio: bool = False
    """Whether the user's audio is stored."""
    has_response_audio: bool = False
    """Whether the agent's audio is stored."""
    has_auxiliary_audio: bool = False
    """Whether auxiliary audio (beyond the user's and the agent's) is stored."""
    user_message_count: int | None = None
    """How many messages the user sent."""
    agent_message_count: int | None = None
    """How many messages the agent sent."""
    conversation_initiation_client_data: dict[str, Any] | None = None
    """What the conversation was started with (dynamic variables, overrides), as a mapping."""
    tag_ids: list[str] = msgspec.field(default_factory=list)
    """The IDs of the conversation's tags."""

    def __post_init__(self) -> None:
        self.status = known(_STATUSES, self.status)

    @property
    def call_result(self) -> str | None:
        """What became of the phone call: a :class:`PhoneCallResult` member,
        the string of a newer value, or None (no phone call, or no result yet)."""
        phone_call = self.metadata.phone_call
        return None if phone_call is None else phone_call.call_result


class ConversationSummary(ResponseModel):
    """A conversation as a page of conversations lists it."""

    conversation_id: str
    """The ID of the conversation."""
    agent_id: str
    """The agent that held the conversation."""
    status: str
    """A :class:`ConversationStatus` member, or the string of a newer value."""
    start_time_unix_secs: int
    """When the conversation started, in seconds since the Unix epoch."""
    call_duration_secs: int
    """How long the conversation lasted, in seconds."""
    message_count: int = 0
    """How many messages the conversation holds."""
    call_successful: str | None = None
    """A :class:`CallSuccessful` member, the string of a newer value, or None
    before the analysis."""
    agent_name: str | None = None
    """The agent's name."""
    branch_id: str | None = None
    """The agent branch the conversation used."""
    termination_reason: str | None = None
    """Why the conversation ended, in the API's words."""
    transcript_summary: str | None = None
    """A summary of the transcript."""
    call_summary_title: str | None = None
    """A short title for the call."""
    direction: str | None = None
    """``inbound`` or ``outbound`` (a :class:`TelephonyDirection` member), the
    string of a newer value, or None."""

    def __post_init__(self) -> None:
        self.status = known(_STATUSES, self.status)
        if self.call_successful is not None:
            self.call_successful = known(_SUCCESS, self.call_successful)
        if self.direction is not None:
            self.direction = known(_DIRECTIONS, self.direction)


class ConversationPage(PageModel[ConversationSummary], kw_only=True):
    """One page of conversations (``GET /v1/convai/conversations``).

    ``await page.next_page()`` fetches the next page (None after the last);
    ``async for conversation in page`` takes this page's conversations.
    """

    items_field: ClassVar[str] = "conversations"

    conversations: list[ConversationSummary]
    """The conversations of this page."""
    next_cursor: str | None = None
    """Pass it as ``cursor`` for the next page; None on the last page."""


# This module loads on first use, after elevenphone has presented the names it
# loads at once: its public classes name elevenphone as their module here.
present_as("elevenphone", globals(), __all__)
