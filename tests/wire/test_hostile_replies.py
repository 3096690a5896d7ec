"""Property tests: whatever bytes a reply holds, only typed errors come out.

Invalid UTF-8 anywhere, JSON nested to any depth, any JSON value in any field:
every decoder raises :class:`APIResponseValidationError` or decodes, and the
error mapping returns the status's typed error without raising.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elevenphone import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
)
from elevenphone._wire import decode_phone_number, decode_phone_number_list, error_from_response
from tests.conftest import sip_trunk_number, twilio_number

DECODERS: list[Callable[[bytes], object]] = [decode_phone_number, decode_phone_number_list]

EXPECTED_ERROR: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
    500: InternalServerError,
    502: InternalServerError,
    503: InternalServerError,
    418: APIStatusError,
    302: APIStatusError,
}

statuses = st.sampled_from(sorted(EXPECTED_ERROR))
invalid_utf8 = st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80"])


def nested(depth: int, opener: str, inner: bytes = b"1") -> bytes:
    """``inner`` wrapped ``depth`` times in arrays or objects."""
    if opener == "[":
        return b"[" * depth + inner + b"]" * depth
    return b'{"a":' * depth + inner + b"}" * depth


depths = st.integers(min_value=1, max_value=200_000)
openers = st.sampled_from(["[", "{"])


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    """Replies a broken or hostile server sends: raw bytes, bad UTF-8 in the
    right shape, deep nesting where a field belongs, cut-short JSON."""
    kind = draw(st.sampled_from(["bytes", "utf8", "deep", "deep_field", "cut"]))
    number = json.dumps(draw(st.sampled_from([twilio_number(), sip_trunk_number()]))).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=2_000))
    if kind == "utf8":
        at = draw(st.integers(min_value=0, max_value=len(number)))
        return number[:at] + draw(invalid_utf8) + number[at:]
    if kind == "deep":
        return nested(draw(depths), draw(openers))
    if kind == "deep_field":
        field = draw(st.sampled_from([b'"label"', b'"assigned_agent"', b'"unknown"']))
        inner = nested(draw(depths), draw(openers))
        return number[:-1] + b"," + field + b":" + inner + b"}"
    return number[: draw(st.integers(min_value=0, max_value=len(number) - 1))]


def assert_decodes_or_raises_typed(body: bytes) -> None:
    for decode in DECODERS:
        failure: APIResponseValidationError | None = None
        try:
            decode(body)
        except APIResponseValidationError as error:  # anything else fails the test
            failure = error
        if failure is not None:
            assert failure.body == body
            assert len(str(failure)) < 2_000
            repr(failure)


def assert_typed_error(status: int, body: bytes) -> APIStatusError:
    error = error_from_response(status, {}, body)
    assert type(error) is EXPECTED_ERROR[status]
    assert error.status_code == status
    assert len(str(error)) < 2_000
    repr(error)
    return error


@given(hostile_bodies())
@settings(max_examples=400, deadline=None)
def test_hostile_bodies_decode_or_raise_typed_errors(body: bytes) -> None:
    assert_decodes_or_raises_typed(body)
    assert_decodes_or_raises_typed(b"[" + body + b"]")


@given(hostile_bodies(), statuses)
@settings(max_examples=400, deadline=None)
def test_hostile_error_bodies_map_to_the_statuss_typed_error(body: bytes, status: int) -> None:
    assert_typed_error(status, body)
    assert_typed_error(status, b'{"detail":' + body + b"}")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@given(
    st.sampled_from(sorted(set(twilio_number()) | set(sip_trunk_number()))),
    json_values,
    st.sampled_from([twilio_number, sip_trunk_number]),
)
@settings(max_examples=300, deadline=None)
def test_any_json_value_in_any_field_decodes_or_raises_typed(
    field: str, value: Any, make: Callable[..., dict[str, Any]]
) -> None:
    body = json.dumps(make(**{field: value})).encode()
    assert_decodes_or_raises_typed(body)


@given(json_values, statuses)
@settings(max_examples=300, deadline=None)
def test_any_json_in_any_error_shape_maps_to_a_typed_error(value: Any, status: int) -> None:
    shapes = [
        value,
        {"detail": value},
        {"detail": [value]},
        {"detail": [{"loc": value, "msg": value, "type": value}]},
        {"detail": {"status": value, "code": value, "message": value, "request_id": value}},
    ]
    for shape in shapes:
        assert_typed_error(status, json.dumps(shape).encode())


@pytest.mark.parametrize("status", [404, 500, 503])
@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe\xfd", b'{"detail":{"message":"\xff"}}', nested(100_000, "["), nested(100_000, "{")],
    ids=["bytes", "utf8-in-json", "deep-array", "deep-object"],
)
def test_an_unreadable_error_body_gives_the_status_line(status: int, body: bytes) -> None:
    error = assert_typed_error(status, body)
    assert error.message == str(error)
    assert str(error).startswith(str(status))


@pytest.mark.parametrize(
    "body",
    [
        b'{"provider":"twilio","label":"\xff"}',
        nested(100_000, "["),
        nested(100_000, "{"),
        b'{"provider":"twilio","label":' + nested(100_000, "[") + b"}",
    ],
    ids=["utf8-in-a-string", "deep-array", "deep-object", "deep-field"],
)
def test_a_2xx_that_does_not_decode_says_why(body: bytes) -> None:
    with pytest.raises(APIResponseValidationError) as one:
        decode_phone_number(body)
    assert_says_why(one.value, body, NOT_A_NUMBER)
    as_list = b"[" + body + b"]"
    with pytest.raises(APIResponseValidationError) as many:
        decode_phone_number_list(as_list)
    assert_says_why(many.value, as_list, NOT_A_LIST, "item 0 of the list: " + NOT_A_NUMBER)


NOT_A_NUMBER = "the reply is not a valid phone number: "
NOT_A_LIST = "the reply is not a list of phone numbers: "


def assert_says_why(error: APIResponseValidationError, body: bytes, *ours: str) -> None:
    """The message opens with our words for what the reply is not, then says
    why: in msgspec's words or ours, so only that a reason follows is checked."""
    assert (error.status_code, error.body) == (200, body)
    opening = next((words for words in ours if error.message.startswith(words)), None)
    assert opening is not None, error.message
    assert error.message[len(opening) :].strip(), error.message
