"""The lifecycle replies (agents, conversations, batch calls) decoded from
bytes as the API sends them: every field, the unions by tag with their generic
fallback, lenient decoding, and the local check of a batch's recipients."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from elevenphone import (
    APIResponseValidationError,
    GenericPhoneNumber,
    InvalidRequestError,
    SIPTrunkPhoneNumber,
    TelephonyDirection,
    TelephonyProvider,
    TwilioPhoneNumber,
)
from elevenphone._models.agents import AgentCallLimits
from elevenphone._models.batch_calls import (
    BatchCallRecipient,
    BatchCallRecipientStatus,
    BatchCallStatus,
)
from elevenphone._models.conversations import (
    CallSuccessful,
    ConversationBatchCallInfo,
    ConversationErrorInfo,
    ConversationStatus,
    ExotelPhoneCall,
    GenericPhoneCall,
    PhoneCallResult,
    SIPTrunkPhoneCall,
    TranscriptRole,
    TwilioPhoneCall,
)
from elevenphone._wire.lifecycle import (
    check_recipients,
    decode_agent,
    decode_agent_branch,
    decode_agent_page,
    decode_batch_call,
    decode_batch_call_detail,
    decode_batch_call_page,
    decode_conversation,
    decode_conversation_page,
)
from tests.conftest import sip_trunk_number, twilio_number
from tests.lifecycle_samples import (
    AGENT_ID,
    BATCH_ID,
    CONVERSATION_ID,
    agent_branch,
    agent_reply,
    agent_summary,
    batch_call_reply,
    batch_recipient,
    conversation_reply,
    conversation_summary,
    twilio_phone_call,
)


def encode(value: Any) -> bytes:
    return json.dumps(value).encode()


# --- agents --------------------------------------------------------------------------


def test_an_agent_decodes_every_field_it_keeps() -> None:
    agent = decode_agent(encode(agent_reply()))
    assert agent.agent_id == AGENT_ID
    assert agent.name == "Receptionist"
    assert agent.archived is False
    assert agent.tags == ["support", "en"]
    assert agent.created_at_unix_secs == 1735689600
    assert agent.updated_at_unix_secs == 1738368000
    assert agent.version_id == "agtvrsn_0101k5"
    assert agent.branch_id == "agtbrch_0201k5"
    assert agent.main_branch_id == "agtbrch_0001k5"
    assert agent.call_limits == AgentCallLimits(
        agent_concurrency_limit=-1, daily_limit=100000, bursting_enabled=True
    )
    twilio, sip = agent.phone_numbers
    assert isinstance(twilio, TwilioPhoneNumber)
    assert twilio.phone_number_id == "phnum_2701kacmjq23fzaacdgqwt0qty0b"
    assert isinstance(sip, SIPTrunkPhoneNumber)
    assert sip.outbound_trunk is not None
    assert sip.outbound_trunk.address == "sip.example.com"


def test_an_archived_agent_says_so() -> None:
    body = agent_reply()
    body["platform_settings"]["archived"] = True
    assert decode_agent(encode(body)).archived is True


@pytest.mark.parametrize(
    "platform_settings",
    [None, {}, {"archived": None}, {"call_limits": None}],
    ids=["null", "empty", "archived-null", "limits-null"],
)
def test_archived_is_false_and_limits_none_when_the_api_leaves_them_out(
    platform_settings: dict[str, Any] | None,
) -> None:
    agent = decode_agent(encode(agent_reply(platform_settings=platform_settings)))
    assert agent.archived is False
    assert agent.call_limits is None


def test_a_bare_agent_decodes_with_defaults() -> None:
    agent = decode_agent(b'{"agent_id": "agent_1", "name": "Bare"}')
    assert agent.agent_id == "agent_1"
    assert agent.name == "Bare"
    assert agent.archived is False
    assert agent.tags == []
    assert agent.phone_numbers == []
    assert agent.call_limits is None
    assert agent.created_at_unix_secs is None
    assert agent.branch_id is agent.main_branch_id is agent.version_id is None


def test_call_limits_may_be_partial() -> None:
    body = agent_reply(platform_settings={"call_limits": {"daily_limit": 50}})
    limits = decode_agent(encode(body)).call_limits
    assert limits == AgentCallLimits(daily_limit=50)
    assert limits.agent_concurrency_limit is None
    assert limits.bursting_enabled is None


def test_an_agent_number_of_an_unknown_provider_decodes_generically() -> None:
    body = agent_reply(phone_numbers=[twilio_number(provider="vonage", vonage_only=1)])
    (number,) = decode_agent(encode(body)).phone_numbers
    assert type(number) is GenericPhoneNumber
    assert number.provider == "vonage"
    assert number.phone_number == "+14155550100"


def _with_unknown_values_everywhere() -> dict[str, Any]:
    body = agent_reply(brand_new_top_level={"kind": "unheard-of"})
    config = body["conversation_config"]
    config["asr"]["provider"] = "a_provider_from_next_year"
    config["asr"]["user_input_audio_format"] = "opus_96000"
    config["turn"]["mode"] = "telepathic"
    config["tts"]["model_id"] = "eleven_v9"
    config["tts"]["agent_output_audio_format"] = {"codec": "new", "rate": 1}
    config["agent"]["prompt"]["llm"] = "gpt-9-ultra"
    config["agent"]["prompt"]["tools"].append({"type": "quantum", "name": "q"})
    config["conversation"]["client_events"].append("mind_reading")
    config["brand_new_section"] = [1, "two", {"three": None}]
    settings = body["platform_settings"]
    settings["widget"]["variant"] = "hologram"
    settings["call_limits"]["new_limit"] = "unbounded"
    settings["auth"] = {"enable_auth": True, "allowlist": [{"hostname": "x"}], "mode": "new"}
    body["phone_numbers"] = [
        sip_trunk_number(livekit_stack="quantum", brand_new_field=True),
        twilio_number(provider="a_new_provider"),
    ]
    return body


def test_unknown_fields_and_enum_values_anywhere_in_an_agent_decode() -> None:
    agent = decode_agent(encode(_with_unknown_values_everywhere()))
    assert agent.agent_id == AGENT_ID
    assert agent.call_limits is not None
    assert agent.call_limits.agent_concurrency_limit == -1
    sip, other = agent.phone_numbers
    assert isinstance(sip, SIPTrunkPhoneNumber)
    assert sip.livekit_stack == "quantum"
    assert type(other) is GenericPhoneNumber


@pytest.mark.parametrize("config", [None, [], 7, "text", {"asr": [1, 2]}])
def test_the_conversation_config_is_never_read(config: object) -> None:
    assert decode_agent(encode(agent_reply(conversation_config=config))).name == "Receptionist"


def test_a_bad_agent_number_fails_the_agent_naming_its_index() -> None:
    body = agent_reply(phone_numbers=[twilio_number(), {"provider": "twilio"}])
    raw = encode(body)
    with pytest.raises(APIResponseValidationError) as caught:
        decode_agent(raw, 200)
    assert caught.value.message.startswith("item 1 of the agent's phone numbers: ")
    assert caught.value.body == raw
    assert caught.value.status_code == 200


def test_an_agent_page_decodes_its_summaries() -> None:
    body = {
        "agents": [
            agent_summary(),
            agent_summary(agent_id="agent_2", archived=True, last_call_time_unix_secs=None),
        ],
        "next_cursor": "cursor_2",
        "has_more": True,
    }
    page = decode_agent_page(encode(body))
    first, second = page.agents
    assert first.agent_id == AGENT_ID
    assert first.name == "Receptionist"
    assert first.tags == ["support"]
    assert first.archived is False
    assert first.created_at_unix_secs == 1735689600
    assert first.updated_at_unix_secs == 1738368000
    assert first.last_call_time_unix_secs == 1739000000
    assert first.voice_id == "cjVigY5qzO86Huf0OWal"
    assert second.archived is True
    assert second.last_call_time_unix_secs is None
    assert page.next_cursor == "cursor_2"
    assert page.has_more is True


@pytest.mark.parametrize(
    ("extra", "has_more"),
    [
        ({"next_cursor": "c"}, True),
        ({"next_cursor": None}, False),
        ({}, False),
        ({"next_cursor": "c", "has_more": False}, False),
        ({"next_cursor": "c", "has_more": None}, True),
    ],
)
def test_has_more_follows_the_cursor_when_the_api_leaves_it_out(
    extra: dict[str, Any], has_more: bool
) -> None:
    assert decode_agent_page(encode({"agents": [], **extra})).has_more is has_more
    body = {"conversations": [], **extra}
    assert decode_conversation_page(encode(body)).has_more is has_more


def test_an_agent_summary_without_archived_is_not_archived() -> None:
    summary = agent_summary()
    del summary["archived"], summary["last_call_time_unix_secs"]
    (agent,) = decode_agent_page(encode({"agents": [summary]})).agents
    assert agent.archived is False
    assert agent.last_call_time_unix_secs is None


def test_a_branch_decodes_every_field() -> None:
    branch = decode_agent_branch(encode(agent_branch()))
    assert branch.id == "agtbrch_0201k5"
    assert branch.name == "spring-campaign"
    assert branch.agent_id == AGENT_ID
    assert branch.description == "A friendlier greeting"
    assert branch.created_at == 1736000000
    assert branch.last_committed_at == 1737000000
    assert branch.is_archived is False
    assert decode_agent_branch(encode(agent_branch(is_archived=True))).is_archived is True


# --- conversations -------------------------------------------------------------------


def test_a_conversation_decodes_every_field() -> None:
    conversation = decode_conversation(encode(conversation_reply()))
    assert conversation.conversation_id == CONVERSATION_ID
    assert conversation.agent_id == AGENT_ID
    assert conversation.agent_name == "Receptionist"
    assert conversation.status is ConversationStatus.DONE
    assert conversation.user_id == "customer-42"
    assert conversation.branch_id == "agtbrch_0201k5"
    assert conversation.version_id == "agtvrsn_0101k5"
    assert conversation.environment == "production"
    assert conversation.has_audio is True
    assert conversation.has_user_audio is True
    assert conversation.has_response_audio is True
    assert conversation.has_auxiliary_audio is False
    assert conversation.user_message_count == 1
    assert conversation.agent_message_count == 2
    assert conversation.tag_ids == ["tag_vip"]
    assert conversation.conversation_initiation_client_data == {
        "dynamic_variables": {"customer_name": "Grace"},
        "source_info": {"source": "python_sdk", "version": "2.78.0"},
    }

    metadata = conversation.metadata
    assert metadata.start_time_unix_secs == 1739000000
    assert metadata.accepted_time_unix_secs == 1739000004
    assert metadata.call_duration_secs == 42
    assert metadata.queue_wait_secs == 0.5
    assert metadata.cost == 310
    assert metadata.cost_fiat == pytest.approx(0.0412)
    assert metadata.termination_reason == "Call ended by remote party"
    assert metadata.error is None
    assert metadata.batch_call == ConversationBatchCallInfo(
        batch_call_id=BATCH_ID, batch_call_recipient_id="rcpt_0001"
    )
    assert metadata.timezone == "Europe/London"
    assert metadata.main_language == "en"

    call = metadata.phone_call
    assert isinstance(call, TwilioPhoneCall)
    assert call.type == "twilio"
    assert call.direction is TelephonyDirection.OUTBOUND
    assert call.phone_number_id == "phnum_2701kacmjq23fzaacdgqwt0qty0b"
    assert call.agent_number == "+14155550100"
    assert call.external_number == "+14155550199"
    assert call.call_sid == "CA5d3ab5a668481ce02b83e7395059f0a7"
    assert call.stream_sid == "MZ18ad3ab5a668481ce02b83e7395059f0"
    assert call.call_result is PhoneCallResult.ANSWERED
    assert conversation.call_result is PhoneCallResult.ANSWERED

    analysis = conversation.analysis
    assert analysis is not None
    assert analysis.call_successful is CallSuccessful.SUCCESS
    assert analysis.transcript_summary == "The caller booked a table for two."
    assert analysis.call_success_score == 0.9
    assert analysis.call_summary_title == "Table booking"
    assert analysis.evaluation_criteria_results["booked"]["result"] == "success"
    assert analysis.data_collection_results["party_size"]["value"] == 2

    first, second, third = conversation.transcript
    assert (first.role, first.message, first.time_in_call_secs) == (
        TranscriptRole.AGENT,
        "Hello, how can I help?",
        0,
    )
    assert (second.role, second.message, second.time_in_call_secs) == (
        TranscriptRole.USER,
        "I'd like to book a table.",
        3,
    )
    assert third.message is None


def test_a_failed_conversation_carries_its_error() -> None:
    body = conversation_reply(status="failed", analysis=None)
    body["metadata"]["error"] = {"code": 1002, "reason": "The callee hung up before the agent"}
    body["metadata"]["phone_call"]["call_result"] = "failed"
    conversation = decode_conversation(encode(body))
    assert conversation.status is ConversationStatus.FAILED
    assert conversation.analysis is None
    assert conversation.metadata.error == ConversationErrorInfo(
        code=1002, reason="The callee hung up before the agent"
    )
    assert conversation.call_result is PhoneCallResult.FAILED


def test_a_conversation_just_placed_has_few_fields() -> None:
    body = {
        "agent_id": AGENT_ID,
        "conversation_id": CONVERSATION_ID,
        "status": "initiated",
        "metadata": {"start_time_unix_secs": 1739000000, "call_duration_secs": 0},
        "transcript": [],
        "has_audio": False,
        "has_user_audio": False,
        "has_response_audio": False,
    }
    conversation = decode_conversation(encode(body))
    assert conversation.status is ConversationStatus.INITIATED
    assert conversation.metadata.phone_call is None
    assert conversation.call_result is None
    assert conversation.analysis is None
    assert conversation.transcript == []


@pytest.mark.parametrize("status", list(ConversationStatus))
def test_every_status_is_its_member(status: ConversationStatus) -> None:
    decoded = decode_conversation(encode(conversation_reply(status=status.value))).status
    assert decoded is status


@pytest.mark.parametrize("result", list(PhoneCallResult))
def test_every_call_result_is_its_member(result: PhoneCallResult) -> None:
    body = conversation_reply()
    body["metadata"]["phone_call"]["call_result"] = result.value
    assert decode_conversation(encode(body)).call_result is result


def test_a_call_without_a_result_yet_has_none() -> None:
    body = conversation_reply(status="in-progress")
    del body["metadata"]["phone_call"]["call_result"]
    conversation = decode_conversation(encode(body))
    assert conversation.status is ConversationStatus.IN_PROGRESS
    assert conversation.call_result is None


def test_a_sip_trunk_call_decodes_its_own_fields() -> None:
    body = conversation_reply()
    body["metadata"]["phone_call"] = {
        "type": "sip_trunking",
        "direction": "inbound",
        "phone_number_id": "phnum_0001kacmjq23fzaacdgqwt0qty0c",
        "agent_number": "+442071838750",
        "external_number": "+447700900123",
        "call_sid": "sip_call_77",
        "call_id": "a84b4c76e66710@pc33.example.com",
        "sip_header_dynamic_variables": {"x_team": "support"},
        "call_result": "voicemail",
    }
    call = decode_conversation(encode(body)).metadata.phone_call
    assert isinstance(call, SIPTrunkPhoneCall)
    assert call.type == "sip_trunking"
    assert call.direction is TelephonyDirection.INBOUND
    assert call.call_sid == "sip_call_77"
    assert call.call_id == "a84b4c76e66710@pc33.example.com"
    assert call.sip_header_dynamic_variables == {"x_team": "support"}
    assert call.call_result is PhoneCallResult.VOICEMAIL


def test_an_exotel_call_decodes_as_exotel() -> None:
    body = conversation_reply()
    body["metadata"]["phone_call"] = twilio_phone_call(type="exotel", call_result="busy")
    conversation = decode_conversation(encode(body))
    call = conversation.metadata.phone_call
    assert isinstance(call, ExotelPhoneCall)
    assert call.call_sid == "CA5d3ab5a668481ce02b83e7395059f0a7"
    assert conversation.call_result is PhoneCallResult.BUSY


def test_a_call_of_an_unknown_type_decodes_generically() -> None:
    body = conversation_reply()
    body["metadata"]["phone_call"] = {
        "type": "whatsapp_voice",
        "direction": "outbound",
        "phone_number_id": "phnum_9",
        "agent_number": "+14155550100",
        "external_number": "+14155550199",
        "call_result": "no_answer",
        "whatsapp_call_id": "wa_1",
    }
    conversation = decode_conversation(encode(body))
    call = conversation.metadata.phone_call
    assert type(call) is GenericPhoneCall
    assert call.type == "whatsapp_voice"
    assert call.call_sid is None
    assert call.external_number == "+14155550199"
    assert conversation.call_result is PhoneCallResult.NO_ANSWER


def test_a_call_of_a_known_type_is_never_decoded_generically() -> None:
    body = conversation_reply()
    del body["metadata"]["phone_call"]["call_sid"]
    raw = encode(body)
    with pytest.raises(APIResponseValidationError) as caught:
        decode_conversation(raw, 200)
    assert "metadata.phone_call" in caught.value.message
    assert caught.value.body == raw


def test_unknown_fields_and_enum_values_anywhere_in_a_conversation_decode() -> None:
    body = conversation_reply(status="queued", brand_new={"x": [1]})
    body["metadata"]["phone_call"].update(
        direction="sideways", call_result="machine_detected", new_field=1
    )
    body["metadata"]["feedback"]["rating"] = "stellar"
    body["metadata"]["new_section"] = {"mode": "unheard-of"}
    body["analysis"]["call_successful"] = "partial"
    body["analysis"]["evaluation_criteria_results"]["booked"]["result"] = "partial"
    body["transcript"][0]["role"] = "supervisor"
    body["transcript"][0]["source_medium"] = "carrier_pigeon"
    body["conversation_initiation_client_data"]["source_info"]["source"] = "new_sdk"
    conversation = decode_conversation(encode(body))
    assert conversation.status == "queued"
    assert type(conversation.status) is str
    call = conversation.metadata.phone_call
    assert isinstance(call, TwilioPhoneCall)
    assert call.direction == "sideways"
    assert conversation.call_result == "machine_detected"
    assert conversation.analysis is not None
    assert conversation.analysis.call_successful == "partial"
    assert conversation.transcript[0].role == "supervisor"


def test_a_conversation_page_decodes_its_summaries() -> None:
    body = {
        "conversations": [
            conversation_summary(),
            conversation_summary(
                conversation_id="conv_2",
                status="in-progress",
                call_successful="unknown",
                direction="inbound",
            ),
        ],
        "next_cursor": "cursor_2",
        "has_more": True,
    }
    page = decode_conversation_page(encode(body))
    first, second = page.conversations
    assert first.conversation_id == CONVERSATION_ID
    assert first.agent_id == AGENT_ID
    assert first.agent_name == "Receptionist"
    assert first.branch_id == "agtbrch_0201k5"
    assert first.status is ConversationStatus.DONE
    assert first.start_time_unix_secs == 1739000000
    assert first.call_duration_secs == 42
    assert first.message_count == 3
    assert first.call_successful is CallSuccessful.SUCCESS
    assert first.termination_reason == "Call ended by remote party"
    assert first.transcript_summary == "The caller booked a table for two."
    assert first.call_summary_title == "Table booking"
    assert first.direction is TelephonyDirection.OUTBOUND
    assert second.status is ConversationStatus.IN_PROGRESS
    assert second.call_successful is CallSuccessful.UNKNOWN
    assert second.direction is TelephonyDirection.INBOUND
    assert page.next_cursor == "cursor_2"
    assert page.has_more is True


def test_a_summary_with_new_enum_values_decodes() -> None:
    body = {
        "conversations": [
            conversation_summary(status="archived", call_successful="meh", direction="both")
        ]
    }
    (summary,) = decode_conversation_page(encode(body)).conversations
    assert (summary.status, summary.call_successful, summary.direction) == (
        "archived",
        "meh",
        "both",
    )


# --- batch calls ---------------------------------------------------------------------


def test_a_batch_call_decodes_every_field() -> None:
    batch = decode_batch_call(encode(batch_call_reply()))
    assert batch.id == BATCH_ID
    assert batch.name == "Spring reminders"
    assert batch.agent_id == AGENT_ID
    assert batch.agent_name == "Receptionist"
    assert batch.status is BatchCallStatus.IN_PROGRESS
    assert batch.phone_number_id == "phnum_2701kacmjq23fzaacdgqwt0qty0b"
    assert batch.phone_provider is TelephonyProvider.TWILIO
    assert batch.scheduled_time_unix == 1739003600
    assert batch.created_at_unix == 1739000000
    assert batch.last_updated_at_unix == 1739003700
    assert batch.total_calls_dispatched == 3
    assert batch.total_calls_scheduled == 5
    assert batch.total_calls_finished == 2
    assert batch.retry_count == 1
    assert batch.target_concurrency_limit == 2
    assert batch.telephony_call_config == {"ringing_timeout_secs": 30}
    assert batch.branch_id == "agtbrch_0201k5"
    assert batch.branch_name == "spring-campaign"
    assert batch.environment == "production"
    assert batch.timezone == "Europe/London"


def test_a_batch_call_without_its_optional_fields_decodes() -> None:
    body = batch_call_reply()
    for name in (
        "phone_number_id",
        "phone_provider",
        "branch_id",
        "branch_name",
        "environment",
        "timezone",
        "target_concurrency_limit",
    ):
        del body[name]
    batch = decode_batch_call(encode(body))
    assert batch.phone_provider is None
    assert batch.target_concurrency_limit is None
    assert batch.phone_number_id is None


@pytest.mark.parametrize("status", list(BatchCallStatus))
def test_every_batch_status_is_its_member(status: BatchCallStatus) -> None:
    assert decode_batch_call(encode(batch_call_reply(status=status.value))).status is status


def test_new_batch_statuses_and_providers_decode_as_str() -> None:
    batch = decode_batch_call(encode(batch_call_reply(status="paused", phone_provider="vonage")))
    assert (batch.status, batch.phone_provider) == ("paused", "vonage")
    assert batch.to_dict()["status"] == "paused"


def test_a_batch_call_detail_decodes_its_recipients() -> None:
    recipients = [
        batch_recipient(),
        batch_recipient(
            id="rcpt_0002",
            phone_number="+14155550188",
            status="pending",
            conversation_id=None,
            conversation_initiation_client_data=None,
        ),
    ]
    detail = decode_batch_call_detail(encode(batch_call_reply(recipients=recipients)))
    assert detail.id == BATCH_ID
    assert detail.total_calls_scheduled == 5
    first, second = detail.recipients
    assert first.id == "rcpt_0001"
    assert first.phone_number == "+14155550199"
    assert first.status is BatchCallRecipientStatus.COMPLETED
    assert first.conversation_id == CONVERSATION_ID
    assert first.created_at_unix == 1739000000
    assert first.updated_at_unix == 1739003800
    assert first.conversation_initiation_client_data == {
        "dynamic_variables": {"customer_name": "Grace"}
    }
    assert second.status is BatchCallRecipientStatus.PENDING
    assert second.conversation_id is None


@pytest.mark.parametrize("status", [*BatchCallRecipientStatus, "ringing_on_mars"])
def test_every_recipient_status_decodes(status: str) -> None:
    body = batch_call_reply(recipients=[batch_recipient(status=str(status))])
    (recipient,) = decode_batch_call_detail(encode(body)).recipients
    assert recipient.status == status
    assert type(recipient.status) is type(status)


def test_a_batch_page_pages_by_next_doc() -> None:
    body = {
        "batch_calls": [batch_call_reply(), batch_call_reply(id="btcal_2", status="completed")],
        "next_doc": "doc_2",
        "has_more": True,
    }
    page = decode_batch_call_page(encode(body))
    assert [batch.id for batch in page.batch_calls] == [BATCH_ID, "btcal_2"]
    assert page.batch_calls[1].status is BatchCallStatus.COMPLETED
    assert page.next_doc == "doc_2"
    assert page.has_more is True


@pytest.mark.parametrize(
    ("extra", "has_more"),
    [
        ({"next_doc": "doc_2", "has_more": None}, True),
        ({"next_doc": "doc_2"}, True),
        ({"next_doc": None, "has_more": None}, False),
        ({}, False),
        ({"next_doc": "doc_2", "has_more": False}, False),
    ],
)
def test_a_batch_page_without_has_more_reads_next_doc(
    extra: dict[str, Any], has_more: bool
) -> None:
    page = decode_batch_call_page(encode({"batch_calls": [], **extra}))
    assert page.has_more is has_more


# --- what does not decode ------------------------------------------------------------

DECODERS: list[Callable[[bytes, int], object]] = [
    decode_agent,
    decode_agent_page,
    decode_agent_branch,
    decode_conversation,
    decode_conversation_page,
    decode_batch_call,
    decode_batch_call_detail,
    decode_batch_call_page,
]


@pytest.mark.parametrize("decode", DECODERS, ids=lambda d: d.__name__)
@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b"null", b'{"a": 1}', b"\xff\xfe", b"[" * 100_000],
    ids=["empty", "text", "array", "null", "wrong-object", "not-utf8", "deep"],
)
def test_what_does_not_decode_raises_the_validation_error(
    decode: Callable[[bytes, int], object], body: bytes
) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        decode(body, 201)
    assert caught.value.status_code == 201
    assert caught.value.body == body


@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["agent_id", "metadata", "phone_call", "type", "status", "x"]),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_no_bytes_make_a_decoder_raise_anything_else(body: bytes) -> None:
    for decode in DECODERS:
        with contextlib.suppress(APIResponseValidationError):
            decode(body, 200)


def test_a_decoded_conversation_holds_no_raw_values() -> None:
    conversation = decode_conversation(encode(conversation_reply()))
    # The raw phone call is decoded away: the result encodes back as plain JSON.
    again = json.loads(msgspec.json.encode(conversation))
    assert again["metadata"]["phone_call"]["call_sid"] == "CA5d3ab5a668481ce02b83e7395059f0a7"
    assert type(conversation.metadata).__name__ == "ConversationMetadata"
    assert type(conversation).__name__ == "Conversation"


# --- the recipients of a batch ---------------------------------------------------------


def test_distinct_recipients_pass() -> None:
    check_recipients(
        [
            BatchCallRecipient(phone_number="+14155550101"),
            BatchCallRecipient(phone_number="+14155550102", id="r2"),
            {"phone_number": "+14155550103"},
        ]
    )


@pytest.mark.parametrize("recipients", [[], ()])
def test_no_recipients_are_refused(recipients: list[Any]) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_recipients(recipients)
    assert caught.value.field == "recipients"


@pytest.mark.parametrize("recipients", ["+14155550101", b"x", None, 3, {"phone_number": "+1"}])
def test_recipients_that_are_not_a_sequence_are_refused(recipients: object) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_recipients(recipients)
    assert caught.value.field == "recipients"


@pytest.mark.parametrize(
    ("numbers", "index", "first"),
    [
        (["+14155550101", "+14155550101"], 1, 0),
        (["+14155550101", "+14155550102", "+14155550101"], 2, 0),
        (["+1", "+14155550102", "+14155550102"], 2, 1),
        (["+1 415 555-0101", "+1 (415) 555.0101"], 1, 0),
        (["+14155550101", "+1 415 555 0101"], 1, 0),
    ],
)
def test_a_repeated_number_is_refused_naming_its_index(
    numbers: list[str], index: int, first: int
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_recipients([BatchCallRecipient(phone_number=n) for n in numbers])
    assert caught.value.field == f"recipients.{index}"
    assert f"recipients.{first}" in caught.value.message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("number", ["", "   ", None, 14155550101])
def test_a_missing_or_blank_number_is_refused(number: object) -> None:
    recipients = [BatchCallRecipient(phone_number="+14155550101"), {"phone_number": number}]
    with pytest.raises(InvalidRequestError) as caught:
        check_recipients(recipients)
    assert caught.value.field == "recipients.1.phone_number"


def test_an_item_that_is_not_a_recipient_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        check_recipients([BatchCallRecipient(phone_number="+14155550101"), "+14155550102"])
    assert caught.value.field == "recipients.1"
    assert isinstance(caught.value, TypeError)
