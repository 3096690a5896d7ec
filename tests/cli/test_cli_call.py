"""``elevenphone call`` as a subprocess against the fake: routed by provider,
what the call starts with, and a call whose reply is lost, never placed twice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_helpers import API_KEY, run_cli

from elevenphone.testing import FakeElevenLabs, Fault

AGENT = "agent_caller"
TO = "+14155550142"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=12, seed=8) as fake:
        yield fake


def _number(fake: FakeElevenLabs, provider: str) -> str:
    return next(
        pid
        for pid, n in fake.numbers.items()
        if n["provider"] == provider and (provider != "sip_trunk" or n.get("outbound_trunk"))
    )


def _call(fake: FakeElevenLabs, provider: str, *more: str) -> tuple[str, ...]:
    return ("call", _number(fake, provider), "--agent-id", AGENT, "--to", TO, *more)


@pytest.mark.parametrize(
    "given",
    [("{pid}",), ("--from", "{pid}"), ("{pid}", "--from", "{pid}")],
    ids=["argument", "from-option", "both-the-same"],
)
async def test_the_number_to_call_from_is_the_argument_as_for_get(
    fake: FakeElevenLabs, given: tuple[str, ...]
) -> None:
    pid = _number(fake, "twilio")
    numbers = [part.format(pid=pid) for part in given]
    result = await run_cli(
        "call", *numbers, "--agent-id", AGENT, "--to", TO, "--provider", "twilio", fake=fake
    )
    assert result.returncode == 0, result.stderr
    assert [call.body["agent_phone_number_id"] for call in fake.calls] == [pid]


@pytest.mark.parametrize(
    "given",
    [(), ("phnum_one", "--from", "phnum_two")],
    ids=["neither", "two-numbers"],
)
async def test_no_number_or_two_numbers_to_call_from_is_a_usage_error(
    fake: FakeElevenLabs, given: tuple[str, ...]
) -> None:
    result = await run_cli("call", *given, "--agent-id", AGENT, "--to", TO, fake=fake)
    assert result.returncode == 2, result.stderr
    assert "PHONE_NUMBER_ID" in result.stderr
    assert all(number in result.stderr for number in given if number != "--from")
    assert fake.requests == []


async def test_a_blank_number_to_call_from_is_a_usage_error(fake: FakeElevenLabs) -> None:
    result = await run_cli("call", " ", "--agent-id", AGENT, "--to", TO, fake=fake)
    assert result.returncode == 2, result.stderr
    assert "must not be empty or blank" in result.stderr
    assert fake.requests == []


async def test_a_call_looks_up_the_provider_and_goes_through_it(fake: FakeElevenLabs) -> None:
    result = await run_cli(*_call(fake, "twilio"), fake=fake)
    assert result.returncode == 0, result.stderr
    assert [(r.method, r.path.split("/")[3]) for r in fake.requests] == [
        ("GET", "phone-numbers"),
        ("POST", "twilio"),
    ]
    placed = fake.calls[-1]
    assert (placed.provider, placed.agent_id, placed.to_number) == ("twilio", AGENT, TO)
    assert placed.body == {
        "agent_id": AGENT,
        "agent_phone_number_id": _number(fake, "twilio"),
        "to_number": TO,
    }
    assert placed.conversation_id in result.stdout
    assert placed.call_sid is not None
    assert placed.call_sid in result.stdout


@pytest.mark.parametrize("provider", ["twilio", "sip_trunk", "exotel"])
async def test_a_given_provider_skips_the_lookup(fake: FakeElevenLabs, provider: str) -> None:
    result = await run_cli(*_call(fake, provider, "--provider", provider, "--json"), fake=fake)
    assert result.returncode == 0, result.stderr
    assert [r.method for r in fake.requests] == ["POST"]
    shown = result.json()
    placed = fake.calls[-1]
    assert shown["provider"] == placed.provider == provider
    assert shown["success"] is True
    assert shown["conversation_id"] == placed.conversation_id
    if provider == "sip_trunk":
        assert shown["sip_call_id"] == placed.sip_call_id
    else:
        assert shown["call_sid"] == placed.call_sid


async def test_what_the_call_starts_with(fake: FakeElevenLabs, tmp_path: Path) -> None:
    client_data = tmp_path / "client.json"
    client_data.write_text(
        json.dumps(
            {"user_id": "u-77", "dynamic_variables": {"name": "from the file", "tier": "gold"}}
        )
    )
    result = await run_cli(
        *_call(fake, "twilio"),
        "--client-data", str(client_data),
        "--dynamic-variable", "name=Ada",
        "--dynamic-variable", "visits=3",
        "--dynamic-variable", "vip=true",
        "--dynamic-variable", 'quoted="12"',
        "--dynamic-variable", "zip=02134",
        "--dynamic-variable", "ratio=NaN",
        "--dynamic-variable", "note=a=b",
        "--ringing-timeout", "25",
        "--record",
        fake=fake,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    placed = fake.calls[-1]
    assert placed.conversation_initiation_client_data == {
        "user_id": "u-77",
        "dynamic_variables": {
            "name": "Ada",
            "tier": "gold",
            "visits": 3,
            "vip": True,
            "quoted": "12",
            "zip": "02134",
            "ratio": "NaN",
            "note": "a=b",
        },
    }
    assert placed.telephony_call_config == {"ringing_timeout_secs": 25}
    assert placed.call_recording_enabled is True


async def test_record_is_for_twilio_numbers_only(fake: FakeElevenLabs) -> None:
    result = await run_cli(*_call(fake, "sip_trunk", "--record"), fake=fake)
    assert result.returncode == 2
    assert "--record" in result.stderr
    assert fake.calls == []


@pytest.mark.parametrize(
    "more",
    [
        ("--dynamic-variable", "no-equals-sign"),
        ("--dynamic-variable", "=value"),
        ("--dynamic-variable", "a=1", "--dynamic-variable", "a=2"),
        ("--ringing-timeout", "0"),
        ("--provider", "pigeon"),
    ],
)
async def test_bad_values_exit_2_and_send_nothing(
    fake: FakeElevenLabs, more: tuple[str, ...]
) -> None:
    result = await run_cli(*_call(fake, "twilio"), *more, fake=fake)
    assert result.returncode == 2, result.stderr
    assert fake.requests == []


async def test_client_data_must_be_an_object(fake: FakeElevenLabs, tmp_path: Path) -> None:
    client_data = tmp_path / "client.json"
    client_data.write_text("[1, 2]")
    result = await run_cli(*_call(fake, "twilio", "--client-data", str(client_data)), fake=fake)
    assert result.returncode == 2
    assert "--client-data" in result.stderr
    assert fake.requests == []


async def test_a_call_whose_reply_is_lost_exits_7_and_is_not_retried(
    fake: FakeElevenLabs,
) -> None:
    fake.script(Fault.after_acting(Fault.reset()))
    result = await run_cli(*_call(fake, "twilio", "--provider", "twilio"), fake=fake)
    assert result.returncode == 7, result.stderr
    assert f"the call to {TO} may have been placed" in result.stderr
    assert "do not run this command again blindly" in result.stderr.lower()
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(fake.calls) == 1  # placed, once
    assert [r.method for r in fake.requests] == ["POST"]


async def test_a_5xx_on_a_call_is_an_unknown_outcome_too(fake: FakeElevenLabs) -> None:
    fake.script(Fault.server_error(503))
    result = await run_cli(*_call(fake, "exotel", "--provider", "exotel"), fake=fake)
    assert result.returncode == 7
    assert "503" in result.stderr
    assert [r.method for r in fake.requests] == ["POST"]


async def test_a_429_is_retried_since_nothing_was_placed(fake: FakeElevenLabs) -> None:
    fake.script(Fault.rate_limited())
    result = await run_cli(*_call(fake, "twilio", "--provider", "twilio"), fake=fake)
    assert result.returncode == 0, result.stderr
    assert len(fake.calls) == 1


async def test_a_reply_that_says_no_call_was_placed_exits_1(fake: FakeElevenLabs) -> None:
    fake.script(Fault.status(200, {"success": False, "message": "Twilio refused the number"}))
    result = await run_cli(*_call(fake, "twilio", "--provider", "twilio"), fake=fake)
    assert result.returncode == 1
    assert "the API did not place the call: Twilio refused the number" in result.stderr
    assert "false" in result.stdout


async def test_an_unknown_number_exits_5(fake: FakeElevenLabs) -> None:
    result = await run_cli("call", "phnum_gone", "--agent-id", AGENT, "--to", TO, fake=fake)
    assert result.returncode == 5
    assert fake.calls == []
