"""The lifecycle models themselves: their enums hold the API's values, enum
fields stay open, the batch request encodes as the API takes it, and the
names issue 19 spells out exist."""

from __future__ import annotations

import json
import typing

import msgspec
import pytest

import elevenphone
from elevenphone import (
    CallResult,
    ConversationInitiationClientData,
    ExotelOutboundCallResponse,
    InvalidRequestError,
    SIPTrunkOutboundCallResponse,
    TelephonyCallConfig,
    TwilioOutboundCallResponse,
    TwilioPhoneNumber,
)
from elevenphone._models._base import RequestModel, ResponseModel, StrEnum
from elevenphone._models.agents import (
    Agent,
    AgentBranch,
    AgentCallLimits,
    AgentPage,
    AgentSortBy,
    AgentSummary,
)
from elevenphone._models.batch_calls import (
    BatchCall,
    BatchCallDetail,
    BatchCallPage,
    BatchCallRecipient,
    BatchCallRecipientResult,
    BatchCallRecipientStatus,
    BatchCallStatus,
    SubmitBatchCallRequest,
)
from elevenphone._models.conversations import (
    PHONE_CALL_TYPES,
    CallSuccessful,
    Conversation,
    ConversationAnalysis,
    ConversationMetadata,
    ConversationPage,
    ConversationStatus,
    ConversationSummary,
    ExotelPhoneCall,
    GenericPhoneCall,
    PhoneCall,
    PhoneCallResult,
    SIPTrunkPhoneCall,
    TranscriptRole,
    TranscriptTurn,
    TwilioPhoneCall,
)
from elevenphone._wire import encode_body


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def test_the_enums_hold_the_values_of_the_spec() -> None:
    assert _values(ConversationStatus) == [
        "initiated",
        "in-progress",
        "processing",
        "done",
        "failed",
    ]
    assert ConversationStatus.IN_PROGRESS == "in-progress"
    assert _values(PhoneCallResult) == ["answered", "voicemail", "busy", "no_answer", "failed"]
    assert _values(CallSuccessful) == ["success", "failure", "unknown"]
    assert _values(TranscriptRole) == ["user", "agent"]
    assert _values(AgentSortBy) == ["name", "created_at", "updated_at", "call_count_7d"]
    assert _values(BatchCallStatus) == [
        "pending",
        "in_progress",
        "completed",
        "failed",
        "cancelled",
    ]
    assert _values(BatchCallRecipientStatus) == [
        "pending",
        "dispatched",
        "initiated",
        "in_progress",
        "completed",
        "failed",
        "cancelled",
        "voicemail",
    ]
    assert str(ConversationStatus.IN_PROGRESS) == "in-progress"


def test_the_phone_call_union_is_told_apart_by_type() -> None:
    assert typing.get_args(PhoneCall) == (
        TwilioPhoneCall,
        SIPTrunkPhoneCall,
        ExotelPhoneCall,
        GenericPhoneCall,
    )
    assert {
        "twilio": TwilioPhoneCall,
        "sip_trunking": SIPTrunkPhoneCall,
        "exotel": ExotelPhoneCall,
    } == PHONE_CALL_TYPES


def test_call_result_keeps_its_meaning() -> None:
    # The placed-call union of 0.2.0; what became of a call is PhoneCallResult.
    assert typing.get_args(CallResult) == (
        TwilioOutboundCallResponse,
        SIPTrunkOutboundCallResponse,
        ExotelOutboundCallResponse,
    )


def _conversation(phone_call: PhoneCall | None, status: str = "done") -> Conversation:
    return Conversation(
        conversation_id="conv_1",
        agent_id="agent_1",
        status=status,
        metadata=ConversationMetadata(
            start_time_unix_secs=1, call_duration_secs=2, phone_call=phone_call
        ),
    )


def test_enum_fields_are_members_when_known_and_str_when_new() -> None:
    call = TwilioPhoneCall(
        direction="outbound",
        phone_number_id="phnum_1",
        agent_number="+1",
        external_number="+2",
        call_sid="CA1",
        call_result="voicemail",
    )
    assert call.call_result is PhoneCallResult.VOICEMAIL
    assert _conversation(call).status is ConversationStatus.DONE
    assert _conversation(call, status="archived").status == "archived"
    analysis = ConversationAnalysis(call_successful="failure", transcript_summary="")
    assert analysis.call_successful is CallSuccessful.FAILURE
    assert TranscriptTurn(role="agent", time_in_call_secs=0).role is TranscriptRole.AGENT
    summary = ConversationSummary(
        conversation_id="c",
        agent_id="a",
        status="processing",
        start_time_unix_secs=1,
        call_duration_secs=1,
        call_successful="success",
        direction="inbound",
    )
    assert summary.status is ConversationStatus.PROCESSING
    assert summary.call_successful is CallSuccessful.SUCCESS
    recipient = BatchCallRecipientResult(
        id="r", status="voicemail", created_at_unix=1, updated_at_unix=2
    )
    assert recipient.status is BatchCallRecipientStatus.VOICEMAIL


def test_the_call_result_of_a_conversation() -> None:
    assert _conversation(None).call_result is None
    generic = GenericPhoneCall(
        type="new",
        direction="outbound",
        phone_number_id="p",
        agent_number="+1",
        external_number="+2",
        call_result="busy",
    )
    assert _conversation(generic).call_result is PhoneCallResult.BUSY
    generic_without = msgspec.structs.replace(generic, call_result=None)
    assert _conversation(generic_without).call_result is None


def test_a_recipient_encodes_only_what_is_set() -> None:
    recipient = BatchCallRecipient(
        phone_number="+14155550101",
        id="customer-7",
        conversation_initiation_client_data=ConversationInitiationClientData(
            dynamic_variables={"name": "Grace"}
        ),
    )
    assert recipient.to_dict() == {
        "phone_number": "+14155550101",
        "id": "customer-7",
        "conversation_initiation_client_data": {"dynamic_variables": {"name": "Grace"}},
    }
    assert BatchCallRecipient(phone_number="+1").to_dict() == {"phone_number": "+1"}
    assert repr(BatchCallRecipient(phone_number="+1")) == "BatchCallRecipient(phone_number='+1')"


def test_a_submit_body_encodes_as_the_api_takes_it() -> None:
    request = SubmitBatchCallRequest(
        call_name="Spring reminders",
        agent_id="agent_1",
        recipients=[
            BatchCallRecipient(phone_number="+14155550101", id="r1"),
            BatchCallRecipient(phone_number="+14155550102"),
        ],
        agent_phone_number_id="phnum_1",
        scheduled_time_unix=1739003600,
        timezone="Europe/London",
        target_concurrency_limit=2,
        telephony_call_config=TelephonyCallConfig(ringing_timeout_secs=30),
        branch_id="agtbrch_1",
        environment="production",
    )
    body = encode_body(request, SubmitBatchCallRequest, what="batch call")
    assert json.loads(body) == {
        "call_name": "Spring reminders",
        "agent_id": "agent_1",
        "recipients": [
            {"phone_number": "+14155550101", "id": "r1"},
            {"phone_number": "+14155550102"},
        ],
        "agent_phone_number_id": "phnum_1",
        "scheduled_time_unix": 1739003600,
        "timezone": "Europe/London",
        "target_concurrency_limit": 2,
        "telephony_call_config": {"ringing_timeout_secs": 30},
        "branch_id": "agtbrch_1",
        "environment": "production",
    }
    minimal = SubmitBatchCallRequest(
        call_name="n", agent_id="a", recipients=[BatchCallRecipient(phone_number="+1")]
    )
    assert encode_body(minimal, SubmitBatchCallRequest, what="batch call") == (
        b'{"call_name":"n","agent_id":"a","recipients":[{"phone_number":"+1"}]}'
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"call_name": ""}, "call_name"),
        ({"agent_id": ""}, "agent_id"),
        ({"target_concurrency_limit": 0}, "target_concurrency_limit"),
        ({"recipients": [{"phone_number": ""}]}, "recipients.0.phone_number"),
        ({"recipients": [{"phone_number": "+1", "whatsapp": 1}]}, "recipients.0.whatsapp"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_submit_body_that_does_not_fit_is_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    body = {"call_name": "n", "agent_id": "a", "recipients": [{"phone_number": "+1"}], **fields}
    with pytest.raises(InvalidRequestError) as caught:
        encode_body(body, SubmitBatchCallRequest, what="batch call")
    assert caught.value.field == field


def test_an_agent_built_by_hand_has_the_documented_defaults() -> None:
    agent = Agent(agent_id="agent_1", name="A")
    assert agent.archived is False
    assert agent.tags == []
    assert agent.phone_numbers == []
    assert agent.call_limits is None
    number = TwilioPhoneNumber(phone_number="+1", label="l", phone_number_id="p")
    limits = AgentCallLimits(agent_concurrency_limit=-1)
    full = Agent(agent_id="a", name="A", phone_numbers=[number], call_limits=limits)
    assert full.to_dict()["phone_numbers"][0]["provider"] == "twilio"
    assert full.to_dict()["call_limits"] == {
        "agent_concurrency_limit": -1,
        "daily_limit": None,
        "bursting_enabled": None,
    }


def test_pages_default_to_the_last_page() -> None:
    assert AgentPage(agents=[]).has_more is False
    assert ConversationPage(conversations=[]).next_cursor is None
    assert BatchCallPage(batch_calls=[]).next_doc is None
    assert BatchCallPage(batch_calls=[]).has_more is False


def test_a_batch_detail_is_a_batch() -> None:
    assert issubclass(BatchCallDetail, BatchCall)
    assert "recipients" in BatchCallDetail.__struct_fields__


LIFECYCLE_MODELS = [
    Agent,
    AgentBranch,
    AgentCallLimits,
    AgentPage,
    AgentSummary,
    BatchCall,
    BatchCallDetail,
    BatchCallPage,
    BatchCallRecipient,
    BatchCallRecipientResult,
    Conversation,
    ConversationAnalysis,
    ConversationMetadata,
    ConversationPage,
    ConversationSummary,
    SubmitBatchCallRequest,
    TranscriptTurn,
    *PHONE_CALL_TYPES.values(),
    GenericPhoneCall,
]


@pytest.mark.parametrize("model", LIFECYCLE_MODELS, ids=lambda m: m.__name__)
def test_every_lifecycle_model_is_exported_and_documented(model: type) -> None:
    # Loaded on first use, under the public name.
    assert getattr(elevenphone, model.__name__) is model
    assert model.__name__ in elevenphone.__all__
    assert model.__module__ == "elevenphone"
    assert model.__doc__
    assert issubclass(model, RequestModel | ResponseModel)


def test_request_models_refuse_unknown_keys_and_responses_ignore_them() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"phone_number": "+1", "nope": 1}, BatchCallRecipient)
    branch = msgspec.convert(
        {"id": "b", "name": "n", "agent_id": "a", "is_archived": True, "new": 1}, AgentBranch
    )
    assert branch.is_archived is True
