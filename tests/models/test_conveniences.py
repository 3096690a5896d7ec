"""Every request and response model turns into plain values and JSON, leaving
out what is not set; a request's repr shows only what is set, never a secret."""

from __future__ import annotations

import inspect
import json

import msgspec
import pytest

import elevenphone
from elevenphone import (
    CreateTwilioPhoneNumberRequest,
    LivekitStack,
    OutboundSIPTrunkConfig,
    SIPTrunkCredentials,
    TwilioRegionConfig,
    UpdatePhoneNumberRequest,
)
from elevenphone._models._base import RequestModel, ResponseModel
from elevenphone._wire import decode_phone_number
from tests.conftest import sip_trunk_number

MODELS = sorted(
    (
        value
        for value in vars(elevenphone).values()
        if inspect.isclass(value) and issubclass(value, RequestModel | ResponseModel)
    ),
    key=lambda cls: cls.__name__,
)


def test_every_public_model_has_the_conveniences() -> None:
    assert len(MODELS) > 25
    for model in MODELS:
        assert callable(model.to_dict), model
        assert callable(model.to_json), model


def test_a_request_leaves_out_what_is_not_set() -> None:
    request = UpdatePhoneNumberRequest(
        agent_id=None,
        livekit_stack=LivekitStack.STATIC,
        outbound_trunk_config=OutboundSIPTrunkConfig(address="sip.example.com"),
    )
    expected = {
        "agent_id": None,
        "outbound_trunk_config": {"address": "sip.example.com"},
        "livekit_stack": "static",
    }
    assert request.to_dict() == expected
    assert json.loads(request.to_json()) == expected
    assert request.to_json() == json.dumps(expected, separators=(",", ":"))
    assert request.to_json(indent=2).splitlines()[1] == '  "agent_id": null,'


def test_a_response_round_trips_through_to_dict() -> None:
    body = sip_trunk_number()
    number = decode_phone_number(json.dumps(body).encode())
    as_dict = number.to_dict()
    assert as_dict["provider"] == "sip_trunk"
    assert as_dict["outbound_trunk"]["address"] == body["outbound_trunk"]["address"]
    assert decode_phone_number(number.to_json().encode()) == number


def test_a_requests_repr_shows_only_the_fields_set() -> None:
    assert repr(UpdatePhoneNumberRequest()) == "UpdatePhoneNumberRequest()"
    assert repr(UpdatePhoneNumberRequest(label="Night", agent_id=None)) == (
        "UpdatePhoneNumberRequest(agent_id=None, label='Night')"
    )


@pytest.mark.parametrize(
    "request_",
    [
        SIPTrunkCredentials(username="u", password="s3cr3t-pass"),
        TwilioRegionConfig(region_id="us1", token="s3cr3t-pass", edge_location="ashburn"),  # type: ignore[arg-type]
        CreateTwilioPhoneNumberRequest(
            phone_number="+1", label="L", sid="AC1", token="s3cr3t-pass", account_auth_token="x"
        ),
    ],
)
def test_a_requests_repr_never_shows_a_secret(request_: msgspec.Struct) -> None:
    text = repr(request_)
    assert "s3cr3t-pass" not in text
    assert "'***'" in text
    assert "s3cr3t-pass" in request_.to_json()  # the value itself is kept, for the wire
