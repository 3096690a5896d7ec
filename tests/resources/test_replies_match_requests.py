"""A reply about another phone number than the one asked for is an error, on a
loopback server that answers with another number's id; and the provider
lookup of ``calls.outbound`` carries the caller's options (checked with
aioresponses)."""

from __future__ import annotations

import re

import pytest
from aioresponses import aioresponses

from elevenphone import APIResponseValidationError, ElevenPhone, RetryPolicy
from tests.conftest import (
    API_KEY,
    BASE_URL,
    NUMBERS_URL,
    RecordingSleep,
    sent_requests,
    twilio_number,
)
from tests.loopback import ScriptedServer

ASKED, OTHER = "phnum_asked", "phnum_other"
CALL = {"agent_id": "agent_a", "agent_phone_number_id": ASKED, "to_number": "+14155550199"}
WRONG_NUMBER = f"the reply is about the phone number '{OTHER}', not '{ASKED}' that was asked for"


def client_for(server: ScriptedServer, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(API_KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


async def test_an_update_answered_with_another_number_is_an_error(server: ScriptedServer) -> None:
    server.answers_for[ASKED] = OTHER
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.phone_numbers.update(ASKED, agent_id="agent_new")
    assert caught.value.message == WRONG_NUMBER
    assert caught.value.status_code == 200
    assert [(s.method, s.raw_path) for s in server.seen] == [
        ("PATCH", f"/v1/convai/phone-numbers/{ASKED}")
    ]


async def test_a_get_answered_with_another_number_is_an_error(server: ScriptedServer) -> None:
    server.answers_for[ASKED] = OTHER
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError, match=re.escape(WRONG_NUMBER)):
            await client.phone_numbers.get(ASKED)
        raw = await client.phone_numbers.with_raw_response.update(ASKED, label="x")
        with pytest.raises(APIResponseValidationError, match=re.escape(WRONG_NUMBER)):
            raw.parse()
        # The id is compared as given, not as the path encodes it.
        assert (await client.phone_numbers.get("phnum a/b")).phone_number_id == "phnum a/b"


async def test_outbound_places_no_call_from_a_lookup_of_another_number(
    server: ScriptedServer,
) -> None:
    server.answers_for[ASKED] = OTHER
    async with client_for(server) as client:
        with pytest.raises(APIResponseValidationError, match=re.escape(WRONG_NUMBER)):
            await client.calls.outbound(**CALL)
    assert [s.method for s in server.seen] == ["GET"]


async def test_the_provider_lookup_carries_the_callers_options(mocked: aioresponses) -> None:
    mocked.get(
        re.compile(re.escape(f"{NUMBERS_URL}/{ASKED}") + r"(\?.*)?$"),
        payload=twilio_number(phone_number_id=ASKED),
    )
    placed = {"success": True, "message": "ok", "callSid": "CA1"}
    mocked.post(
        re.compile(re.escape(f"{BASE_URL}/v1/convai/twilio/outbound-call") + r"(\?.*)?$"),
        payload=placed,
    )
    other_key = "sk_other_account_key_24680"
    async with ElevenPhone(API_KEY, base_url=BASE_URL, timeout=60) as client:
        await client.calls.outbound(
            **CALL,
            extra_headers={"xi-api-key": other_key, "X-Trace": "t-1"},
            extra_query={"trace": "1"},
            extra_body={"note": "only for the call"},
            timeout=7.5,
        )
    (get_method, get_url, get), (post_method, post_url, post) = sent_requests(mocked)
    assert (get_method, get_url) == ("GET", f"{NUMBERS_URL}/{ASKED}?trace=1")
    assert get["headers"]["xi-api-key"] == other_key
    assert get["headers"]["X-Trace"] == "t-1"
    assert get["timeout"].total == 7.5
    assert get["data"] is None  # a GET sends no body: extra_body is the call's
    assert (post_method, post_url) == ("POST", f"{BASE_URL}/v1/convai/twilio/outbound-call?trace=1")
    assert post["headers"]["xi-api-key"] == other_key
    assert post["timeout"].total == 7.5
    assert b'"note":"only for the call"' in post["data"]
