"""Values and configuration refused before anything is sent, with typed,
clear errors that name the field and never echo a secret."""

from __future__ import annotations

import math
from typing import Any

import pytest
from aioresponses import aioresponses

from elevenphone import (
    ElevenPhone,
    InvalidRequestError,
    OutboundSIPTrunkConfig,
    SIPTrunkCredentials,
    UpdatePhoneNumberRequest,
)
from tests.conftest import API_KEY, BASE_URL, sent_requests
from tests.refusals import assert_names_field

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"

BYTES_LIKE = [b"agent_new", bytearray(b"agent_new"), memoryview(b"agent_new")]


# --- bytes never go out as base64 ---------------------------------------------------------


@pytest.mark.parametrize("value", BYTES_LIKE, ids=["bytes", "bytearray", "memoryview"])
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (lambda v: {"agent_id": v}, "agent_id"),
        (lambda v: {"label": v}, "label"),
        (
            lambda v: {"outbound_trunk_config": {"address": "sip.example", "headers": {"X": v}}},
            "outbound_trunk_config.headers",
        ),
        (
            lambda v: {"outbound_trunk_config": OutboundSIPTrunkConfig(address=v)},  # type: ignore[arg-type]
            "outbound_trunk_config.address",
        ),
        (
            lambda v: {
                "inbound_trunk_config": {
                    "credentials": SIPTrunkCredentials(username="u", password=v)  # type: ignore[arg-type]
                }
            },
            "inbound_trunk_config.credentials.password",
        ),
        (
            lambda v: {"inbound_trunk_config": {"allowed_addresses": ["10.0.0.1", v]}},
            "inbound_trunk_config.allowed_addresses.1",
        ),
    ],
)
async def test_bytes_anywhere_in_an_update_are_refused_naming_the_field(
    client: ElevenPhone, mocked: aioresponses, value: Any, fields: Any, field: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.phone_numbers.update(PID, **fields(value))
    assert caught.value.field == field
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert sent_requests(mocked) == []


async def test_bytes_in_a_request_struct_are_refused(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    request = UpdatePhoneNumberRequest(agent_id=b"agent_new")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError) as caught:
        await client.phone_numbers.update(PID, request)
    assert_names_field(caught.value, "agent_id")
    result = await client.phone_numbers.bulk_update({PID: request})
    assert isinstance(result.failed[PID], InvalidRequestError)
    assert sent_requests(mocked) == []


# --- every local refusal is an InvalidRequestError -----------------------------------------


@pytest.mark.parametrize("bad_id", ["", "   ", "\t\n"])
async def test_an_empty_or_blank_id_is_an_invalid_request_and_a_value_error(
    client: ElevenPhone, mocked: aioresponses, bad_id: str
) -> None:
    for call in (
        lambda: client.phone_numbers.update(bad_id, agent_id="a"),
        lambda: client.phone_numbers.get(bad_id),
    ):
        with pytest.raises(InvalidRequestError) as caught:
            await call()
        assert isinstance(caught.value, ValueError)
        assert caught.value.field == "phone_number_id"
    assert sent_requests(mocked) == []


@pytest.mark.parametrize("bad_id", [None, 5, b"phnum_x"])
async def test_an_id_of_the_wrong_type_is_a_type_error(
    client: ElevenPhone, mocked: aioresponses, bad_id: object
) -> None:
    with pytest.raises(TypeError) as caught:
        await client.phone_numbers.get(bad_id)  # type: ignore[arg-type]
    assert isinstance(caught.value, InvalidRequestError)
    assert sent_requests(mocked) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"livekit_stack": "bogus"}, "livekit_stack"),
        ({"outbound_trunk_config": {"address": "a", "transport": "carrier-pigeon"}}, "transport"),
        ({"outbound_trunk_config": {"address": "a", "colour": "red"}}, "colour"),
        ({"agent_id": 5}, "agent_id"),
    ],
)
async def test_bad_enums_and_fields_are_invalid_requests(
    client: ElevenPhone, mocked: aioresponses, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.phone_numbers.update(PID, **fields)
    assert_names_field(caught.value, field)
    assert sent_requests(mocked) == []


async def test_a_filter_of_the_wrong_type_is_an_invalid_request(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    with pytest.raises(InvalidRequestError, match="agent_id") as caught:
        await client.phone_numbers.list(agent_id=b"agent_x")  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert sent_requests(mocked) == []


# --- configuration refused at construction -------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "what"),
    [
        ("https://proxy.example/prefix#fragment", "fragment"),
        ("https://proxy.example/prefix#", "fragment"),
        ("https://proxy.example/prefix?a=b", "query"),
        ("https://proxy.example/prefix?", "query"),
    ],
)
def test_a_base_url_with_a_query_or_fragment_is_refused(base_url: str, what: str) -> None:
    with pytest.raises(ValueError, match=what):
        ElevenPhone(API_KEY, base_url=base_url)


@pytest.mark.parametrize(
    "base_url",
    ["https://user:hunter2pass@proxy.example", "https://hunter2pass@proxy.example/x"],
)
def test_a_base_url_with_credentials_is_refused_without_echoing_them(base_url: str) -> None:
    with pytest.raises(ValueError, match="credentials") as caught:
        ElevenPhone(API_KEY, base_url=base_url)
    assert "hunter2pass" not in str(caught.value)
    assert "hunter2pass" not in repr(caught.value)


def test_a_base_url_from_the_environment_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEVENLABS_BASE_URL", "https://proxy.example/p?token=x")
    with pytest.raises(ValueError, match="query"):
        ElevenPhone(API_KEY)


SECRET = "sk_live_abcdef0123456789"


@pytest.mark.parametrize(
    "key",
    [
        SECRET + "\r\nX-Injected: 1",
        SECRET + "\n",
        "\r" + SECRET,
        SECRET + "\x00",
        SECRET + "\x01",
        SECRET + "\x7f",
        SECRET + "\t",
        SECRET + "é",
        SECRET + "\u2028",
    ],
)
def test_a_key_no_header_can_carry_is_refused_at_construction(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValueError, match="api_key") as caught:
        ElevenPhone(key)
    assert SECRET not in str(caught.value)
    if "\x00" in key:
        return  # no environment variable can hold a NUL
    monkeypatch.setenv("ELEVENLABS_API_KEY", key)
    with pytest.raises(ValueError, match="api_key") as caught:
        ElevenPhone()
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("key", ["", "   ", " \t "])
async def test_an_empty_or_blank_key_means_no_key(
    key: str, monkeypatch: pytest.MonkeyPatch, mocked: aioresponses
) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", key)
    for client in (ElevenPhone(key, base_url=BASE_URL), ElevenPhone(base_url=BASE_URL)):
        assert "api_key='unset'" in repr(client) or "api_key=unset" in repr(client)
        mocked.get(f"{BASE_URL}/v1/convai/phone-numbers", payload=[])
        async with client:
            await client.phone_numbers.list()
    for _, _, kwargs in sent_requests(mocked):
        assert "xi-api-key" not in {name.lower() for name in kwargs["headers"]}


# --- values nothing can send: refused before sending, naming the field --------------------

CALL = {"agent_id": "agent_x", "agent_phone_number_id": PID, "to_number": "+14155550100"}
BAD_TIMEOUTS = [math.inf, -math.inf, math.nan, 10**400]


@pytest.mark.parametrize("timeout", BAD_TIMEOUTS, ids=["inf", "-inf", "nan", "huge-int"])
async def test_a_timeout_that_is_not_finite_is_refused_everywhere(
    client: ElevenPhone, mocked: aioresponses, timeout: float
) -> None:
    for build in (
        lambda: ElevenPhone(API_KEY, base_url=BASE_URL, timeout=timeout),
        lambda: client.with_options(timeout=timeout),
    ):
        with pytest.raises(InvalidRequestError) as caught:
            build()
        assert isinstance(caught.value, ValueError)  # the constructor's contract
        assert caught.value.field == "timeout"
    for call in (
        lambda: client.phone_numbers.get(PID, timeout=timeout),
        lambda: client.phone_numbers.update(PID, label="x", timeout=timeout),
        lambda: client.calls.outbound(**CALL, provider="twilio", timeout=timeout),
        lambda: client.phone_numbers.bulk_update({PID: {"label": "x"}}, timeout=timeout),
    ):
        with pytest.raises(InvalidRequestError) as caught:
            await call()
        assert caught.value.field == "timeout"
    assert sent_requests(mocked) == []


def deep(depth: int) -> list[Any]:
    top: list[Any] = []
    inner = top
    for _ in range(depth - 1):
        inner.append([])
        inner = inner[0]
    return top


def circular() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["again"] = loop
    return loop


@pytest.mark.parametrize(
    ("value", "inside"),
    [(deep(100_000), ".0.0.0"), (circular(), ".again")],
    ids=["100k-deep", "circular"],
)
async def test_a_deep_or_circular_value_is_refused_naming_its_path(
    client: ElevenPhone, mocked: aioresponses, value: Any, inside: str
) -> None:
    variables = "conversation_initiation_client_data.dynamic_variables"
    for call, field in [
        (
            lambda: client.phone_numbers.update(PID, label="x", extra_body={"v": value}),
            "extra_body.v",
        ),
        (
            lambda: client.calls.outbound(**CALL, provider="twilio", extra_body={"v": value}),
            "extra_body.v",
        ),
        (
            lambda: client.calls.twilio_outbound(
                **CALL, conversation_initiation_client_data={"dynamic_variables": {"v": value}}
            ),
            f"{variables}.v",
        ),
        (
            lambda: client.calls.outbound(
                **CALL,
                provider="sip_trunk",
                conversation_initiation_client_data={"dynamic_variables": {"v": value}},
            ),
            f"{variables}.v",
        ),
    ]:
        with pytest.raises(InvalidRequestError) as caught:
            await call()
        assert caught.value.field is not None
        assert caught.value.field.startswith(field + inside), caught.value.field
    assert sent_requests(mocked) == []


SURROGATE = "x\udcffy"  # what the bytes b"x\xffy" of argv or a file name become


async def test_a_lone_surrogate_is_refused_wherever_it_would_go(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    for call, field in [
        (lambda: client.phone_numbers.get(SURROGATE), "phone_number_id"),
        (lambda: client.phone_numbers.delete(SURROGATE), "phone_number_id"),
        (lambda: client.phone_numbers.update(PID, label=SURROGATE), "label"),
        (
            lambda: client.phone_numbers.update(
                PID, outbound_trunk_config={"address": "a", "headers": {"X-Team": SURROGATE}}
            ),
            "outbound_trunk_config.headers.X-Team",
        ),
        (lambda: client.calls.twilio_outbound(**{**CALL, "to_number": SURROGATE}), "to_number"),
        (
            lambda: client.calls.outbound(
                **CALL, provider="exotel", extra_body={"n": {"k": SURROGATE}}
            ),
            "extra_body.n.k",
        ),
        (lambda: client.phone_numbers.list(agent_id=SURROGATE), "agent_id"),
        (lambda: client.phone_numbers.list_page(search=SURROGATE), "search"),
        (lambda: client.phone_numbers.get(PID, extra_query={"q": SURROGATE}), "extra_query.q"),
        (
            lambda: client.phone_numbers.get(PID, extra_headers={"X-A": SURROGATE}),
            "extra_headers.X-A",
        ),
        (
            lambda: client.phone_numbers.bulk_update(
                {PID: {"label": "x"}}, extra_query={"q": SURROGATE}
            ),
            "extra_query.q",
        ),
    ]:
        with pytest.raises(InvalidRequestError) as caught:
            await call()
        assert caught.value.field == field
        assert isinstance(caught.value, ValueError)
        str(caught.value).encode()  # the error itself prints
    assert sent_requests(mocked) == []


async def test_a_lone_surrogate_in_an_iterated_filter_is_refused_at_once(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.phone_numbers.iter(label=SURROGATE)
    assert caught.value.field == "label"
    assert sent_requests(mocked) == []


@pytest.mark.parametrize(
    "free_form", ["dynamic_variables", "conversation_config_override", "custom_llm_extra_body"]
)
@pytest.mark.parametrize("value", [*BYTES_LIKE, math.nan, math.inf, -math.inf])
async def test_bytes_and_non_finite_numbers_are_refused_in_free_form_fields(
    client: ElevenPhone, mocked: aioresponses, free_form: str, value: Any
) -> None:
    data = {free_form: {"x": [value]}}
    with pytest.raises(InvalidRequestError) as caught:
        await client.calls.outbound(
            **CALL, provider="twilio", conversation_initiation_client_data=data
        )
    assert caught.value.field == f"conversation_initiation_client_data.{free_form}.x.0"
    with pytest.raises(InvalidRequestError) as caught:
        await client.calls.twilio_register(
            agent_id="agent_x",
            from_number="+1",
            to_number="+2",
            conversation_initiation_client_data=data,
        )
    assert caught.value.field == f"conversation_initiation_client_data.{free_form}.x.0"
    assert sent_requests(mocked) == []


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
async def test_nan_and_infinity_in_extra_body_are_refused_not_sent_as_null(
    client: ElevenPhone, mocked: aioresponses, value: float
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.phone_numbers.update(PID, label="x", extra_body={"limits": {"max": value}})
    assert caught.value.field == "extra_body.limits.max"
    with pytest.raises(InvalidRequestError) as caught:  # once, before any item is sent
        await client.phone_numbers.bulk_update(
            {PID: {"label": "x"}}, extra_body={"limits": {"max": value}}
        )
    assert caught.value.field == "extra_body.limits.max"
    assert sent_requests(mocked) == []


@pytest.mark.parametrize(
    "name",
    ["Content-Length", "content-length", "Transfer-Encoding", "transfer-encoding", "Host", "HOST"],
)
async def test_framing_headers_and_host_cannot_be_set(
    client: ElevenPhone, mocked: aioresponses, name: str
) -> None:
    for value in ("0", "chunked", None):
        with pytest.raises(InvalidRequestError) as caught:
            await client.phone_numbers.update(PID, label="x", extra_headers={name: value})
        assert caught.value.field == f"extra_headers.{name}"
    with pytest.raises(InvalidRequestError) as caught_at_build:
        ElevenPhone(API_KEY, base_url=BASE_URL, default_headers={name: "1"})
    assert isinstance(caught_at_build.value, ValueError)  # the constructor's contract
    assert caught_at_build.value.field == f"default_headers.{name}"
    assert sent_requests(mocked) == []
