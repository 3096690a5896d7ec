"""Property tests (hypothesis): requests round-trip, and no input crashes decoding."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import UNSET

from elevenphone import (
    APIResponseValidationError,
    ElevenPhoneError,
    InboundSIPTrunkConfig,
    LivekitStack,
    OutboundSIPTrunkConfig,
    SIPMediaEncryption,
    SIPTrunkCredentials,
    SIPTrunkTransport,
    UpdatePhoneNumberRequest,
)
from elevenphone._wire import (
    decode_phone_number,
    decode_phone_number_list,
    encode_update_request,
    error_from_response,
)

text = st.text(max_size=20)
maybe_unset = lambda strategy: st.one_of(st.just(UNSET), strategy)  # noqa: E731
nullable = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731
str_lists = st.lists(text, max_size=3)
str_dicts = st.dictionaries(text, text, max_size=3)

credentials = st.builds(SIPTrunkCredentials, username=text, password=maybe_unset(nullable(text)))
inbound = st.builds(
    InboundSIPTrunkConfig,
    allowed_addresses=maybe_unset(nullable(str_lists)),
    allowed_numbers=maybe_unset(nullable(str_lists)),
    media_encryption=maybe_unset(st.sampled_from(SIPMediaEncryption)),
    credentials=maybe_unset(nullable(credentials)),
    remote_domains=maybe_unset(nullable(str_lists)),
    attributes_to_headers=maybe_unset(str_dicts),
)
outbound = st.builds(
    OutboundSIPTrunkConfig,
    address=text,
    transport=maybe_unset(st.sampled_from(SIPTrunkTransport)),
    media_encryption=maybe_unset(st.sampled_from(SIPMediaEncryption)),
    headers=maybe_unset(str_dicts),
    attributes_to_headers=maybe_unset(str_dicts),
    credentials=maybe_unset(nullable(credentials)),
)
requests = st.builds(
    UpdatePhoneNumberRequest,
    agent_id=maybe_unset(nullable(text)),
    label=maybe_unset(nullable(text)),
    inbound_trunk_config=maybe_unset(nullable(inbound)),
    outbound_trunk_config=maybe_unset(nullable(outbound)),
    livekit_stack=maybe_unset(nullable(st.sampled_from(LivekitStack))),
    store_sip_messages=maybe_unset(nullable(st.booleans())),
    environment=maybe_unset(nullable(text)),
    branch_id=maybe_unset(nullable(text)),
)


def given_fields(struct: msgspec.Struct) -> dict[str, Any]:
    """The fields a caller set, recursively, as the JSON they should become."""
    out: dict[str, Any] = {}
    for name in struct.__struct_fields__:
        value = getattr(struct, name)
        if value is UNSET:
            continue
        if isinstance(value, msgspec.Struct):
            value = given_fields(value)
        elif isinstance(value, SIPMediaEncryption | SIPTrunkTransport | LivekitStack):
            value = value.value
        out[name] = value
    return out


@given(requests)
def test_requests_round_trip(request: UpdatePhoneNumberRequest) -> None:
    body = encode_update_request(request)
    assert msgspec.json.decode(body, type=UpdatePhoneNumberRequest) == request


@given(requests)
def test_the_body_holds_exactly_the_given_fields(request: UpdatePhoneNumberRequest) -> None:
    assert json.loads(encode_update_request(request)) == given_fields(request)


@given(st.binary(max_size=300))
@settings(max_examples=300)
def test_random_bytes_as_a_reply_raise_only_elevenphone_errors(body: bytes) -> None:
    for decode in (decode_phone_number, decode_phone_number_list):
        with contextlib.suppress(APIResponseValidationError):
            decode(body)
    for status in (400, 404, 422, 429, 500):
        error = error_from_response(status, {}, body)
        assert isinstance(error, ElevenPhoneError)
        str(error)
        repr(error)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)


@given(json_values, st.sampled_from([400, 401, 403, 404, 409, 422, 429, 500, 503]))
@settings(max_examples=300)
def test_any_json_error_body_becomes_a_typed_error(value: Any, status: int) -> None:
    for body in (value, {"detail": value}):
        error = error_from_response(status, {}, json.dumps(body).encode())
        assert error.status_code == status
        str(error)


@given(json_values)
def test_any_json_reply_decodes_or_raises_a_typed_error(value: Any) -> None:
    body = json.dumps(value).encode()
    with contextlib.suppress(APIResponseValidationError):
        decode_phone_number(body)
