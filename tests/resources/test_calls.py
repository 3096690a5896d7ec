"""``client.calls`` on a loopback server: the exact request of each provider,
routing by provider, the decoded replies, and calls never placed twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from elevenphone import (
    APIConnectionError,
    ConversationInitiationClientData,
    ConversationInitiationSourceInfo,
    ElevenPhone,
    ExotelOutboundCallResponse,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RetryPolicy,
    SIPTrunkOutboundCallResponse,
    TelephonyCallConfig,
    TwilioAnsweredBy,
    TwilioMachineDetectionConfig,
    TwilioMachineDetectionMode,
    TwilioMachineDetectionRule,
    TwilioOutboundCallResponse,
)
from tests.conftest import API_KEY, RecordingSleep, sip_trunk_number, twilio_number
from tests.loopback import ScriptedServer
from tests.refusals import assert_names_field

JSON = {"Content-Type": "application/json"}
FROM = "phnum_from"
CALL = {"agent_id": "agent_a", "agent_phone_number_id": FROM, "to_number": "+14155550199"}
PLACED = {"success": True, "message": "Call placed", "conversation_id": "conv_1"}


def client_for(server: ScriptedServer, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(API_KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


def sent(server: ScriptedServer, index: int = -1) -> Any:
    return json.loads(server.seen[index].body)


async def test_twilio_outbound_sends_every_field_and_reads_call_sid(
    server: ScriptedServer,
) -> None:
    server.reply(200, json.dumps({**PLACED, "callSid": "CA123"}), JSON)
    async with client_for(server) as client:
        result = await client.calls.twilio_outbound(
            **CALL,
            conversation_initiation_client_data=ConversationInitiationClientData(
                dynamic_variables={"customer_name": "Ada", "order": 42},
                user_id="user_7",
                branch_id="agtbrch_b",
                environment="production",
                source_info=ConversationInitiationSourceInfo(source="python_sdk", version="0.2"),  # type: ignore[arg-type]
                conversation_config_override={"agent": {"first_message": "Hi Ada"}},
            ),
            telephony_call_config=TelephonyCallConfig(
                ringing_timeout_secs=30,
                twilio_machine_detection=TwilioMachineDetectionConfig(
                    mode=TwilioMachineDetectionMode.ENABLE,
                    actions=[
                        TwilioMachineDetectionRule(
                            answered_by=[TwilioAnsweredBy.MACHINE_START, TwilioAnsweredBy.FAX]
                        )
                    ],
                ),
            ),
            call_recording_enabled=True,
        )
    assert isinstance(result, TwilioOutboundCallResponse)
    assert (result.success, result.conversation_id, result.call_sid) == (True, "conv_1", "CA123")
    [seen] = server.seen
    assert (seen.method, seen.raw_path) == ("POST", "/v1/convai/twilio/outbound-call")
    assert json.loads(seen.body) == {
        **CALL,
        "conversation_initiation_client_data": {
            "dynamic_variables": {"customer_name": "Ada", "order": 42},
            "user_id": "user_7",
            "branch_id": "agtbrch_b",
            "environment": "production",
            "conversation_config_override": {"agent": {"first_message": "Hi Ada"}},
            "source_info": {"source": "python_sdk", "version": "0.2"},
        },
        "telephony_call_config": {
            "ringing_timeout_secs": 30,
            "twilio_machine_detection": {
                "mode": "enable",
                "actions": [{"answered_by": ["machine_start", "fax"], "action": "hang_up"}],
            },
        },
        "call_recording_enabled": True,
    }


async def test_calls_take_plain_mappings_and_send_only_what_was_given(
    server: ScriptedServer,
) -> None:
    server.reply(200, json.dumps({**PLACED, "sip_call_id": "sip-1"}), JSON)
    server.reply(200, json.dumps({**PLACED, "callSid": "EX1"}), JSON)
    async with client_for(server) as client:
        sip = await client.calls.sip_trunk_outbound(
            **CALL, conversation_initiation_client_data={"dynamic_variables": {"a": 1}}
        )
        exotel = await client.calls.exotel_outbound(
            **CALL, telephony_call_config={"ringing_timeout_secs": 20}
        )
    assert isinstance(sip, SIPTrunkOutboundCallResponse)
    assert sip.sip_call_id == "sip-1"
    assert isinstance(exotel, ExotelOutboundCallResponse)
    assert exotel.call_sid == "EX1"
    assert server.seen[0].raw_path == "/v1/convai/sip-trunk/outbound-call"
    assert sent(server, 0) == {
        **CALL,
        "conversation_initiation_client_data": {"dynamic_variables": {"a": 1}},
    }
    assert server.seen[1].raw_path == "/v1/convai/exotel/outbound-call"
    assert sent(server, 1) == {**CALL, "telephony_call_config": {"ringing_timeout_secs": 20}}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            {"conversation_initiation_client_data": {"start_procedure_ids": list("abcdef")}},
            "start_procedure_ids",
        ),
        ({"conversation_initiation_client_data": {"user_id": 5}}, "user_id"),
        ({"conversation_initiation_client_data": {"colour": "red"}}, "colour"),
        ({"telephony_call_config": {"twilio_machine_detection": {"mode": "guess"}}}, "mode"),
        (
            {
                "telephony_call_config": {
                    "twilio_machine_detection": {
                        "actions": [{"answered_by": ["human"], "action": "record"}]
                    }
                }
            },
            "action",
        ),
        ({"agent_id": b"agent_a"}, "agent_id"),
    ],
)
async def test_bad_call_values_are_refused_before_anything_rings(
    server: ScriptedServer, kwargs: dict[str, Any], field: str
) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.calls.twilio_outbound(**{**CALL, **kwargs})
        assert_names_field(caught.value, field)
    assert server.seen == []


async def test_twilio_register_returns_the_twiml(server: ScriptedServer) -> None:
    twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Connect/></Response>'
    server.reply(200, twiml, {"Content-Type": "text/xml"})
    async with client_for(server) as client:
        result = await client.calls.twilio_register(
            agent_id="agent_a", from_number="+1", to_number="+2", direction="inbound"
        )
    assert result == twiml
    assert server.seen[0].raw_path == "/v1/convai/twilio/register-call"
    assert sent(server) == {
        "agent_id": "agent_a",
        "from_number": "+1",
        "to_number": "+2",
        "direction": "inbound",
    }


# --- outbound: routed by the number's provider ---------------------------------------------


@pytest.mark.parametrize(
    ("number", "path", "reply", "result_type"),
    [
        (
            twilio_number(phone_number_id=FROM),
            "/v1/convai/twilio/outbound-call",
            {"callSid": "CA"},
            TwilioOutboundCallResponse,
        ),
        (
            sip_trunk_number(phone_number_id=FROM),
            "/v1/convai/sip-trunk/outbound-call",
            {"sip_call_id": "s"},
            SIPTrunkOutboundCallResponse,
        ),
        (
            twilio_number(provider="exotel", phone_number_id=FROM),
            "/v1/convai/exotel/outbound-call",
            {"callSid": "EX"},
            ExotelOutboundCallResponse,
        ),
    ],
    ids=["twilio", "sip_trunk", "exotel"],
)
async def test_outbound_looks_the_provider_up_once_then_places_the_call(
    server: ScriptedServer,
    number: dict[str, Any],
    path: str,
    reply: dict[str, Any],
    result_type: type,
) -> None:
    server.reply(200, json.dumps(number), JSON)
    server.reply(200, json.dumps({**PLACED, **reply}), JSON)
    async with client_for(server) as client:
        result = await client.calls.outbound(**CALL)
    assert isinstance(result, result_type)
    assert [(s.method, s.raw_path) for s in server.seen] == [
        ("GET", "/v1/convai/phone-numbers/phnum_from"),
        ("POST", path),
    ]
    assert sent(server) == CALL


async def test_outbound_with_a_provider_sends_only_the_call(server: ScriptedServer) -> None:
    server.reply(200, json.dumps({**PLACED, "sip_call_id": "s"}), JSON)
    async with client_for(server) as client:
        result = await client.calls.outbound(**CALL, provider="sip_trunk")
    assert isinstance(result, SIPTrunkOutboundCallResponse)
    assert [s.raw_path for s in server.seen] == ["/v1/convai/sip-trunk/outbound-call"]


async def test_outbound_refuses_recording_for_a_number_that_is_not_twilios(
    server: ScriptedServer,
) -> None:
    server.reply(200, json.dumps(sip_trunk_number(phone_number_id=FROM)), JSON)
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.calls.outbound(**CALL, call_recording_enabled=True)
        assert_names_field(caught.value, "call_recording_enabled")
    assert [s.method for s in server.seen] == ["GET"]  # nothing placed


async def test_outbound_refuses_a_provider_it_cannot_call_through(server: ScriptedServer) -> None:
    server.reply(200, json.dumps(twilio_number(provider="vonage", phone_number_id=FROM)), JSON)
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as caught:
            await client.calls.outbound(**CALL)
        assert caught.value.field == "provider"
        assert "'vonage'" in str(caught.value)  # our words name the provider
    assert [s.method for s in server.seen] == ["GET"]


async def test_outbound_from_an_unknown_number_is_not_found(server: ScriptedServer) -> None:
    server.reply(404, json.dumps({"detail": {"status": "phone_number_not_found", "message": "no"}}))
    async with client_for(server) as client:
        with pytest.raises(NotFoundError):
            await client.calls.outbound(**CALL)
    assert len(server.seen) == 1


async def test_raw_outbound_is_the_raw_reply_of_the_call(server: ScriptedServer) -> None:
    server.reply(200, json.dumps(twilio_number(phone_number_id=FROM)), JSON)
    server.reply(200, json.dumps({**PLACED, "callSid": "CA9"}), {**JSON, "request-id": "r1"})
    async with client_for(server) as client:
        raw = await client.calls.with_raw_response.outbound(**CALL)
    assert raw.request_id == "r1"
    assert raw.parse().call_sid == "CA9"  # type: ignore[union-attr]


# --- never twice ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["twilio_outbound", "sip_trunk_outbound", "exotel_outbound"])
async def test_a_call_answered_503_is_not_placed_again(server: ScriptedServer, method: str) -> None:
    server.reply(503, json.dumps({"detail": {"message": "busy"}}))
    async with client_for(server, max_retries=5) as client:
        with pytest.raises(InternalServerError) as caught:
            await getattr(client.calls, method)(**CALL)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is True
    assert "may already be ringing" in str(caught.value)


async def test_a_call_whose_reply_is_lost_is_not_placed_again(server: ScriptedServer) -> None:
    server.reset()
    async with client_for(server, max_retries=5) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.calls.twilio_outbound(**CALL)
    assert len(server.seen) == 1
    assert caught.value.outcome_unknown is True


async def test_a_registration_cut_short_is_not_sent_again(server: ScriptedServer) -> None:
    server.truncate()
    async with client_for(server, max_retries=5) as client:
        with pytest.raises(APIConnectionError):
            await client.calls.twilio_register(agent_id="a", from_number="+1", to_number="+2")
    assert len(server.seen) == 1


async def test_a_call_refused_with_429_is_placed_once_it_is_let_through(
    server: ScriptedServer,
) -> None:
    limit = {"detail": {"code": "concurrent_limit_exceeded", "message": "too many"}}
    server.reply(429, json.dumps(limit))
    server.reply(200, json.dumps({**PLACED, "callSid": "CA"}), JSON)
    async with client_for(server) as client:
        result = await client.calls.twilio_outbound(**CALL)
    assert result.call_sid == "CA"
    assert len(server.seen) == 2
