"""422s of the fake: every rule, in FastAPI/pydantic v2 shape, all errors at once."""

from __future__ import annotations

from typing import Any

import pytest

from elevenphone.testing import FakeElevenLabs
from elevenphone.testing._bodies import validate_import, validate_update
from elevenphone.testing._validation import REDACTED, decode_body
from tests.testing.helpers import NUMBERS, Api, first_of

STRING = "Input should be a valid string"


def only_error(body: Any) -> dict[str, Any]:
    fields, errors = validate_update(body)
    assert fields == {}
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize("field", ["agent_id", "label", "environment", "branch_id"])
@pytest.mark.parametrize("value", [1, 1.5, True, [], {}])
def test_string_fields_reject_non_strings(field: str, value: Any) -> None:
    assert only_error({field: value}) == {
        "type": "string_type",
        "loc": ["body", field],
        "msg": STRING,
        "input": value,
    }


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("livekit_stack", "dynamic", "'standard' or 'static'"),
        ("livekit_stack", 1, "'standard' or 'static'"),
    ],
)
def test_livekit_stack_is_an_enum(field: str, value: Any, expected: str) -> None:
    assert only_error({field: value}) == {
        "type": "enum",
        "loc": ["body", field],
        "msg": f"Input should be {expected}",
        "input": value,
        "ctx": {"expected": expected},
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), (1, True), (0, False), ("yes", True), ("OFF", False)],
)
def test_booleans_are_lax_like_pydantic(raw: Any, expected: bool) -> None:
    assert validate_update({"store_sip_messages": raw}) == ({"store_sip_messages": expected}, [])


@pytest.mark.parametrize(
    ("raw", "type_", "msg"),
    [
        ("maybe", "bool_parsing", "Input should be a valid boolean, unable to interpret input"),
        (2, "bool_parsing", "Input should be a valid boolean, unable to interpret input"),
        ([True], "bool_type", "Input should be a valid boolean"),
        ({}, "bool_type", "Input should be a valid boolean"),
    ],
)
def test_bad_booleans(raw: Any, type_: str, msg: str) -> None:
    assert only_error({"store_sip_messages": raw}) == {
        "type": type_,
        "loc": ["body", "store_sip_messages"],
        "msg": msg,
        "input": raw,
    }


def test_outbound_address_is_required() -> None:
    config = {"transport": "tls"}
    assert only_error({"outbound_trunk_config": config}) == {
        "type": "missing",
        "loc": ["body", "outbound_trunk_config", "address"],
        "msg": "Field required",
        "input": config,
    }


@pytest.mark.parametrize("config", ["inbound_trunk_config", "outbound_trunk_config"])
def test_credentials_need_a_username(config: str) -> None:
    body = {config: {"address": "sip.example", "credentials": {"password": "p"}}}
    assert only_error(body) == {
        "type": "missing",
        "loc": ["body", config, "credentials", "username"],
        "msg": "Field required",
        "input": {"password": REDACTED},  # the fake never echoes a secret
    }


@pytest.mark.parametrize(
    ("config", "field", "expected"),
    [
        ("outbound_trunk_config", "transport", "'auto', 'udp', 'tcp' or 'tls'"),
        ("outbound_trunk_config", "media_encryption", "'disabled', 'allowed' or 'required'"),
        ("inbound_trunk_config", "media_encryption", "'disabled', 'allowed' or 'required'"),
    ],
)
@pytest.mark.parametrize("value", ["TLS", None])
def test_trunk_enums(config: str, field: str, expected: str, value: Any) -> None:
    # media_encryption and transport have defaults but are not nullable.
    body = {config: {"address": "sip.example", field: value}}
    assert only_error(body) == {
        "type": "enum",
        "loc": ["body", config, field],
        "msg": f"Input should be {expected}",
        "input": value,
        "ctx": {"expected": expected},
    }


@pytest.mark.parametrize("field", ["allowed_addresses", "allowed_numbers", "remote_domains"])
def test_inbound_lists(field: str) -> None:
    config = "inbound_trunk_config"
    assert only_error({config: {field: "10.0.0.1"}}) == {
        "type": "list_type",
        "loc": ["body", config, field],
        "msg": "Input should be a valid list",
        "input": "10.0.0.1",
    }
    assert only_error({config: {field: ["ok", 7]}}) == {
        "type": "string_type",
        "loc": ["body", config, field, 1],
        "msg": STRING,
        "input": 7,
    }
    assert validate_update({config: {field: None}})[1] == []


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ("outbound_trunk_config", "headers"),
        ("outbound_trunk_config", "attributes_to_headers"),
        ("inbound_trunk_config", "attributes_to_headers"),
    ],
)
def test_string_maps(config: str, field: str) -> None:
    base = {"address": "sip.example"}
    assert only_error({config: {**base, field: ["X-A"]}}) == {
        "type": "dict_type",
        "loc": ["body", config, field],
        "msg": "Input should be a valid dictionary",
        "input": ["X-A"],
    }
    assert only_error({config: {**base, field: {"X-A": 1}}}) == {
        "type": "string_type",
        "loc": ["body", config, field, "X-A"],
        "msg": STRING,
        "input": 1,
    }


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ([], ["body"]),
        ("agent_x", ["body"]),
        (5, ["body"]),
        ({"outbound_trunk_config": "sip.example"}, ["body", "outbound_trunk_config"]),
        ({"inbound_trunk_config": []}, ["body", "inbound_trunk_config"]),
        (
            {"inbound_trunk_config": {"credentials": "u:p"}},
            ["body", "inbound_trunk_config", "credentials"],
        ),
    ],
)
def test_objects_must_be_objects(body: Any, loc: list[str]) -> None:
    error = only_error(body)
    assert error["type"] == "model_attributes_type"
    assert error["loc"] == loc
    assert error["msg"] == "Input should be a valid dictionary or object to extract fields from"


def test_every_error_is_reported_in_field_order() -> None:
    _, errors = validate_update(
        {
            "agent_id": 1,
            "outbound_trunk_config": {"transport": "x", "headers": {"a": 2}},
            "livekit_stack": "x",
            "store_sip_messages": "x",
            "branch_id": False,
        }
    )
    assert [(e["type"], e["loc"][1:]) for e in errors] == [
        ("string_type", ["agent_id"]),
        ("missing", ["outbound_trunk_config", "address"]),
        ("enum", ["outbound_trunk_config", "transport"]),
        ("string_type", ["outbound_trunk_config", "headers", "a"]),
        ("enum", ["livekit_stack"]),
        ("bool_parsing", ["store_sip_messages"]),
        ("string_type", ["branch_id"]),
    ]


def test_valid_body_keeps_only_set_fields_and_fills_nested_defaults() -> None:
    fields, errors = validate_update(
        {"label": None, "outbound_trunk_config": {"address": "sip.example"}, "extra": 1}
    )
    assert errors == []
    assert fields == {
        "label": None,
        "outbound_trunk_config": {
            "address": "sip.example",
            "transport": "auto",
            "media_encryption": "allowed",
            "headers": {},
            "attributes_to_headers": {},
            "credentials": None,
            "enabled_codecs": None,
        },
    }


def test_missing_body() -> None:
    assert validate_update(None) == (
        {},
        [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}],
    )


def test_decode_body_like_fastapi() -> None:
    assert decode_body(b"", "application/json") == (None, [])
    assert decode_body(b'{"a": 1}', None) == ({"a": 1}, [])
    assert decode_body(b'{"a": 1}', "application/merge-patch+json") == ({"a": 1}, [])
    # Any other content type leaves the text undecoded, which then fails as a model.
    assert decode_body(b'{"a": 1}', "text/plain") == ('{"a": 1}', [])
    assert decode_body(b'{"a": ', "application/json; charset=utf-8") == (
        None,
        [
            {
                "type": "json_invalid",
                "loc": ["body", 6],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ],
    )


def test_import_is_a_union_tagged_by_provider() -> None:
    _, errors = validate_import({"phone_number": "+1"})
    assert errors[0]["type"] == "union_tag_not_found"
    assert errors[0]["msg"] == "Unable to extract tag using discriminator 'provider'"
    _, errors = validate_import({"provider": "vonage"})
    assert errors[0]["type"] == "union_tag_invalid"
    assert errors[0]["msg"] == (
        "Input tag 'vonage' found using 'provider' does not match any of the expected tags:"
        " 'twilio', 'exotel', 'sip_trunk'"
    )
    _, errors = validate_import({"provider": "twilio", "phone_number": "+1", "label": 3})
    assert [(e["type"], e["loc"]) for e in errors] == [
        ("string_type", ["body", "twilio", "label"]),
        ("missing", ["body", "twilio", "sid"]),
        ("missing", ["body", "twilio", "token"]),
    ]


# Over HTTP: the same rules reach the client as 422 with {"detail": [...]}.


async def test_http_422_lists_every_error(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    before = dict(fake.numbers[pid])
    status, body = await api.patch(
        pid, {"label": 5, "outbound_trunk_config": {"credentials": {}}, "livekit_stack": "x"}
    )
    assert status == 422
    assert [item["loc"] for item in body["detail"]] == [
        ["body", "label"],
        ["body", "outbound_trunk_config", "address"],
        ["body", "outbound_trunk_config", "credentials", "username"],
        ["body", "livekit_stack"],
    ]
    assert fake.numbers[pid] == before


async def test_http_invalid_json(api: Api, fake: FakeElevenLabs) -> None:
    status, body = await api.call(
        "PATCH",
        f"{NUMBERS}/{first_of(fake, 'twilio')}",
        data=b'{"agent_id": agent_x}',
        headers={"Content-Type": "application/json"},
    )
    assert status == 422
    assert body == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body", 13],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": "Expecting value"},
            }
        ]
    }


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (b"[1, 2]", "application/json", ("model_attributes_type", ["body"], [1, 2])),
        (b"", "application/json", ("missing", ["body"], None)),
        (b"null", "application/json", ("missing", ["body"], None)),
        (b'{"label": "x"}', "text/plain", ("model_attributes_type", ["body"], '{"label": "x"}')),
    ],
)
async def test_http_body_must_be_a_json_object(
    api: Api, fake: FakeElevenLabs, data: bytes, content_type: str, expected: tuple[Any, ...]
) -> None:
    status, body = await api.call(
        "PATCH",
        f"{NUMBERS}/{first_of(fake, 'twilio')}",
        data=data,
        headers={"Content-Type": content_type},
    )
    assert status == 422
    [item] = body["detail"]
    assert (item["type"], item["loc"], item["input"]) == expected


async def test_http_body_that_is_not_text_is_400(api: Api, fake: FakeElevenLabs) -> None:
    status, body = await api.call(
        "PATCH",
        f"{NUMBERS}/{first_of(fake, 'twilio')}",
        data=b"\xff\xfe{",
        headers={"Content-Type": "application/json"},
    )
    assert (status, body) == (400, {"detail": "There was an error parsing the body"})


async def test_http_validation_comes_before_the_lookup(api: Api) -> None:
    status, body = await api.patch("phnum_doesnotexist", {"agent_id": 1})
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "agent_id"]


async def test_http_list_provider_filter_is_an_enum(api: Api) -> None:
    status, body = await api.call("GET", NUMBERS, params={"provider": "vonage"})
    assert status == 422
    assert body["detail"] == [
        {
            "type": "enum",
            "loc": ["query", "provider"],
            "msg": "Input should be 'twilio', 'sip_trunk' or 'exotel'",
            "input": "vonage",
            "ctx": {"expected": "'twilio', 'sip_trunk' or 'exotel'"},
        }
    ]
