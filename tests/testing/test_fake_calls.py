"""Outbound calls (Twilio, SIP trunk, Exotel) and Twilio's register-call."""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from elevenphone.testing import FakeElevenLabs, PlacedCall
from elevenphone.testing._call_bodies import validate_outbound_call, validate_register_call
from tests.testing.helpers import Api, first_of

PATHS = {
    "twilio": "/v1/convai/twilio/outbound-call",
    "sip_trunk": "/v1/convai/sip-trunk/outbound-call",
    "exotel": "/v1/convai/exotel/outbound-call",
}
REGISTER = "/v1/convai/twilio/register-call"
AGENT = "agent_3701k3ttaq12ewp8b7qv5rfyszkz"


def call_body(pid: str, **extra: Any) -> dict[str, Any]:
    return {"agent_id": AGENT, "agent_phone_number_id": pid, "to_number": "+15557654321", **extra}


def sip_number(fake: FakeElevenLabs) -> str:
    return next(
        pid
        for pid, n in fake.numbers.items()
        if n["provider"] == "sip_trunk" and n["outbound_trunk"] is not None
    )


async def raw_post(
    session: aiohttp.ClientSession, fake: FakeElevenLabs, path: str, body: Any
) -> tuple[int, str, bytes]:
    async with session.post(
        fake.base_url + path, json=body, headers={"xi-api-key": fake.api_key}
    ) as response:
        return response.status, response.headers["Content-Type"], await response.read()


async def test_twilio_call_answers_callsid_in_camel_case(
    api: Api, fake: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    pid = first_of(fake, "twilio")
    status, content_type, raw = await raw_post(session, fake, PATHS["twilio"], call_body(pid))
    assert (status, content_type) == (200, "application/json")
    assert b'"callSid":"CA' in raw  # camelCase on the wire
    assert b"call_sid" not in raw
    [call] = fake.calls
    assert call == PlacedCall(
        provider="twilio",
        endpoint=PATHS["twilio"],
        agent_id=AGENT,
        agent_phone_number_id=pid,
        from_number=fake.numbers[pid]["phone_number"],
        to_number="+15557654321",
        conversation_initiation_client_data=None,
        telephony_call_config=None,
        call_recording_enabled=None,
        body=call_body(pid),
        conversation_id=call.conversation_id,
        call_sid=call.call_sid,
        sip_call_id=None,
    )
    assert re.fullmatch(r"conv_[0-9a-z]{28}", call.conversation_id)
    assert re.fullmatch(r"CA[0-9a-f]{32}", call.call_sid or "")


@pytest.mark.parametrize("provider", ["twilio", "sip_trunk", "exotel"])
async def test_each_provider_answers_its_ids(api: Api, fake: FakeElevenLabs, provider: str) -> None:
    pid = sip_number(fake) if provider == "sip_trunk" else first_of(fake, provider)
    status, body = await api.call("POST", PATHS[provider], json=call_body(pid))
    assert status == 200
    [call] = fake.calls
    assert body["success"] is True
    assert isinstance(body["message"], str)
    assert body["conversation_id"] == call.conversation_id
    if provider == "sip_trunk":
        assert body.keys() == {"success", "message", "conversation_id", "sip_call_id"}
        assert body["sip_call_id"] == call.sip_call_id
        assert re.fullmatch(r"SCL_[0-9A-Za-z]{12}", call.sip_call_id or "")
    else:
        assert body.keys() == {"success", "message", "conversation_id", "callSid"}
        assert body["callSid"] == call.call_sid
    assert (call.provider, call.endpoint) == (provider, PATHS[provider])


async def test_optional_fields_are_recorded_as_sent(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "twilio")
    client_data = {
        "dynamic_variables": {"customer": "Ada", "tier": 2, "vip": True},
        "user_id": "user-9",
        "source_info": {"source": "python_sdk", "version": "0.1.0"},
        "start_procedure_ids": ["p1", "p2"],
        "conversation_config_override": {
            "agent": {"first_message": "Hi Ada", "language": "en"},
            "tts": {"voice_id": "v1"},
        },
        "custom_llm_extra_body": {"temperature": 0.2},
    }
    telephony = {
        "ringing_timeout_secs": 25,
        "twilio_call_recording_enabled": True,
        "twilio_machine_detection": {
            "mode": "detect_message_end",
            "actions": [{"action": "hang_up", "answered_by": ["machine_end_beep", "fax"]}],
        },
    }
    body = call_body(
        pid,
        conversation_initiation_client_data=client_data,
        telephony_call_config=telephony,
        call_recording_enabled=False,
    )
    assert (await api.call("POST", PATHS["twilio"], json=body))[0] == 200
    [call] = fake.calls
    assert call.conversation_initiation_client_data == client_data
    assert call.telephony_call_config == telephony
    assert call.call_recording_enabled is False
    assert call.body == body


async def test_each_call_is_recorded_once(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "exotel")
    for _ in range(3):
        assert (await api.call("POST", PATHS["exotel"], json=call_body(pid)))[0] == 200
    assert len(fake.calls) == 3
    assert len({call.conversation_id for call in fake.calls}) == 3
    assert len({call.call_sid for call in fake.calls}) == 3


async def test_refused_calls_are_not_recorded(api: Api, fake: FakeElevenLabs) -> None:
    twilio, exotel = first_of(fake, "twilio"), first_of(fake, "exotel")
    status, body = await api.call("POST", PATHS["twilio"], json=call_body("phnum_missing"))
    assert status == 404
    assert body["detail"]["status"] == "phone_number_not_found"
    # A number of another provider than the endpoint's: 400.
    status, body = await api.call("POST", PATHS["twilio"], json=call_body(exotel))
    assert status == 400
    assert body["detail"]["status"] == "invalid_request"
    assert PATHS["exotel"] in body["detail"]["message"]
    # A number that does not place outbound calls: 400.
    fake.numbers[twilio]["supports_outbound"] = False
    status, body = await api.call("POST", PATHS["twilio"], json=call_body(twilio))
    assert (status, body["detail"]["status"]) == (400, "invalid_request")
    # A SIP trunk number without an outbound trunk: 400.
    bare = fake.add_number(provider="sip_trunk")
    status, body = await api.call("POST", PATHS["sip_trunk"], json=call_body(bare))
    assert status == 400
    assert "outbound trunk" in body["detail"]["message"]
    # Validation comes before the number is looked up.
    status, body = await api.call("POST", PATHS["twilio"], json={"agent_phone_number_id": "x"})
    assert status == 422
    assert fake.calls == []


async def test_routes_methods_and_key(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "twilio")
    status, body = await api.call("GET", PATHS["twilio"])
    assert (status, body) == (405, {"detail": "Method Not Allowed"})
    status, _ = await api.call(
        "POST", PATHS["twilio"], json=call_body(pid), headers={"xi-api-key": "wrong"}
    )
    assert status == 401
    assert (await api.call("POST", "/v1/convai/vonage/outbound-call", json={}))[0] == 404
    assert fake.calls == []


def only_errors(body: Any, provider: str = "twilio") -> list[tuple[str, list[Any]]]:
    _, errors = validate_outbound_call(provider, body)
    return [(e["type"], e["loc"]) for e in errors]


def test_required_fields() -> None:
    assert only_errors({}) == [
        ("missing", ["body", name]) for name in ("agent_id", "agent_phone_number_id", "to_number")
    ]
    assert only_errors(None) == [("missing", ["body"])]
    assert only_errors([]) == [("model_attributes_type", ["body"])]


def test_client_data_is_checked_field_by_field() -> None:
    client_data = {
        "user_id": 7,
        "source_info": {"source": "carrier_pigeon", "version": 2},
        "procedure_ids": "p1",
        "start_procedure_ids": ["a", "b", "c", "d", "e", "f"],
        "dynamic_variables": ["x"],
        "custom_llm_extra_body": "x",
        "conversation_config_override": {"agent": "be nice", "tts": {"anything": ["goes"]}},
        "branch_id": False,
    }
    body = call_body("p", conversation_initiation_client_data=client_data)
    base = ["body", "conversation_initiation_client_data"]
    assert only_errors(body) == [
        ("model_attributes_type", [*base, "conversation_config_override", "agent"]),
        ("dict_type", [*base, "custom_llm_extra_body"]),
        ("string_type", [*base, "user_id"]),
        ("enum", [*base, "source_info", "source"]),
        ("string_type", [*base, "source_info", "version"]),
        ("string_type", [*base, "branch_id"]),
        ("list_type", [*base, "procedure_ids"]),
        ("too_long", [*base, "start_procedure_ids"]),
        ("dict_type", [*base, "dynamic_variables"]),
    ]
    _, errors = validate_outbound_call("twilio", body)
    too_long = next(e for e in errors if e["type"] == "too_long")
    assert too_long["msg"] == "List should have at most 5 items after validation, not 6"
    assert too_long["ctx"] == {"field_type": "List", "max_length": 5, "actual_length": 6}


def test_telephony_call_config() -> None:
    def errors(config: Any) -> list[tuple[str, list[Any]]]:
        return only_errors(call_body("p", telephony_call_config=config), "sip_trunk")

    base = ["body", "telephony_call_config"]
    assert errors({"ringing_timeout_secs": 30.0, "twilio_call_recording_enabled": "yes"}) == []
    assert errors({"ringing_timeout_secs": 2.5}) == [
        ("int_from_float", [*base, "ringing_timeout_secs"])
    ]
    assert errors({"ringing_timeout_secs": 0}) == [
        ("greater_than_equal", [*base, "ringing_timeout_secs"])
    ]
    amd = [*base, "twilio_machine_detection"]
    assert errors(
        {
            "twilio_machine_detection": {
                "mode": "always",
                "actions": [{"action": "voicemail", "answered_by": ["robot"]}, {}],
            }
        }
    ) == [
        ("enum", [*amd, "mode"]),
        ("literal_error", [*amd, "actions", 0, "action"]),
        ("enum", [*amd, "actions", 0, "answered_by", 0]),
        ("missing", [*amd, "actions", 1, "answered_by"]),
    ]
    # The action defaults to hang_up, and each action may have one rule only.
    rules = [{"answered_by": ["fax"]}, {"action": "hang_up", "answered_by": ["machine_start"]}]
    _, [error] = validate_outbound_call(
        "twilio",
        call_body("p", telephony_call_config={"twilio_machine_detection": {"actions": rules}}),
    )
    assert (error["type"], error["loc"]) == ("value_error", amd)
    assert error["msg"].startswith("Value error, each action may appear in at most one rule")


def test_call_recording_enabled_is_a_twilio_field() -> None:
    body = call_body("p", call_recording_enabled="maybe")
    assert only_errors(body, "twilio") == [("bool_parsing", ["body", "call_recording_enabled"])]
    assert only_errors(body, "exotel") == []  # ignored like any unknown field


async def test_register_call_answers_twiml(
    fake: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    body = {
        "agent_id": AGENT,
        "from_number": "+15551230000",
        "to_number": "+14155550123",
        "direction": "outbound",
        "conversation_initiation_client_data": {"dynamic_variables": {"name": "Ada <&>"}},
    }
    status, content_type, raw = await raw_post(session, fake, REGISTER, body)
    assert (status, content_type) == (200, "text/xml; charset=utf-8")
    twiml = raw.decode()
    assert twiml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Response>')
    assert "<Connect>" in twiml
    assert "<Stream url=" in twiml
    [registered] = fake.registered_calls
    assert registered.twiml == twiml
    assert f'<Parameter name="conversation_id" value="{registered.conversation_id}"/>' in twiml
    assert '<Parameter name="direction" value="outbound"/>' in twiml
    assert (registered.agent_id, registered.from_number, registered.to_number) == (
        AGENT,
        "+15551230000",
        "+14155550123",
    )
    assert registered.direction == "outbound"
    assert (
        registered.conversation_initiation_client_data
        == body["conversation_initiation_client_data"]
    )
    assert fake.calls == []


async def test_register_call_errors_are_json(
    api: Api, fake: FakeElevenLabs, session: aiohttp.ClientSession
) -> None:
    status, content_type, _ = await raw_post(
        session, fake, REGISTER, {"agent_id": AGENT, "from_number": 1, "direction": "sideways"}
    )
    assert (status, content_type) == (422, "application/json")
    status, body = await api.call(
        "POST", REGISTER, json={"agent_id": AGENT, "from_number": 1, "direction": "sideways"}
    )
    assert [(e["type"], e["loc"]) for e in body["detail"]] == [
        ("string_type", ["body", "from_number"]),
        ("missing", ["body", "to_number"]),
        ("enum", ["body", "direction"]),
    ]
    assert fake.registered_calls == []
    _, errors = validate_register_call({"agent_id": "a", "from_number": "1", "to_number": "2"})
    assert errors == []
    # Without a direction the TwiML says inbound, and the record keeps None.
    _, _, raw = await raw_post(
        session, fake, REGISTER, {"agent_id": "a", "from_number": "1", "to_number": "2"}
    )
    assert b'<Parameter name="direction" value="inbound"/>' in raw
    assert fake.registered_calls[0].direction is None
