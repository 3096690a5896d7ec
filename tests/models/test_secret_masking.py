"""No printer shows a secret of a request: ``repr``, ``str``, rich's pretty
printer and ``rich.print`` mask SIP passwords, Twilio tokens and Exotel keys,
whether the nested configs are Structs or the plain dicts the README allows.
``to_dict`` and ``to_json`` keep them: they are the wire form. The registry
of secrets is each model's ``_secret_fields``, and the walk it drives reads
only the fields whose declared type may hold one."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
import rich
import rich.pretty
from rich.console import Console

from elevenphone import (
    CreateExotelPhoneNumberRequest,
    CreateSIPTrunkPhoneNumberRequest,
    CreateTwilioPhoneNumberRequest,
    InboundSIPTrunkConfig,
    OutboundSIPTrunkConfig,
    SIPTrunkCredentials,
    TwilioRegionConfig,
    UpdatePhoneNumberRequest,
)
from elevenphone._models import (
    CreatePhoneNumberRequest,
    SIPTrunkOutboundCallRequest,
    TwilioOutboundCallRequest,
)
from elevenphone._models._base import RequestModel, _plan_of, secret_values
from tests.echoing import (
    ACCOUNT_AUTH_TOKEN,
    EXOTEL_API_KEY,
    EXOTEL_API_TOKEN,
    INBOUND_CONFIG,
    INBOUND_PASSWORD,
    OUTBOUND_CONFIG,
    REGION_TOKEN,
    SIP_PASSWORD,
    TWILIO_TOKEN,
    shown_secrets,
)

CREDENTIALS = SIPTrunkCredentials(username="trunk-user", password=SIP_PASSWORD)
TWILIO: dict[str, Any] = {
    "phone_number": "+14155550100",
    "label": "L",
    "sid": "SK0123",
    "token": TWILIO_TOKEN,
    "account_auth_token": ACCOUNT_AUTH_TOKEN,
}
REGION: dict[str, Any] = {"region_id": "ie1", "token": REGION_TOKEN, "edge_location": "dublin"}

REQUESTS: dict[str, RequestModel] = {
    "update-dict-configs": UpdatePhoneNumberRequest(
        outbound_trunk_config=OUTBOUND_CONFIG,  # type: ignore[arg-type]
        inbound_trunk_config=INBOUND_CONFIG,  # type: ignore[arg-type]
    ),
    "update-struct-config-dict-credentials": UpdatePhoneNumberRequest(
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example.com",
            credentials=OUTBOUND_CONFIG["credentials"],
        )
    ),
    "update-struct-configs": UpdatePhoneNumberRequest(
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example.com", credentials=CREDENTIALS
        ),
        inbound_trunk_config=InboundSIPTrunkConfig(
            credentials=SIPTrunkCredentials(username="in-user", password=INBOUND_PASSWORD)
        ),
    ),
    "outbound-config-dict-credentials": OutboundSIPTrunkConfig(
        address="sip.example.com", credentials=OUTBOUND_CONFIG["credentials"]
    ),
    "outbound-config-struct-credentials": OutboundSIPTrunkConfig(
        address="sip.example.com", credentials=CREDENTIALS
    ),
    "inbound-config-dict-credentials": InboundSIPTrunkConfig(
        credentials=INBOUND_CONFIG["credentials"]
    ),
    "credentials": CREDENTIALS,
    "create-sip-trunk-dict-configs": CreateSIPTrunkPhoneNumberRequest(
        phone_number="+442071838750",
        label="L",
        outbound_trunk_config=OUTBOUND_CONFIG,  # type: ignore[arg-type]
        inbound_trunk_config=INBOUND_CONFIG,  # type: ignore[arg-type]
    ),
    "create-twilio-dict-region": CreateTwilioPhoneNumberRequest(**TWILIO, region_config=REGION),
    "create-twilio-struct-region": CreateTwilioPhoneNumberRequest(
        **TWILIO, region_config=TwilioRegionConfig(**REGION)
    ),
    "twilio-region": TwilioRegionConfig(**REGION),
    "create-exotel": CreateExotelPhoneNumberRequest(
        phone_number="+914400000000",
        label="L",
        account_sid="acct",
        api_key=EXOTEL_API_KEY,
        api_token=EXOTEL_API_TOKEN,
        api_subdomain="api.in.exotel.com",  # type: ignore[arg-type]
        app_id="app",
    ),
}


def _rich_print(value: object) -> str:
    file = io.StringIO()
    rich.print(value, file=file)
    return file.getvalue()


def _console_print(value: object) -> str:
    console = Console(file=io.StringIO(), width=100)
    console.print(value)
    return console.file.getvalue()  # type: ignore[attr-defined]


PRINTERS: dict[str, Callable[[object], str]] = {
    "repr": repr,
    "str": str,
    "f-string": lambda value: f"{value}",
    "pretty_repr": rich.pretty.pretty_repr,
    "rich.print": _rich_print,
    "Console.print": _console_print,
}


@pytest.mark.parametrize("printer", PRINTERS.values(), ids=PRINTERS.keys())
@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_no_printer_shows_a_secret(
    request_: RequestModel, printer: Callable[[object], str]
) -> None:
    text = printer(request_)
    assert shown_secrets(text) == [], text
    assert "'***'" in text
    assert secret_values(request_, type(request_))  # there was a secret to hide


@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_a_secret_inside_a_list_of_requests_is_masked_too(request_: RequestModel) -> None:
    assert shown_secrets(rich.pretty.pretty_repr([request_])) == []
    assert shown_secrets(repr({"request": request_})) == []


def test_the_mask_keeps_what_is_not_secret() -> None:
    request = REQUESTS["update-dict-configs"]
    assert repr(request) == (
        "UpdatePhoneNumberRequest("
        "inbound_trunk_config={'allowed_addresses': ['203.0.113.0/24'],"
        " 'credentials': {'username': 'in-user', 'password': '***'}},"
        " outbound_trunk_config={'address': 'sip.example.com',"
        " 'credentials': {'username': 'trunk-user', 'password': '***'}})"
    )
    assert OUTBOUND_CONFIG["credentials"]["password"] == SIP_PASSWORD  # the dict is untouched


def test_a_cleared_config_shows_as_none() -> None:
    assert repr(UpdatePhoneNumberRequest(outbound_trunk_config=None)) == (
        "UpdatePhoneNumberRequest(outbound_trunk_config=None)"
    )


def _strings(value: object) -> set[str]:
    """Every str inside plain JSON values."""
    if isinstance(value, dict):
        return {text for item in value.values() for text in _strings(item)}
    if isinstance(value, list):
        return {text for item in value for text in _strings(item)}
    return {value} if isinstance(value, str) else set()


@pytest.mark.parametrize("request_", REQUESTS.values(), ids=REQUESTS.keys())
def test_to_dict_and_to_json_keep_the_secrets_as_the_wire_form(request_: RequestModel) -> None:
    secrets = set(secret_values(request_, type(request_)))
    assert secrets <= _strings(request_.to_dict())
    assert secrets <= _strings(json.loads(request_.to_json()))


# --- the registry ------------------------------------------------------------------


def _request_models() -> list[type[RequestModel]]:
    found: list[type[RequestModel]] = []
    pending: list[type[RequestModel]] = [RequestModel]
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return [model for model in found if model.__module__.startswith("elevenphone.")]


@pytest.mark.parametrize("model", _request_models(), ids=lambda model: model.__name__)
def test_every_declared_secret_is_a_field(model: type[RequestModel]) -> None:
    _plan_of(model)  # raises TypeError for a name that is no field
    names = {field.name for field in msgspec.structs.fields(model)}
    assert model._secret_fields <= names


@pytest.mark.parametrize("model", _request_models(), ids=lambda model: model.__name__)
def test_every_field_named_like_a_secret_is_declared_one(model: type[RequestModel]) -> None:
    """A new token or password field that forgets ``_secret_fields`` fails here."""
    for field in msgspec.structs.fields(model):
        name = field.name
        if any(word in name for word in ("password", "token", "secret")) or name.endswith("_key"):
            assert name in model._secret_fields, f"{model.__name__}.{name}"


def test_the_walk_reads_only_the_fields_that_may_hold_a_secret() -> None:
    plan = _plan_of(UpdatePhoneNumberRequest)
    assert set(plan.nested) == {"inbound_trunk_config", "outbound_trunk_config"}
    assert plan.secrets == frozenset()
    # Calls hold no secret: their bodies are never walked.
    for model in (TwilioOutboundCallRequest, SIPTrunkOutboundCallRequest):
        call_plan = _plan_of(model)
        assert not call_plan.secrets
        assert not call_plan.nested


def test_a_request_without_a_secret_carries_none() -> None:
    for request in (
        UpdatePhoneNumberRequest(agent_id="a", label="x"),
        UpdatePhoneNumberRequest(outbound_trunk_config=None),
        UpdatePhoneNumberRequest(outbound_trunk_config={"address": "sip.example.com"}),  # type: ignore[arg-type]
    ):
        assert secret_values(request, UpdatePhoneNumberRequest) == ()


def test_the_secrets_a_request_carries_never_show() -> None:
    secrets = secret_values(REQUESTS["update-dict-configs"], UpdatePhoneNumberRequest)
    assert sorted(secrets) == sorted([SIP_PASSWORD, INBOUND_PASSWORD])
    assert shown_secrets(repr(secrets)) == []
    assert shown_secrets(repr([secrets])) == []


def test_a_mapping_is_read_as_the_model_its_provider_names() -> None:
    twilio = {"provider": "twilio", **TWILIO, "region_config": REGION}
    assert sorted(secret_values(twilio, CreatePhoneNumberRequest)) == sorted(
        [TWILIO_TOKEN, ACCOUNT_AUTH_TOKEN, REGION_TOKEN]
    )
    sip = {"provider": "sip_trunk", "outbound_trunk_config": OUTBOUND_CONFIG}
    assert secret_values(sip, CreatePhoneNumberRequest) == (SIP_PASSWORD,)
