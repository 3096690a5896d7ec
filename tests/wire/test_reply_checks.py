"""What a reply says must match what was asked: the decoder of "the phone number
with this id", fed bytes, with and without a change it must show."""

from __future__ import annotations

import json
from typing import Any

import pytest

from elevenphone import APIResponseValidationError, TwilioPhoneNumber, UpdatePhoneNumberRequest
from elevenphone._wire import phone_number_decoder
from tests.conftest import twilio_number

PID = "phnum_asked"


def reply(**overrides: Any) -> bytes:
    return json.dumps(twilio_number(phone_number_id=PID, **overrides)).encode()


def agent(agent_id: str, **fields: Any) -> dict[str, Any]:
    return {"agent_id": agent_id, "agent_name": "A", **fields}


def test_the_number_asked_for_decodes() -> None:
    number = phone_number_decoder(PID)(reply(), 200)
    assert isinstance(number, TwilioPhoneNumber)
    assert number.phone_number_id == PID


def test_another_numbers_reply_is_refused() -> None:
    body = json.dumps(twilio_number(phone_number_id="phnum_other")).encode()
    with pytest.raises(APIResponseValidationError) as caught:
        phone_number_decoder(PID)(body, 200)
    assert caught.value.status_code == 200
    assert caught.value.body == body
    assert caught.value.message == (
        "the reply is about the phone number 'phnum_other', not 'phnum_asked' that was asked for"
    )


def test_another_numbers_reply_is_refused_before_the_change_is_compared() -> None:
    body = json.dumps(twilio_number(phone_number_id="phnum_other", label="New")).encode()
    change = UpdatePhoneNumberRequest(label="New")
    with pytest.raises(APIResponseValidationError, match="'phnum_other', not 'phnum_asked'"):
        phone_number_decoder(PID, change)(body, 200)


@pytest.mark.parametrize(
    ("change", "body", "message"),
    [
        (
            UpdatePhoneNumberRequest(agent_id="agent_new"),
            reply(assigned_agent=agent("agent_old")),
            "agent_id was asked to be 'agent_new', the reply shows 'agent_old'",
        ),
        (
            UpdatePhoneNumberRequest(agent_id="agent_new"),
            reply(assigned_agent=None),
            "agent_id was asked to be 'agent_new', the reply shows None",
        ),
        (
            UpdatePhoneNumberRequest(agent_id=None),
            reply(assigned_agent=agent("agent_old")),
            "agent_id was asked to be None, the reply shows 'agent_old'",
        ),
        (
            UpdatePhoneNumberRequest(label="New"),
            reply(label="Old"),
            "label was asked to be 'New', the reply shows 'Old'",
        ),
        (
            UpdatePhoneNumberRequest(branch_id="agtbrch_new"),
            reply(assigned_agent=agent("a", branch_id="agtbrch_old")),
            "branch_id was asked to be 'agtbrch_new', the reply shows 'agtbrch_old'",
        ),
        (
            UpdatePhoneNumberRequest(branch_id=None),
            reply(assigned_agent=agent("a", branch_id="agtbrch_old")),
            "branch_id was asked to be None, the reply shows 'agtbrch_old'",
        ),
        (
            UpdatePhoneNumberRequest(environment="production"),
            reply(assigned_agent=agent("a", environment="staging")),
            "environment was asked to be 'production', the reply shows 'staging'",
        ),
    ],
    ids=["old-agent", "unassigned", "not-unassigned", "label", "branch", "branch-kept", "env"],
)
def test_a_reply_that_does_not_show_the_change_is_refused(
    change: UpdatePhoneNumberRequest, body: bytes, message: str
) -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        phone_number_decoder(PID, change)(body, 200)
    assert caught.value.message == f"the reply does not show the change: {message}"
    assert caught.value.body == body


@pytest.mark.parametrize(
    ("change", "body"),
    [
        (UpdatePhoneNumberRequest(agent_id="agent_new"), reply(assigned_agent=agent("agent_new"))),
        (UpdatePhoneNumberRequest(agent_id=None), reply(assigned_agent=None)),
        (UpdatePhoneNumberRequest(label="New"), reply(label="New")),
        # A cleared label reads as the API words it.
        (UpdatePhoneNumberRequest(label=None), reply(label="+14155550100")),
        # A branch or environment the reply leaves out (older replies), or
        # cannot carry (no agent), is not compared.
        (UpdatePhoneNumberRequest(branch_id="b", environment="e"), reply()),
        (UpdatePhoneNumberRequest(branch_id="b"), reply(assigned_agent=agent("a", branch_id=None))),
        (UpdatePhoneNumberRequest(environment="e"), reply(assigned_agent=None)),
        (
            UpdatePhoneNumberRequest(agent_id="a", branch_id="b", environment="e", label="L"),
            reply(label="L", assigned_agent=agent("a", branch_id="b", environment="e")),
        ),
        # Trunk settings are shown in another shape: not compared.
        (UpdatePhoneNumberRequest(store_sip_messages=True), reply()),
        (UpdatePhoneNumberRequest(), reply()),
    ],
)
def test_a_reply_that_shows_what_it_can_of_the_change_decodes(
    change: UpdatePhoneNumberRequest, body: bytes
) -> None:
    assert phone_number_decoder(PID, change)(body, 200).phone_number_id == PID


def test_fields_sent_through_extra_body_are_not_compared() -> None:
    # extra_body={"agent_id": "agent_x"} went over the item's agent_id.
    change = UpdatePhoneNumberRequest(agent_id="agent_new", label="New")
    body = reply(assigned_agent=agent("agent_x"), label="New")
    decode = phone_number_decoder(PID, change, unchecked=frozenset({"agent_id"}))
    assert decode(body, 200).phone_number_id == PID
    with pytest.raises(APIResponseValidationError, match="label"):
        decode(reply(assigned_agent=agent("agent_x"), label="Old"), 200)


def test_a_body_that_is_not_a_number_still_says_so() -> None:
    with pytest.raises(APIResponseValidationError, match="not a valid phone number"):
        phone_number_decoder(PID)(b"[]", 200)
