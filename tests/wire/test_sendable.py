"""What cannot be sent is refused by the pure wire layer, naming its path: bytes,
NaN and infinity, lone surrogates, too deep or circular values (free-form
values and extra_body), and the headers the transport owns."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from elevenphone import (
    ConversationInitiationClientData,
    InvalidRequestError,
    UpdatePhoneNumberRequest,
)
from elevenphone._models.calls import TwilioOutboundCallRequest
from elevenphone._wire import (
    MAX_DEPTH,
    check_header_value,
    check_sendable,
    encode_body,
    encode_update_request,
    merge_extra_body,
    optional_query,
    phone_number_path,
    query_value,
)
from elevenphone._wire.sendable import free_form_fields

CALL = {"agent_id": "agent_x", "agent_phone_number_id": "phnum_x", "to_number": "+14155550100"}
CLIENT_DATA = "conversation_initiation_client_data"
FREE_FORM = ("dynamic_variables", "conversation_config_override", "custom_llm_extra_body")


def nested(depth: int) -> dict[str, Any]:
    """A dict holding ``depth`` dicts in all (``{"k": {"k": ... {}}}``), built without recursion."""
    top: dict[str, Any] = {}
    inner = top
    for _ in range(depth - 1):
        inner["k"] = {}
        inner = inner["k"]
    return top


def circular() -> dict[str, Any]:
    loop: dict[str, Any] = {"a": 1}
    loop["me"] = loop
    return loop


def refused(call: Any) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    return caught.value


def call_with(free_form: str, value: Any) -> dict[str, Any]:
    return {**CALL, CLIENT_DATA: {free_form: {"x": value}}}


# --- the free-form fields of a body ----------------------------------------------------------


def test_the_free_form_fields_are_found_from_the_types() -> None:
    assert free_form_fields(UpdatePhoneNumberRequest) == ()  # an update walks nothing
    [(attr, _, free)] = free_form_fields(TwilioOutboundCallRequest)
    assert (attr, free) == (CLIENT_DATA, False)


BAD_VALUES = [
    (b"raw", "bytes"),
    (bytearray(b"raw"), "bytearray"),
    (memoryview(b"raw"), "memoryview"),
    (math.nan, "nan"),
    (math.inf, "inf"),
    (-math.inf, "-inf"),
    ("a\udcffb", "surrogate"),
]


@pytest.mark.parametrize("free_form", FREE_FORM)
@pytest.mark.parametrize(("value", "what"), BAD_VALUES, ids=[w for _, w in BAD_VALUES])
def test_what_json_cannot_carry_is_refused_in_every_free_form_field(
    free_form: str, value: Any, what: str
) -> None:
    error = refused(
        lambda: encode_body(call_with(free_form, value), TwilioOutboundCallRequest, what="call")
    )
    assert error.field == f"{CLIENT_DATA}.{free_form}.x"
    assert error.field in str(error)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"list": [1, 2, {"deeper": math.nan}]}, "x.list.2.deeper"),
        ([[b"raw"]], "x.0.0"),
        ({"a\udcffb": 1}, "x.a\\udcffb"),  # a key: escaped, so that the error prints
        ((1, math.inf), "x.1"),
    ],
)
def test_the_path_inside_a_free_form_value_is_named(value: Any, path: str) -> None:
    body = call_with("dynamic_variables", value)
    error = refused(lambda: encode_body(body, TwilioOutboundCallRequest, what="call"))
    assert error.field == f"{CLIENT_DATA}.dynamic_variables.{path}"
    str(error).encode()  # printable: no lone surrogate in the message


def test_a_struct_of_client_data_is_walked_too() -> None:
    body = {**CALL, CLIENT_DATA: ConversationInitiationClientData(dynamic_variables={"x": b"1"})}
    error = refused(lambda: encode_body(body, TwilioOutboundCallRequest, what="call"))
    assert error.field == f"{CLIENT_DATA}.dynamic_variables.x"


@pytest.mark.parametrize("depth", [MAX_DEPTH, 100_000])
def test_a_free_form_value_too_deep_is_refused(depth: int) -> None:
    body = call_with("dynamic_variables", nested(depth))
    error = refused(lambda: encode_body(body, TwilioOutboundCallRequest, what="call"))
    assert error.field is not None
    assert error.field.startswith(f"{CLIENT_DATA}.dynamic_variables.x.k.k")
    assert str(MAX_DEPTH) in str(error)


def test_a_body_at_the_depth_limit_is_sent() -> None:
    # The body, the client data, dynamic_variables and x are 4 levels already.
    body = call_with("dynamic_variables", nested(MAX_DEPTH - 4))
    sent = json.loads(encode_body(body, TwilioOutboundCallRequest, what="call"))
    assert sent[CLIENT_DATA]["dynamic_variables"]["x"] == nested(MAX_DEPTH - 4)


def test_a_circular_free_form_value_is_refused() -> None:
    body = call_with("conversation_config_override", circular())
    error = refused(lambda: encode_body(body, TwilioOutboundCallRequest, what="call"))
    assert error.field == f"{CLIENT_DATA}.conversation_config_override.x.me"


def test_a_value_shared_twice_is_not_a_cycle() -> None:
    shared = {"v": 1}
    body = call_with("dynamic_variables", [shared, shared])
    sent = json.loads(encode_body(body, TwilioOutboundCallRequest, what="call"))
    assert sent[CLIENT_DATA]["dynamic_variables"]["x"] == [{"v": 1}, {"v": 1}]


# --- lone surrogates in any string of a body -------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"label": "x\udcffy"}, "label"),
        ({"agent_id": "\ud800"}, "agent_id"),
        (
            {"outbound_trunk_config": {"address": "a", "headers": {"X": "\udfff"}}},
            "outbound_trunk_config.headers.X",
        ),
        (
            {"inbound_trunk_config": {"allowed_addresses": ["10.0.0.1", "\udcff"]}},
            "inbound_trunk_config.allowed_addresses.1",
        ),
    ],
)
def test_a_lone_surrogate_in_a_typed_field_is_refused_naming_it(
    fields: dict[str, Any], field: str
) -> None:
    error = refused(lambda: encode_update_request(fields))
    assert error.field == field
    error = refused(lambda: encode_update_request(UpdatePhoneNumberRequest(**fields)))
    assert error.field == field


def test_a_lone_surrogate_in_a_call_is_refused() -> None:
    error = refused(
        lambda: encode_body(
            {**CALL, "to_number": "+1\udcff"}, TwilioOutboundCallRequest, what="call"
        )
    )
    assert error.field == "to_number"


# --- extra_body ------------------------------------------------------------------------------


BODY = b'{"label":"x"}'


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"a": math.nan}, "extra_body.a"),
        ({"a": {"b": [0.5, math.inf]}}, "extra_body.a.b.1"),
        ({"a": {"b": b"raw"}}, "extra_body.a.b"),
        ({"a": ["ok", "\udcff"]}, "extra_body.a.1"),
        ({"a\udcff": 1}, "extra_body.a\\udcff"),
        ({"a": circular()}, "extra_body.a.me"),
    ],
)
def test_extra_body_refuses_what_cannot_be_sent(extra: dict[str, Any], field: str) -> None:
    assert refused(lambda: merge_extra_body(BODY, extra)).field == field
    assert refused(lambda: check_sendable(extra, "extra_body")).field == field


@pytest.mark.parametrize("depth", [MAX_DEPTH, 100_000])
def test_extra_body_too_deep_is_refused(depth: int) -> None:
    error = refused(lambda: merge_extra_body(BODY, {"a": nested(depth)}))
    assert error.field is not None
    assert error.field.startswith("extra_body.a.k.k")


def test_extra_body_within_the_limit_is_merged() -> None:
    value = nested(MAX_DEPTH - 1)  # under the body's own level
    assert json.loads(merge_extra_body(BODY, {"a": value, "n": 1.5})) == {
        "label": "x",
        "a": value,
        "n": 1.5,
    }


# --- ids, queries and headers ------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["x\udcffy", "\ud800", "é\udfff"])
def test_a_lone_surrogate_in_an_id_query_or_header_is_refused(bad: str) -> None:
    assert refused(lambda: phone_number_path(bad)).field == "phone_number_id"
    assert refused(lambda: optional_query(search=bad)).field == "search"
    assert refused(lambda: optional_query(cursor=bad)).field == "cursor"
    assert refused(lambda: query_value(bad, field="extra_query.q")).field == "extra_query.q"
    error = refused(lambda: check_header_value("X-A", bad, field="extra_headers.X-A"))
    assert error.field == "extra_headers.X-A"


@pytest.mark.parametrize(
    "name",
    ["Content-Length", "content-length", "Transfer-Encoding", "TRANSFER-ENCODING", "Host", "host"],
)
@pytest.mark.parametrize("value", ["0", "chunked", None])
def test_the_headers_the_transport_sets_are_refused(name: str, value: str | None) -> None:
    error = refused(lambda: check_header_value(name, value, field=f"extra_headers.{name}"))
    assert error.field == f"extra_headers.{name}"


# --- no text escapes raw ---------------------------------------------------------------------

any_text = st.text(
    alphabet=st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=12
)


def encodes(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


@given(any_text)
def test_any_text_as_a_body_field_is_sent_as_is_or_refused_by_name(text: str) -> None:
    if encodes(text):
        assert msgspec.json.decode(encode_update_request({"label": text})) == {"label": text}
    else:
        assert refused(lambda: encode_update_request({"label": text})).field == "label"


def sendable(value: object) -> bool:
    if isinstance(value, str):
        return encodes(value)
    return not isinstance(value, float) or math.isfinite(value)


@given(st.dictionaries(any_text, st.one_of(any_text, st.floats()), max_size=3))
def test_any_free_form_value_is_sent_as_is_or_refused_by_path(variables: dict[str, Any]) -> None:
    body = {**CALL, CLIENT_DATA: {"dynamic_variables": variables}}
    if all(sendable(key) and sendable(value) for key, value in variables.items()):
        sent = msgspec.json.decode(encode_body(body, TwilioOutboundCallRequest, what="call"))
        assert sent[CLIENT_DATA]["dynamic_variables"] == variables
    else:
        error = refused(lambda: encode_body(body, TwilioOutboundCallRequest, what="call"))
        assert error.field is not None
        assert error.field.startswith(f"{CLIENT_DATA}.dynamic_variables.")


@given(any_text)
def test_any_text_as_an_id_or_query_is_sent_or_refused_by_name(text: str) -> None:
    calls = [
        (lambda: optional_query(search=text), "search"),
        (lambda: query_value(text, field="extra_query.q"), "extra_query.q"),
        (lambda: check_header_value("X-A", text, field="extra_headers.X-A"), "extra_headers.X-A"),
    ]
    if text.strip():
        calls.append((lambda: phone_number_path(text), "phone_number_id"))
    for call, field in calls:
        if encodes(text) and (field != "extra_headers.X-A" or text.isprintable()):
            call()
        elif not encodes(text):
            assert refused(call).field == field
