"""The client against aioresponses: what goes on the wire and what comes back."""

from __future__ import annotations

import logging
import re

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from elevenphone import (
    REGIONS,
    APIStatusError,
    ElevenPhone,
    GenericPhoneNumber,
    InvalidRequestError,
    NotFoundError,
    OutboundSIPTrunkConfig,
    SIPTrunkPhoneNumber,
    TwilioPhoneNumber,
    UpdatePhoneNumberRequest,
    ValidationError,
)
from tests.conftest import (
    API_KEY,
    BASE_URL,
    NUMBERS_URL,
    sent_json,
    sent_requests,
    sip_trunk_number,
    twilio_number,
)
from tests.refusals import assert_names_field

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"
NUMBER_URL = f"{NUMBERS_URL}/{PID}"


async def test_update_sends_exactly_the_given_fields(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    mocked.patch(NUMBER_URL, payload=twilio_number())
    number = await client.phone_numbers.update(PID, agent_id="agent_a")
    assert isinstance(number, TwilioPhoneNumber)
    [(method, url, kwargs)] = sent_requests(mocked)
    assert method == "PATCH"
    assert url == NUMBER_URL
    assert kwargs["data"] == b'{"agent_id":"agent_a"}'
    assert kwargs["headers"]["xi-api-key"] == API_KEY
    assert kwargs["headers"]["Content-Type"] == "application/json"
    assert kwargs["allow_redirects"] is False
    assert kwargs["raise_for_status"] is False


async def test_update_with_none_sends_null(client: ElevenPhone, mocked: aioresponses) -> None:
    mocked.patch(NUMBER_URL, payload=twilio_number(assigned_agent=None))
    number = await client.phone_numbers.update(PID, agent_id=None)
    assert number.assigned_agent is None
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["data"] == b'{"agent_id":null}'


async def test_update_with_nothing_sends_an_empty_object(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    mocked.patch(NUMBER_URL, payload=twilio_number())
    await client.phone_numbers.update(PID)
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["data"] == b"{}"


async def test_update_takes_a_request_struct(client: ElevenPhone, mocked: aioresponses) -> None:
    mocked.patch(NUMBER_URL, payload=sip_trunk_number(phone_number_id=PID))
    request = UpdatePhoneNumberRequest(
        label="Sales",
        outbound_trunk_config=OutboundSIPTrunkConfig(address="sip.example.com", transport="tcp"),  # type: ignore[arg-type]
    )
    number = await client.phone_numbers.update(PID, request)
    assert isinstance(number, SIPTrunkPhoneNumber)
    [(_, _, kwargs)] = sent_requests(mocked)
    assert sent_json(kwargs) == {
        "label": "Sales",
        "outbound_trunk_config": {"address": "sip.example.com", "transport": "tcp"},
    }


async def test_update_takes_dicts_for_nested_configs(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    mocked.patch(NUMBER_URL, payload=sip_trunk_number(phone_number_id=PID))
    await client.phone_numbers.update(
        PID,
        inbound_trunk_config={"allowed_numbers": ["+15550100"], "credentials": None},
        store_sip_messages=True,
        environment="production",
        branch_id="agtbrch_1",
        livekit_stack="static",
    )
    [(_, _, kwargs)] = sent_requests(mocked)
    assert sent_json(kwargs) == {
        "inbound_trunk_config": {"allowed_numbers": ["+15550100"], "credentials": None},
        "livekit_stack": "static",
        "store_sip_messages": True,
        "environment": "production",
        "branch_id": "agtbrch_1",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"livekit_stack": "bogus"}, "livekit_stack"),
        ({"agent_id": 7}, "agent_id"),
        ({"outbound_trunk_config": {"transport": "udp"}}, "address"),
        ({"inbound_trunk_config": {"media_encryption": "sometimes"}}, "media_encryption"),
    ],
)
async def test_bad_values_are_refused_before_sending(
    client: ElevenPhone, mocked: aioresponses, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await client.phone_numbers.update(PID, **kwargs)  # type: ignore[arg-type]
    assert_names_field(caught.value, field)
    assert sent_requests(mocked) == []


@pytest.mark.parametrize(("bad_id", "error"), [("", ValueError), (None, TypeError), (5, TypeError)])
async def test_bad_ids_are_refused_before_sending(
    client: ElevenPhone, mocked: aioresponses, bad_id: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await client.phone_numbers.update(bad_id, agent_id="a")  # type: ignore[arg-type]
    with pytest.raises(error):
        await client.phone_numbers.get(bad_id)  # type: ignore[arg-type]
    assert sent_requests(mocked) == []


async def test_request_and_fields_together_are_refused(
    client: ElevenPhone, mocked: aioresponses
) -> None:
    with pytest.raises(TypeError, match="not both"):
        await client.phone_numbers.update(PID, UpdatePhoneNumberRequest(), label="x")
    with pytest.raises(TypeError, match="UpdatePhoneNumberRequest"):
        await client.phone_numbers.update(PID, {"label": "x"})  # type: ignore[arg-type]
    assert sent_requests(mocked) == []


async def test_get(client: ElevenPhone, mocked: aioresponses) -> None:
    mocked.get(NUMBER_URL, payload=sip_trunk_number(phone_number_id=PID))
    number = await client.phone_numbers.get(PID)
    assert isinstance(number, SIPTrunkPhoneNumber)
    [(method, url, kwargs)] = sent_requests(mocked)
    assert (method, url) == ("GET", NUMBER_URL)
    assert kwargs["data"] is None
    assert "Content-Type" not in kwargs["headers"]


async def test_list_sends_only_given_filters(client: ElevenPhone, mocked: aioresponses) -> None:
    mocked.get(
        re.compile(re.escape(NUMBERS_URL) + r"(\?.*)?$"),
        payload=[twilio_number(), sip_trunk_number(), twilio_number(provider="future")],
        repeat=True,
    )
    numbers = await client.phone_numbers.list()
    assert [type(n) for n in numbers] == [
        TwilioPhoneNumber,
        SIPTrunkPhoneNumber,
        GenericPhoneNumber,
    ]
    await client.phone_numbers.list(provider="sip_trunk", agent_id="agent_a")
    urls = [URL(url) for _, url, _ in sent_requests(mocked)]
    assert [dict(u.query) for u in urls] == [{}, {"provider": "sip_trunk", "agent_id": "agent_a"}]
    with pytest.raises(TypeError, match="agent_id"):
        await client.phone_numbers.list(agent_id=3)  # type: ignore[arg-type]


async def test_404_is_not_retried(client: ElevenPhone, mocked: aioresponses) -> None:
    mocked.patch(
        NUMBER_URL,
        status=404,
        payload={"detail": {"status": "phone_number_not_found", "message": "Not found"}},
        repeat=True,
    )
    with pytest.raises(NotFoundError) as caught:
        await client.phone_numbers.update(PID, agent_id="a")
    assert caught.value.code == "phone_number_not_found"
    assert len(sent_requests(mocked)) == 1


async def test_422_surfaces_loc_and_msg(client: ElevenPhone, mocked: aioresponses) -> None:
    mocked.patch(
        NUMBER_URL,
        status=422,
        payload={
            "detail": [
                {"loc": ["body", "agent_id"], "msg": "Agent not found", "type": "value_error"}
            ]
        },
        repeat=True,
    )
    with pytest.raises(ValidationError) as caught:
        await client.phone_numbers.update(PID, agent_id="agent_missing")
    assert caught.value.errors[0].loc == ["body", "agent_id"]
    assert "body.agent_id: Agent not found" in str(caught.value)
    assert len(sent_requests(mocked)) == 1


# --- configuration -------------------------------------------------------


async def test_api_key_falls_back_to_the_environment(
    monkeypatch: pytest.MonkeyPatch, mocked: aioresponses
) -> None:
    monkeypatch.setenv("ELEVENLABS_API_KEY", "from-env")
    mocked.get(NUMBER_URL, payload=twilio_number())
    async with ElevenPhone(base_url=BASE_URL) as client:
        await client.phone_numbers.get(PID)
    [(_, _, kwargs)] = sent_requests(mocked)
    assert kwargs["headers"]["xi-api-key"] == "from-env"


@pytest.mark.parametrize("region", list(REGIONS))
def test_region_sets_the_base_url(region: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ELEVENLABS_BASE_URL", raising=False)
    client = ElevenPhone("k", region=region)
    assert client.base_url == REGIONS[region]


def test_regions_are_the_documented_servers() -> None:
    assert REGIONS == {
        "default": "https://api.elevenlabs.io",
        "us": "https://api.us.elevenlabs.io",
        "eu": "https://api.eu.residency.elevenlabs.io",
        "in": "https://api.in.residency.elevenlabs.io",
        "sg": "https://api.sg.residency.elevenlabs.io",
    }


def test_base_url_overrides_region_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELEVENLABS_BASE_URL", "http://127.0.0.1:9999/")
    assert ElevenPhone("k").base_url == "http://127.0.0.1:9999"
    assert (
        ElevenPhone("k", base_url="https://proxy.example/el").base_url == "https://proxy.example/el"
    )
    assert ElevenPhone("k", region="eu").base_url == REGIONS["eu"]


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="region"):
        ElevenPhone("k", region="mars")
    with pytest.raises(ValueError, match="base_url"):
        ElevenPhone("k", base_url="ftp://x")
    with pytest.raises(ValueError, match="timeout"):
        ElevenPhone("k", timeout=0)
    with pytest.raises(ValueError, match="max_retries"):
        ElevenPhone("k", max_retries=-1)
    with pytest.raises(TypeError, match="api_key"):
        ElevenPhone(123)  # type: ignore[arg-type]


async def test_with_options_shares_the_session_and_overrides_settings(
    mocked: aioresponses,
) -> None:
    mocked.get(NUMBER_URL, status=503, repeat=True)
    async with ElevenPhone("k", base_url=BASE_URL, max_retries=3, timeout=30) as client:
        quick = client.with_options(timeout=1.5, max_retries=0)
        assert (quick.timeout, quick.max_retries) == (1.5, 0)
        assert (client.timeout, client.max_retries) == (30.0, 3)
        assert quick._transport is client._transport
        with pytest.raises(APIStatusError) as caught:
            await quick.phone_numbers.get(PID)
        assert caught.value.status_code == 503
        assert len(sent_requests(mocked)) == 1
        session = client._transport._session
        assert session is not None
        await quick.close()
        assert not session.closed
    assert session.closed


async def test_a_callers_session_is_never_closed(mocked: aioresponses) -> None:
    mocked.get(NUMBER_URL, payload=twilio_number())
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        async with ElevenPhone("k", base_url=BASE_URL, session=session) as client:
            await client.phone_numbers.get(PID)
        assert not session.closed
        await client.close()
        assert not session.closed


async def test_the_client_owns_and_closes_its_session() -> None:
    client = ElevenPhone("k", base_url=BASE_URL)
    session = client._transport._get_session()
    await client.close()
    assert session.closed
    await client.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        await client.phone_numbers.get(PID)


# --- the key is a secret -------------------------------------------------


async def test_the_key_never_appears_in_repr_logs_or_errors(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture, sleeps: object
) -> None:
    caplog.set_level(logging.DEBUG)
    mocked.patch(NUMBER_URL, status=503, body="down", repeat=True)
    mocked.get(
        NUMBER_URL,
        status=401,
        payload={"detail": {"status": "invalid_api_key", "message": "Invalid API key"}},
    )
    from elevenphone import RetryPolicy

    async with ElevenPhone(
        API_KEY,
        base_url=BASE_URL,
        retry_policy=RetryPolicy(sleep=sleeps),  # type: ignore[arg-type]
    ) as client:
        assert API_KEY not in repr(client)
        assert API_KEY not in str(client)
        errors: list[BaseException] = []
        for call in (
            client.phone_numbers.update(PID, agent_id="a"),
            client.phone_numbers.get(PID),
        ):
            try:
                await call
            except Exception as error:
                errors.append(error)
        assert len(errors) == 2
        for error in errors:
            assert API_KEY not in str(error)
            assert API_KEY not in repr(error)
            assert API_KEY not in repr(vars(error))
    assert any(r.name == "elevenphone" for r in caplog.records)
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in repr(record.args)
    assert API_KEY not in caplog.text


async def test_failed_attempts_are_logged_at_debug(
    mocked: aioresponses, caplog: pytest.LogCaptureFixture, sleeps: object
) -> None:
    caplog.set_level(logging.DEBUG, logger="elevenphone")
    mocked.get(NUMBER_URL, exception=aiohttp.ServerDisconnectedError())
    mocked.get(NUMBER_URL, payload=twilio_number())
    from elevenphone import RetryPolicy

    async with ElevenPhone(
        API_KEY,
        base_url=BASE_URL,
        retry_policy=RetryPolicy(sleep=sleeps),  # type: ignore[arg-type]
    ) as client:
        await client.phone_numbers.get(PID)
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(debug) == 2
    assert "failed" in debug[0]
    assert "ServerDisconnectedError" in debug[0]
    assert f"GET /v1/convai/phone-numbers/{PID} -> 200" in debug[1]


def test_a_client_used_in_a_second_event_loop_says_so() -> None:
    import asyncio

    client = ElevenPhone("k", base_url=BASE_URL)

    async def touch() -> None:
        client._transport._get_session()

    # Two loops of the test's own, neither made current: asyncio.run() would
    # unset the loop pytest-asyncio keeps current and leave it unclosed.
    first_loop, second_loop = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        first_loop.run_until_complete(touch())
        with pytest.raises(RuntimeError, match="another event loop"):
            second_loop.run_until_complete(touch())
        first_loop.run_until_complete(client.close())
    finally:
        first_loop.close()
        second_loop.close()
