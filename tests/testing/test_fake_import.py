"""Import (POST /v1/convai/phone-numbers): all three providers, secrets, conflicts; codecs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from elevenphone.testing import FakeElevenLabs
from elevenphone.testing._bodies import validate_import
from elevenphone.testing._validation import REDACTED
from tests.testing.helpers import NUMBERS, Api, first_of

TWILIO = {
    "provider": "twilio",
    "phone_number": "+14155550150",
    "label": "Front desk",
    "sid": "AC0123456789abcdef0123456789abcdef",
    "token": "twilio-auth-token-s3cret",
}
EXOTEL = {
    "provider": "exotel",
    "phone_number": "+919876500001",
    "label": "Mumbai",
    "account_sid": "acme1",
    "api_key": "exotel-key-1",
    "api_token": "exotel-token-s3cret",
    "api_subdomain": "api.in.exotel.com",
    "app_id": "123456",
}
SIP = {
    "provider": "sip_trunk",
    "phone_number": "+442071838751",
    "label": "London trunk",
    "outbound_trunk_config": {
        "address": "sip.carrier.example",
        "transport": "tls",
        "credentials": {"username": "bot", "password": "sip-pass-s3cret"},
        "enabled_codecs": ["PCMA/8000", "G722/8000"],
    },
    "inbound_trunk_config": {
        "allowed_addresses": ["198.51.100.0/24"],
        "credentials": {"username": "in", "password": "sip-in-s3cret"},
    },
}
SECRETS = ("twilio-auth-token-s3cret", "exotel-token-s3cret", "sip-pass-s3cret", "sip-in-s3cret")


def assert_no_secret(*values: Any) -> None:
    text = json.dumps(values, default=repr)
    for secret in (*SECRETS, "region-token-s3cret", "account-auth-s3cret"):
        assert secret not in text


COMMON_KEYS = {
    "provider",
    "phone_number",
    "label",
    "supports_inbound",
    "supports_outbound",
    "phone_number_id",
    "assigned_agent",
}


async def test_import_twilio_with_every_field(api: Api, fake: FakeElevenLabs) -> None:
    body = {
        **TWILIO,
        "sid": "SK0123456789abcdef0123456789abcdef",
        "account_auth_token": "account-auth-s3cret",
        "region_config": {
            "region_id": "ie1",
            "token": "region-token-s3cret",
            "edge_location": "dublin",
        },
        "enable_sms": False,
        "supports_inbound": True,
        "supports_outbound": False,
        "agent_id": "agent_new_one",
    }
    status, answer = await api.call("POST", NUMBERS, json=body)
    assert status == 200
    assert answer.keys() == {"phone_number_id"}
    pid = answer["phone_number_id"]
    status, number = await api.call("GET", f"{NUMBERS}/{pid}")
    assert status == 200
    assert number.keys() == COMMON_KEYS  # twilio numbers return nothing else
    assert number["supports_outbound"] is False
    assert number["assigned_agent"] == {
        "agent_id": "agent_new_one",
        "agent_name": "Agent new_one",
        "environment": None,
        "branch_id": None,
    }
    assert fake.provider_settings[pid] == {
        "sid": "SK0123456789abcdef0123456789abcdef",
        "has_token": True,
        "has_account_auth_token": True,
        "region_config": {"region_id": "ie1", "edge_location": "dublin", "has_token": True},
        "enable_sms": False,
    }
    assert_no_secret(fake.numbers, fake.provider_settings, number, fake.stats.as_dict())
    # Only the raw request record holds what was sent.
    assert fake.requests[0].json["token"] == "twilio-auth-token-s3cret"


async def test_import_exotel(api: Api, fake: FakeElevenLabs) -> None:
    status, answer = await api.call("POST", NUMBERS, json=EXOTEL)
    assert status == 200
    pid = answer["phone_number_id"]
    number = fake.numbers[pid]
    assert number.keys() == COMMON_KEYS
    assert (number["provider"], number["label"], number["assigned_agent"]) == (
        "exotel",
        "Mumbai",
        None,
    )
    assert (number["supports_inbound"], number["supports_outbound"]) == (True, True)
    assert fake.provider_settings[pid] == {
        "account_sid": "acme1",
        "api_key": "exotel-key-1",
        "has_api_token": True,
        "api_subdomain": "api.in.exotel.com",
        "app_id": "123456",
        "applet_url": "http://my.exotel.com/acme1/exoml/start_voice/123456",
    }
    custom = {**EXOTEL, "phone_number": "+919876500002", "applet_url": "https://x.example/a"}
    _, answer = await api.call("POST", NUMBERS, json=custom)
    assert fake.provider_settings[answer["phone_number_id"]]["applet_url"] == "https://x.example/a"
    assert_no_secret(fake.numbers, fake.provider_settings)


async def test_import_sip_trunk(api: Api, fake: FakeElevenLabs) -> None:
    status, answer = await api.call(
        "POST", NUMBERS, json={**SIP, "livekit_stack": "static", "store_sip_messages": False}
    )
    assert status == 200
    number = fake.numbers[answer["phone_number_id"]]
    assert number["outbound_trunk"] == {
        "address": "sip.carrier.example",
        "transport": "tls",
        "media_encryption": "allowed",
        "headers": {},
        "attributes_to_headers": {},
        "has_auth_credentials": True,
        "username": "bot",
        "has_outbound_trunk": True,
        "enabled_codecs": ["PCMA/8000", "G722/8000"],
    }
    assert number["provider_config"] == number["outbound_trunk"]
    assert number["inbound_trunk"]["allowed_addresses"] == ["198.51.100.0/24"]
    assert number["inbound_trunk"]["has_auth_credentials"] is True
    # Not fields of the create body: ignored, the defaults stand.
    assert (number["livekit_stack"], number["store_sip_messages"]) == ("standard", True)
    assert fake.provider_settings[number["phone_number_id"]] == {}
    assert_no_secret(fake.numbers)


async def test_importing_a_number_twice_is_409(api: Api, fake: FakeElevenLabs) -> None:
    assert (await api.call("POST", NUMBERS, json=TWILIO))[0] == 200
    before = dict(fake.numbers)
    # Same phone number, even under another provider.
    clash = {**SIP, "phone_number": TWILIO["phone_number"]}
    status, answer = await api.call("POST", NUMBERS, json=clash)
    assert status == 409
    assert answer["detail"]["status"] == "phone_number_already_exists"
    assert TWILIO["phone_number"] in answer["detail"]["message"]
    assert fake.numbers == before


async def test_import_errors_never_echo_secrets(api: Api) -> None:
    body = {**TWILIO, "label": 5, "region_config": {"token": "region-token-s3cret"}}
    status, answer = await api.call("POST", NUMBERS, json=body)
    assert status == 422
    assert [item["loc"] for item in answer["detail"]] == [
        ["body", "twilio", "label"],
        ["body", "twilio", "region_config", "region_id"],
        ["body", "twilio", "region_config", "edge_location"],
    ]
    assert answer["detail"][1]["input"] == {"token": REDACTED}
    _, answer = await api.call("POST", NUMBERS, json={**EXOTEL, "api_token": 42})
    assert answer["detail"] == [
        {
            "type": "string_type",
            "loc": ["body", "exotel", "api_token"],
            "msg": "Input should be a valid string",
            "input": REDACTED,
        }
    ]
    outbound = {k: v for k, v in SIP["outbound_trunk_config"].items() if k != "address"}
    _, answer = await api.call("POST", NUMBERS, json={**SIP, "outbound_trunk_config": outbound})
    [error] = answer["detail"]
    assert error["loc"] == ["body", "sip_trunk", "outbound_trunk_config", "address"]
    assert error["input"]["credentials"] == {"username": "bot", "password": REDACTED}
    assert_no_secret(answer)


def errors_of(body: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    fields, errors = validate_import(body)
    assert fields == {}
    return [(e["type"], e["loc"]) for e in errors]


def test_every_required_field_of_each_variant() -> None:
    assert errors_of({"provider": "twilio"}) == [
        ("missing", ["body", "twilio", name]) for name in ("phone_number", "label", "sid", "token")
    ]
    assert errors_of({"provider": "exotel"}) == [
        ("missing", ["body", "exotel", name])
        for name in ("phone_number", "label", "account_sid", "api_key", "api_token")
    ] + [
        ("missing", ["body", "exotel", "api_subdomain"]),
        ("missing", ["body", "exotel", "app_id"]),
    ]
    assert errors_of({"provider": "sip_trunk"}) == [
        ("missing", ["body", "sip_trunk", "phone_number"]),
        ("missing", ["body", "sip_trunk", "label"]),
    ]


@pytest.mark.parametrize(
    ("body", "loc", "expected"),
    [
        (
            {**EXOTEL, "api_subdomain": "api.eu.exotel.com"},
            "api_subdomain",
            "'api.in.exotel.com' or 'api.exotel.com'",
        ),
        (
            {
                **TWILIO,
                "region_config": {"region_id": "us2", "token": "t", "edge_location": "tokyo"},
            },
            "region_config.region_id",
            "'us1', 'ie1' or 'au1'",
        ),
        (
            {
                **TWILIO,
                "region_config": {"region_id": "us1", "token": "t", "edge_location": "paris"},
            },
            "region_config.edge_location",
            "'ashburn', 'dublin', 'frankfurt', 'sao-paulo', 'singapore', 'sydney', 'tokyo',"
            " 'umatilla' or 'roaming'",
        ),
        (
            {**SIP, "outbound_trunk_config": {"address": "x", "enabled_codecs": ["OPUS/48000"]}},
            "outbound_trunk_config.enabled_codecs.0",
            "'G722/8000', 'PCMU/8000' or 'PCMA/8000'",
        ),
    ],
)
def test_import_enums(body: dict[str, Any], loc: str, expected: str) -> None:
    _, [error] = validate_import(body)
    path = [int(part) if part.isdigit() else part for part in loc.split(".")]
    assert error["type"] == "enum"
    assert error["loc"] == ["body", body["provider"], *path]
    assert error["ctx"] == {"expected": expected}


def test_twilio_sid_rules() -> None:
    _, [error] = validate_import({**TWILIO, "sid": "MG123"})
    assert (error["type"], error["loc"]) == ("value_error", ["body", "twilio", "sid"])
    assert error["msg"].startswith("Value error, sid must be a Twilio Account SID")
    assert error["ctx"] == {"error": {}}
    # An API Key SID needs the account's auth token too.
    _, [error] = validate_import({**TWILIO, "sid": "SK1"})
    assert (error["type"], error["loc"]) == ("value_error", ["body", "twilio"])
    assert "account_auth_token" in error["msg"]
    assert error["input"]["token"] == REDACTED
    assert validate_import({**TWILIO, "sid": "SK1", "account_auth_token": "a"})[1] == []


def test_optional_import_fields_accept_null() -> None:
    fields, errors = validate_import(
        {**TWILIO, "region_config": None, "enable_sms": None, "agent_id": None}
    )
    assert errors == []
    assert fields["region_config"] is None
    _, errors = validate_import({**TWILIO, "enable_sms": "maybe", "supports_inbound": []})
    assert [(e["type"], e["loc"][-1]) for e in errors] == [
        ("bool_type", "supports_inbound"),
        ("bool_parsing", "enable_sms"),
    ]


async def test_update_sets_and_returns_enabled_codecs(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    config = {"address": "sip.example", "enabled_codecs": ["PCMU/8000"]}
    status, body = await api.patch(pid, {"outbound_trunk_config": config})
    assert status == 200
    assert body["outbound_trunk"]["enabled_codecs"] == ["PCMU/8000"]
    assert body["provider_config"]["enabled_codecs"] == ["PCMU/8000"]
    # A config replaces the whole trunk: without codecs, all are offered again.
    _, body = await api.patch(pid, {"outbound_trunk_config": {"address": "sip.example"}})
    assert body["outbound_trunk"]["enabled_codecs"] is None
    _, body = await api.patch(pid, {"outbound_trunk_config": {**config, "enabled_codecs": []}})
    assert body["outbound_trunk"]["enabled_codecs"] == []
    status, body = await api.patch(
        pid, {"outbound_trunk_config": {**config, "enabled_codecs": "PCMU/8000"}}
    )
    assert status == 422
    assert body["detail"][0]["type"] == "list_type"


async def test_delete_answers_an_empty_object_then_404(api: Api, fake: FakeElevenLabs) -> None:
    _, answer = await api.call("POST", NUMBERS, json=TWILIO)
    pid = answer["phone_number_id"]
    fake.add_sip_messages(pid, 2)
    assert await api.call("DELETE", f"{NUMBERS}/{pid}") == (200, {})
    assert pid not in fake.numbers
    assert pid not in fake.provider_settings
    assert pid not in fake.sip_messages
    status, answer = await api.call("DELETE", f"{NUMBERS}/{pid}")
    assert status == 404
    assert answer["detail"]["status"] == "phone_number_not_found"
    # The number can be imported again once deleted.
    assert (await api.call("POST", NUMBERS, json=TWILIO))[0] == 200
