"""The pure wire layer: bytes in, typed results or exceptions out; no server."""

from __future__ import annotations

import email.utils
import json
import time

import msgspec
import pytest

from elevenphone import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ExotelPhoneNumber,
    GenericPhoneNumber,
    InternalServerError,
    InvalidRequestError,
    LivekitStack,
    NotFoundError,
    OutboundSIPTrunkConfig,
    PermissionDeniedError,
    RateLimitError,
    SIPMediaEncryption,
    SIPTrunkCredentials,
    SIPTrunkPhoneNumber,
    SIPTrunkTransport,
    TwilioPhoneNumber,
    UpdatePhoneNumberRequest,
    ValidationError,
)
from elevenphone._wire import (
    decode_phone_number,
    decode_phone_number_list,
    encode_update_request,
    error_from_response,
    parse_retry_after,
    phone_number_path,
)
from tests.conftest import sip_trunk_number, twilio_number
from tests.refusals import assert_names_field

# --- request encoding ----------------------------------------------------


def test_only_given_fields_are_encoded() -> None:
    assert encode_update_request({"agent_id": "a"}) == b'{"agent_id":"a"}'
    assert encode_update_request({}) == b"{}"
    assert encode_update_request(UpdatePhoneNumberRequest()) == b"{}"


def test_none_is_encoded_as_null() -> None:
    assert encode_update_request({"agent_id": None}) == b'{"agent_id":null}'
    assert encode_update_request(UpdatePhoneNumberRequest(label=None)) == b'{"label":null}'


def test_nested_configs_follow_the_same_rule() -> None:
    request = UpdatePhoneNumberRequest(
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example.com",
            credentials=SIPTrunkCredentials(username="u"),
        ),
        inbound_trunk_config=None,
    )
    assert json.loads(encode_update_request(request)) == {
        "outbound_trunk_config": {"address": "sip.example.com", "credentials": {"username": "u"}},
        "inbound_trunk_config": None,
    }


def test_dicts_are_accepted_for_nested_configs_and_enums_encode_as_values() -> None:
    body = encode_update_request(
        {
            "inbound_trunk_config": {
                "allowed_addresses": ["10.0.0.0/8"],
                "media_encryption": SIPMediaEncryption.REQUIRED,
                "credentials": {"username": "u", "password": None},
            },
            "livekit_stack": "static",
        }
    )
    assert json.loads(body) == {
        "inbound_trunk_config": {
            "allowed_addresses": ["10.0.0.0/8"],
            "media_encryption": "required",
            "credentials": {"username": "u", "password": None},
        },
        "livekit_stack": "static",
    }


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"livekit_stack": "bogus"}, "livekit_stack"),
        ({"agent_id": 42}, "agent_id"),
        ({"store_sip_messages": "yes"}, "store_sip_messages"),
        ({"outbound_trunk_config": {"transport": "udp"}}, "outbound_trunk_config.address"),
        (
            {"outbound_trunk_config": {"address": "h", "transport": "smtp"}},
            "outbound_trunk_config.transport",
        ),
        (
            {"inbound_trunk_config": {"credentials": {"password": "p"}}},
            "inbound_trunk_config.credentials.username",
        ),
        (
            {"inbound_trunk_config": {"allowed_numbers": ["+1", 2]}},
            "inbound_trunk_config.allowed_numbers.1",
        ),
        ({"inbound_trunk_config": {"adress": "typo"}}, "inbound_trunk_config.adress"),
        ({"label": object()}, "label"),
    ],
)
def test_values_outside_the_schema_are_refused_naming_the_field(
    fields: dict[str, object], field_name: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        encode_update_request(fields)
    assert caught.value.field == field_name
    assert field_name in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_invalid_struct_is_refused_too() -> None:
    request = UpdatePhoneNumberRequest(livekit_stack="bogus")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError) as caught:
        encode_update_request(request)
    assert_names_field(caught.value, "livekit_stack")


def test_enums_are_str_enums() -> None:
    assert LivekitStack.STANDARD == "standard"
    assert SIPTrunkTransport("tls") is SIPTrunkTransport.TLS
    assert str(SIPMediaEncryption.ALLOWED) == "allowed"


# --- paths ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone_number_id", "path"),
    [
        (
            "phnum_2701kacmjq23fzaacdgqwt0qty0b",
            "/v1/convai/phone-numbers/phnum_2701kacmjq23fzaacdgqwt0qty0b",
        ),
        ("J3Pbu5gP6NNKBscdCdwB", "/v1/convai/phone-numbers/J3Pbu5gP6NNKBscdCdwB"),
        ("../../user", "/v1/convai/phone-numbers/%2E%2E%2F%2E%2E%2Fuser"),
        ("..", "/v1/convai/phone-numbers/%2E%2E"),
        ("a?b#c d", "/v1/convai/phone-numbers/a%3Fb%23c%20d"),
        ("%2e", "/v1/convai/phone-numbers/%252e"),
    ],
)
def test_ids_are_percent_encoded_into_one_segment(phone_number_id: str, path: str) -> None:
    assert phone_number_path(phone_number_id) == path


def test_bad_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="phone_number_id"):
        phone_number_path("")
    with pytest.raises(ValueError, match="phone_number_id"):
        phone_number_path("   ")
    with pytest.raises(TypeError, match="phone_number_id"):
        phone_number_path(123)
    with pytest.raises(TypeError, match="phone_number_id"):
        phone_number_path(None)


# --- decoding ------------------------------------------------------------


def test_each_provider_decodes_into_its_struct() -> None:
    twilio = decode_phone_number(json.dumps(twilio_number()).encode())
    assert isinstance(twilio, TwilioPhoneNumber)
    assert twilio.provider == "twilio"
    assert twilio.assigned_agent is not None
    assert twilio.assigned_agent.agent_name == "Receptionist"
    assert twilio.assigned_agent.branch_id is None

    exotel = decode_phone_number(json.dumps(twilio_number(provider="exotel")).encode())
    assert isinstance(exotel, ExotelPhoneNumber)
    assert exotel.provider == "exotel"

    sip = decode_phone_number(json.dumps(sip_trunk_number()).encode())
    assert isinstance(sip, SIPTrunkPhoneNumber)
    assert sip.provider == "sip_trunk"
    assert sip.livekit_stack is LivekitStack.STANDARD
    assert sip.store_sip_messages is False
    assert sip.outbound_trunk is not None
    assert sip.outbound_trunk.transport is SIPTrunkTransport.TLS
    assert sip.outbound_trunk.enabled_codecs == ["PCMU", "opus"]
    assert sip.outbound_trunk.has_outbound_trunk is False
    assert sip.inbound_trunk is not None
    assert sip.inbound_trunk.allowed_addresses == ["203.0.113.0/24"]
    assert sip.provider_config is None


def test_unknown_fields_are_ignored() -> None:
    body = twilio_number(
        brand_new_field={"x": 1},
        assigned_agent={"agent_id": "a", "agent_name": "n", "future": True},
    )
    number = decode_phone_number(json.dumps(body).encode())
    assert isinstance(number, TwilioPhoneNumber)
    assert number.assigned_agent is not None
    assert number.assigned_agent.agent_id == "a"


def test_an_unknown_provider_decodes_into_a_generic_number() -> None:
    body = twilio_number(provider="vonage", vonage_config={"region": "eu"})
    number = decode_phone_number(json.dumps(body).encode())
    assert type(number) is GenericPhoneNumber
    assert number.provider == "vonage"
    assert number.phone_number_id == body["phone_number_id"]
    assert number.phone_number == "+14155550100"
    assert number.label == "Sales"
    assert number.assigned_agent is not None
    assert number.assigned_agent.agent_id == "agent_3701k3ttaq12ewp8b7qv5rfyszkz"


def test_a_known_provider_with_a_bad_body_is_not_taken_for_generic() -> None:
    body = sip_trunk_number()
    del body["livekit_stack"]
    with pytest.raises(APIResponseValidationError) as caught:
        decode_phone_number(json.dumps(body).encode())
    # Which field is missing is said in msgspec's words: only ours are checked.
    assert caught.value.message.startswith("the reply is not a valid phone number: ")


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b"{}", b'{"provider": "twilio"}', b'{"provider": 3}', b"null"],
)
def test_undecodable_bodies_raise_response_validation_errors(body: bytes) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        decode_phone_number(body, status_code=200)
    assert caught.value.status_code == 200
    assert caught.value.body == body


def test_lists_decode_with_unknown_providers_mixed_in() -> None:
    items = [twilio_number(), sip_trunk_number(), twilio_number(provider="new_one")]
    numbers = decode_phone_number_list(json.dumps(items).encode())
    assert [type(n) for n in numbers] == [
        TwilioPhoneNumber,
        SIPTrunkPhoneNumber,
        GenericPhoneNumber,
    ]
    assert decode_phone_number_list(b"[]") == []
    with pytest.raises(APIResponseValidationError):
        decode_phone_number_list(b'{"numbers": []}')


# --- errors --------------------------------------------------------------

VALIDATION_BODY = {
    "detail": [
        {
            "loc": ["body", "outbound_trunk_config", "address"],
            "msg": "Field required",
            "type": "missing",
            "input": {},
        },
        {
            "loc": ["body", "agent_id"],
            "msg": "Input should be a valid string",
            "type": "string_type",
            "input": 1,
            "ctx": {},
        },
    ]
}


def test_422_becomes_a_validation_error_with_each_item() -> None:
    error = error_from_response(422, {}, json.dumps(VALIDATION_BODY).encode())
    assert isinstance(error, ValidationError)
    assert error.status_code == 422
    assert [(e.loc, e.msg, e.type) for e in error.errors] == [
        (["body", "outbound_trunk_config", "address"], "Field required", "missing"),
        (["body", "agent_id"], "Input should be a valid string", "string_type"),
    ]
    text = str(error)
    assert "body.outbound_trunk_config.address: Field required" in text
    assert "body.agent_id: Input should be a valid string" in text
    assert error.body == VALIDATION_BODY


def test_422_with_integer_locs_keeps_them() -> None:
    body = {"detail": [{"loc": ["body", 12], "msg": "JSON decode error", "type": "json_invalid"}]}
    error = error_from_response(422, {}, json.dumps(body).encode())
    assert isinstance(error, ValidationError)
    assert error.errors[0].loc == ["body", 12]
    assert "body.12: JSON decode error" in str(error)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (504, InternalServerError),
        (418, APIStatusError),
        (302, APIStatusError),
    ],
)
def test_each_status_maps_to_its_exception(status: int, cls: type[APIStatusError]) -> None:
    error = error_from_response(status, {}, b'{"detail": {"status": "x", "message": "y"}}')
    assert type(error) is cls
    assert error.status_code == status


def test_detail_object_with_status_and_message() -> None:
    body = b'{"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}'
    error = error_from_response(401, {}, body)
    assert isinstance(error, AuthenticationError)
    assert error.code == "invalid_api_key"
    assert error.message == "Invalid API key"
    assert "Invalid API key" in str(error)
    assert "invalid_api_key" in str(error)


def test_detail_object_with_code_message_and_request_id() -> None:
    body = {
        "detail": {
            "type": "not_found",
            "code": "phone_number_not_found",
            "status": "phone_number_not_found",
            "message": "Phone number phnum_x was not found",
            "request_id": "req_123",
            "param": "phone_number_id",
        }
    }
    error = error_from_response(404, {}, json.dumps(body).encode())
    assert isinstance(error, NotFoundError)
    assert error.code == "phone_number_not_found"
    assert error.message == "Phone number phnum_x was not found"
    assert error.request_id == "req_123"


def test_detail_as_a_string() -> None:
    error = error_from_response(400, {}, b'{"detail": "Agent does not exist"}')
    assert isinstance(error, BadRequestError)
    assert error.message == "Agent does not exist"
    assert error.body == {"detail": "Agent does not exist"}


def test_html_page_from_a_proxy() -> None:
    page = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
    )
    error = error_from_response(502, {"Content-Type": "text/html"}, page)
    assert isinstance(error, InternalServerError)
    assert error.message == "502 Bad Gateway"
    assert error.body == page.decode()
    assert error.code is None


def test_empty_and_garbage_bodies_never_crash() -> None:
    for body in (b"", b"\xff\xfe\x00", b"[1, 2]", b"42", b'{"detail": null}', b'{"detail": [1]}'):
        error = error_from_response(500, {}, body)
        assert isinstance(error, InternalServerError)
        assert str(error).startswith("500 Internal Server Error")


def test_request_id_from_headers() -> None:
    error = error_from_response(500, {"request-id": "hdr-1"}, b"{}")
    assert error.request_id == "hdr-1"


def test_429_carries_retry_after_and_concurrency_headers() -> None:
    body = b'{"detail": {"code": "concurrent_limit_exceeded", "message": "Too many"}}'
    headers = {
        "Retry-After": "3",
        "current-concurrent-requests": "6",
        "Maximum-Concurrent-Requests": "5",
    }
    error = error_from_response(429, headers, body)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0
    assert error.current_concurrent_requests == 6
    assert error.maximum_concurrent_requests == 5
    assert error.code == "concurrent_limit_exceeded"
    assert error.is_concurrency_limit
    plain = error_from_response(429, {}, b'{"detail": {"code": "rate_limit_exceeded"}}')
    assert isinstance(plain, RateLimitError)
    assert plain.retry_after is None
    assert plain.maximum_concurrent_requests is None
    assert not plain.is_concurrency_limit


def test_redirect_names_its_target() -> None:
    error = error_from_response(302, {"Location": "https://elsewhere.example/x"}, b"")
    assert type(error) is APIStatusError
    assert "elsewhere.example" in str(error)


# --- Retry-After ---------------------------------------------------------


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5


def test_retry_after_seconds_and_http_dates() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"Retry-After": "0"}) == 0.0
    now = time.time()
    date = email.utils.formatdate(now + 10, usegmt=True)
    seconds = parse_retry_after({"Retry-After": date}, now=now)
    assert seconds is not None
    assert 8.5 <= seconds <= 10.5


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Retry-After": "61"},
        {"Retry-After": "-1"},
        {"Retry-After": "soon"},
        {"retry-after-ms": "nan"},
        {"retry-after-ms": "60001"},
    ],
)
def test_retry_after_out_of_bounds_or_unparsable_is_ignored(headers: dict[str, str]) -> None:
    assert parse_retry_after(headers) is None


def test_decoders_are_msgspec_structs() -> None:
    number = decode_phone_number(json.dumps(twilio_number()).encode())
    assert isinstance(number, msgspec.Struct)


def test_response_structs_can_be_built_with_or_without_provider() -> None:
    assert TwilioPhoneNumber(phone_number="+1", label="l", phone_number_id="p").provider == "twilio"
    built = TwilioPhoneNumber(provider="twilio", phone_number="+1", label="l", phone_number_id="p")
    assert msgspec.json.decode(msgspec.json.encode(built), type=TwilioPhoneNumber) == built
    generic = GenericPhoneNumber(provider="x", phone_number="+1", label="l", phone_number_id="p")
    assert decode_phone_number(msgspec.json.encode(generic)) == generic


def test_a_bad_item_in_a_list_reports_the_whole_body() -> None:
    body = json.dumps([twilio_number(), {"provider": "twilio"}]).encode()
    with pytest.raises(APIResponseValidationError) as caught:
        decode_phone_number_list(body)
    assert caught.value.body == body


def test_response_enums_stay_open_to_new_values() -> None:
    body = sip_trunk_number(livekit_stack="turbo")
    body["outbound_trunk"]["transport"] = "quic"
    body["inbound_trunk"]["media_encryption"] = "post_quantum"
    number = decode_phone_number(json.dumps(body).encode())
    assert isinstance(number, SIPTrunkPhoneNumber)
    assert number.livekit_stack == "turbo"
    assert number.outbound_trunk is not None
    assert number.outbound_trunk.transport == "quic"
    assert number.outbound_trunk.media_encryption is SIPMediaEncryption.REQUIRED
    assert number.inbound_trunk is not None
    assert number.inbound_trunk.media_encryption == "post_quantum"
