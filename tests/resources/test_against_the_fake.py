"""The SDK against elevenphone.testing's fake API: the round trip a user relies on.

The fake validates and answers like the real service, so these tests check
that what the SDK sends is accepted, and that what the service answers
becomes the right models and errors.
"""

from __future__ import annotations

import asyncio

import pytest

from elevenphone import (
    AuthenticationError,
    ElevenPhone,
    GenericPhoneNumber,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    SIPTrunkPhoneNumber,
    SIPTrunkTransport,
    UpdatePhoneNumberRequest,
    ValidationError,
)
from elevenphone._request import APIRequest
from elevenphone._wire import decode_phone_number
from elevenphone.testing import FakeElevenLabs, Fault
from tests.conftest import RecordingSleep
from tests.holds import hold_until_arrived, hold_until_settled


def client_for(fake: FakeElevenLabs, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(fake.api_key, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


async def test_assign_and_unassign(fake_elevenlabs: FakeElevenLabs) -> None:
    pid = fake_elevenlabs.add_number(provider="twilio", agent_id="agent_old", label="Front desk")
    async with client_for(fake_elevenlabs) as client:
        moved = await client.phone_numbers.update(pid, agent_id="agent_new")
        assert moved.assigned_agent is not None
        assert moved.assigned_agent.agent_id == "agent_new"
        assert moved.label == "Front desk"  # omitted, so unchanged
        cleared = await client.phone_numbers.update(pid, agent_id=None)
        assert cleared.assigned_agent is None
        assert (await client.phone_numbers.get(pid)).assigned_agent is None
    assert [r.json for r in fake_elevenlabs.requests if r.method == "PATCH"] == [
        {"agent_id": "agent_new"},
        {"agent_id": None},
    ]


async def test_sip_trunk_settings_round_trip(fake_elevenlabs: FakeElevenLabs) -> None:
    pid = fake_elevenlabs.add_number(provider="sip_trunk", label="Trunk")
    async with client_for(fake_elevenlabs) as client:
        number = await client.phone_numbers.update(
            pid,
            outbound_trunk_config={
                "address": "sip.example.com",
                "transport": "tls",
                "credentials": {"username": "bot", "password": "hunter2"},
            },
            livekit_stack="static",
            store_sip_messages=False,
        )
    assert isinstance(number, SIPTrunkPhoneNumber)
    assert number.livekit_stack == "static"
    assert number.store_sip_messages is False
    assert number.outbound_trunk is not None
    assert number.outbound_trunk.transport is SIPTrunkTransport.TLS
    assert number.outbound_trunk.has_auth_credentials is True
    assert number.outbound_trunk.username == "bot"


async def test_list_filters(fake_elevenlabs: FakeElevenLabs) -> None:
    mine = {
        fake_elevenlabs.add_number(provider="sip_trunk", agent_id="agent_f", branch_id="agtbrch_1"),
        fake_elevenlabs.add_number(provider="twilio", agent_id="agent_f"),
    }
    async with client_for(fake_elevenlabs) as client:
        everything = await client.phone_numbers.list()
        on_agent = await client.phone_numbers.list(agent_id="agent_f")
        sip_on_agent = await client.phone_numbers.list(agent_id="agent_f", provider="sip_trunk")
        on_branch = await client.phone_numbers.list(branch_id="agtbrch_1")
    assert len(everything) == len(fake_elevenlabs.numbers)
    assert {n.phone_number_id for n in on_agent} == mine
    assert [n.provider for n in sip_on_agent] == ["sip_trunk"]
    assert "agtbrch_1" in {
        n.assigned_agent.branch_id for n in on_branch if n.assigned_agent is not None
    }


async def test_the_services_422_lists_each_loc_and_msg(fake_elevenlabs: FakeElevenLabs) -> None:
    pid = next(iter(fake_elevenlabs.numbers))
    async with client_for(fake_elevenlabs) as client:
        with pytest.raises(ValidationError) as caught:
            # Built with construct-time types ignored: reach the server's validation.
            await client._sender.send(
                APIRequest(
                    "PATCH",
                    f"/v1/convai/phone-numbers/{pid}",
                    decode_phone_number,
                    body=b'{"agent_id": 5}',
                )
            )
    assert caught.value.errors[0].loc == ["body", "agent_id"]
    assert caught.value.errors[0].type == "string_type"
    assert "body.agent_id" in str(caught.value)


async def test_wrong_key_and_unknown_id(fake_elevenlabs: FakeElevenLabs) -> None:
    async with ElevenPhone("wrong-key", base_url=fake_elevenlabs.base_url) as client:
        with pytest.raises(AuthenticationError) as auth:
            await client.phone_numbers.list()
    assert auth.value.code == "invalid_api_key"
    assert "wrong-key" not in str(auth.value)
    async with client_for(fake_elevenlabs) as client:
        with pytest.raises(NotFoundError) as missing:
            await client.phone_numbers.update("../../user", agent_id="a")
    assert missing.value.code == "phone_number_not_found"
    assert fake_elevenlabs.requests[-1].raw_path.endswith("/%2E%2E%2F%2E%2E%2Fuser")


async def test_scripted_transient_faults_are_retried(fake_elevenlabs: FakeElevenLabs) -> None:
    pid = next(iter(fake_elevenlabs.numbers))
    fake_elevenlabs.script(Fault.html_error(502), Fault.reset())
    async with client_for(fake_elevenlabs) as client:
        number = await client.phone_numbers.update(pid, UpdatePhoneNumberRequest(label="Retried"))
    assert number.label == "Retried"
    assert fake_elevenlabs.stats.faults["status"] == 1
    assert fake_elevenlabs.stats.faults["reset"] == 1
    assert fake_elevenlabs.numbers[pid]["label"] == "Retried"


async def test_faults_beyond_the_retries_surface_typed(fake_elevenlabs: FakeElevenLabs) -> None:
    pid = next(iter(fake_elevenlabs.numbers))
    before = dict(fake_elevenlabs.numbers[pid])
    fake_elevenlabs.script(*[Fault.server_error(503)] * 3)
    async with client_for(fake_elevenlabs) as client:
        with pytest.raises(InternalServerError):
            await client.phone_numbers.update(pid, label="Never applied")
    assert fake_elevenlabs.numbers[pid] == before


async def test_the_concurrency_limit_is_ridden_out_by_retries() -> None:
    quick_backoff = RetryPolicy(initial_delay=0.01, max_delay=0.08, jitter=1.0)
    async with (
        FakeElevenLabs(numbers=40, seed=3, concurrency_limit=4) as fake,
        client_for(fake, max_retries=30, retry_policy=quick_backoff) as client,
    ):
        hold_until_settled(fake)  # all forty reach the fake while four are held
        numbers = await asyncio.gather(
            *(client.phone_numbers.update(pid, label=f"L{pid[-4:]}") for pid in fake.numbers)
        )
    assert all(n.label == f"L{n.phone_number_id[-4:]}" for n in numbers)
    assert fake.stats.concurrency_rejections > 0


async def test_a_concurrency_429_carries_its_headers() -> None:
    async with (
        FakeElevenLabs(numbers=5, concurrency_limit=1) as fake,
        client_for(fake, max_retries=0) as client,
    ):
        hold_until_arrived(fake, 5)
        results = await asyncio.gather(
            *(client.phone_numbers.get(pid) for pid in fake.numbers), return_exceptions=True
        )
    rejections = [r for r in results if isinstance(r, RateLimitError)]
    assert rejections
    assert all(r.is_concurrency_limit for r in rejections)
    assert all(r.maximum_concurrent_requests == 1 for r in rejections)


async def test_an_unlisted_provider_reaches_the_user_as_generic(
    fake_elevenlabs: FakeElevenLabs,
) -> None:
    pid = next(iter(fake_elevenlabs.numbers))
    fake_elevenlabs.numbers[pid] = {**fake_elevenlabs.numbers[pid], "provider": "vonage"}
    async with client_for(fake_elevenlabs) as client:
        number = await client.phone_numbers.get(pid)
        listed = await client.phone_numbers.list()
    assert type(number) is GenericPhoneNumber
    assert number.provider == "vonage"
    assert pid in {n.phone_number_id for n in listed}
