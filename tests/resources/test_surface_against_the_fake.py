"""Every phone-number and call method against the shipped fake: import, delete,
pages, SIP messages, calls; and calls the fake places but whose reply is lost
are never placed again."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from elevenphone import (
    APIConnectionError,
    CreateExotelPhoneNumberRequest,
    CreateSIPTrunkPhoneNumberRequest,
    CreateTwilioPhoneNumberRequest,
    ElevenPhone,
    ExotelPhoneNumber,
    InternalServerError,
    MediaCodec,
    NotFoundError,
    OutboundSIPTrunkConfig,
    RetryPolicy,
    SIPTrunkOutboundCallResponse,
    SIPTrunkPhoneNumber,
    TwilioOutboundCallResponse,
    TwilioPhoneNumber,
    ValidationError,
)
from elevenphone.testing import FakeElevenLabs, Fault
from tests.conftest import RecordingSleep


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(numbers=0, seed=4) as fake:
        yield fake


def client_for(fake: FakeElevenLabs, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(fake.api_key, base_url=fake.base_url, **kwargs)  # type: ignore[arg-type]


def twilio(number: str = "+14155550100", **fields: object) -> CreateTwilioPhoneNumberRequest:
    return CreateTwilioPhoneNumberRequest(
        phone_number=number,
        label=f"Line {number[-4:]}",
        sid="AC0123456789abcdef",
        token="twilio-secret-token",
        **fields,  # type: ignore[arg-type]
    )


async def test_import_get_and_delete_each_provider(fake: FakeElevenLabs) -> None:
    sip = CreateSIPTrunkPhoneNumberRequest(
        phone_number="+442071838750",
        label="Trunk",
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example.com", enabled_codecs=[MediaCodec.PCMA_8000]
        ),
    )
    exotel = CreateExotelPhoneNumberRequest(
        phone_number="+919800000001",
        label="India",
        account_sid="acct",
        api_key="k",
        api_token="t",
        api_subdomain="api.in.exotel.com",  # type: ignore[arg-type]
        app_id="42",
    )
    async with client_for(fake) as client:
        ids = [
            (await client.phone_numbers.create(r)).phone_number_id for r in (twilio(), sip, exotel)
        ]
        got = [await client.phone_numbers.get(pid) for pid in ids]
        assert [type(n) for n in got] == [TwilioPhoneNumber, SIPTrunkPhoneNumber, ExotelPhoneNumber]
        assert isinstance(got[1], SIPTrunkPhoneNumber)
        assert got[1].outbound_trunk is not None
        assert got[1].outbound_trunk.enabled_codecs == ["PCMA/8000"]
        assert await client.phone_numbers.delete(ids[0]) is None
        with pytest.raises(NotFoundError):
            await client.phone_numbers.get(ids[0])
        with pytest.raises(NotFoundError):
            await client.phone_numbers.delete(ids[0])
    assert set(fake.numbers) == set(ids[1:])


async def test_an_import_the_server_refuses_is_a_validation_error(fake: FakeElevenLabs) -> None:
    async with client_for(fake) as client:
        # Unchecked, through extra_body: the server's own 422.
        with pytest.raises(ValidationError) as caught:
            await client.phone_numbers.create(twilio(), extra_body={"sid": 7})
    assert [item.loc for item in caught.value.errors] == [["body", "twilio", "sid"]]
    assert fake.numbers == {}


async def test_an_import_whose_reply_is_lost_is_not_sent_again(fake: FakeElevenLabs) -> None:
    fake.script(Fault.after_acting(Fault.server_error(503)))
    async with client_for(fake, max_retries=5) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.phone_numbers.create(twilio())
    assert caught.value.outcome_unknown is True
    assert len(fake.numbers) == 1  # imported once: the client did not send it again
    assert [r.method for r in fake.requests] == ["POST"]


async def test_pages_search_and_sort_as_the_fake_serves_them(fake: FakeElevenLabs) -> None:
    labels = ["Support Berlin", "Sales Austin", "support Dublin", "Billing", "Support Tokyo"]
    for index, label in enumerate(labels):
        fake.add_number(label=label, phone_number=f"+1555000{index:04d}")
    async with client_for(fake) as client:
        first = await client.phone_numbers.list_page(
            search="support", sort_by="label", sort_direction="asc", page_size=2
        )
        assert [n.label for n in first.phone_numbers] == ["Support Berlin", "Support Tokyo"]
        assert first.has_more
        rest = await client.phone_numbers.list_page(
            search="support", sort_by="label", page_size=2, cursor=first.next_cursor
        )
        assert [n.label for n in rest.phone_numbers] == ["support Dublin"]
        assert (rest.next_cursor, rest.has_more) == (None, False)
        every = [n.label async for n in client.phone_numbers.iter(sort_by="label", page_size=2)]
    assert every == sorted(labels)
    assert sum(r.path == "/v1/convai/v2/phone-numbers" for r in fake.requests) == 2 + 3


async def test_iter_fetches_a_large_account_one_page_at_a_time(fake: FakeElevenLabs) -> None:
    for index in range(250):
        fake.add_number(label=f"n{index:03d}")
    async with client_for(fake) as client:
        seen = 0
        async for _ in client.phone_numbers.iter(page_size=100):
            seen += 1
            pages = sum(r.path == "/v1/convai/v2/phone-numbers" for r in fake.requests)
            assert pages == (seen - 1) // 100 + 1  # a page is fetched when it is reached
    assert seen == 250


async def test_sip_messages_of_a_number(fake: FakeElevenLabs) -> None:
    pid = fake.add_number(provider="sip_trunk")
    seeded = fake.add_sip_messages(pid, count=5)
    async with client_for(fake) as client:
        page = await client.phone_numbers.sip_messages_page(pid, page_size=2)
        every = [m async for m in client.phone_numbers.iter_sip_messages(pid, page_size=2)]
        with pytest.raises(NotFoundError):
            await client.phone_numbers.sip_messages_page("phnum_missing")
    assert len(page.sip_messages) == 2
    assert page.has_more
    assert sorted(m.to_dict()["call_id"] for m in every) == sorted(m["call_id"] for m in seeded)
    assert every[0].to_dict() in seeded


# --- calls ---------------------------------------------------------------------------------


async def test_outbound_places_one_call_through_the_numbers_provider(fake: FakeElevenLabs) -> None:
    twilio_id = fake.add_number(provider="twilio")
    async with client_for(fake) as client:
        result = await client.calls.outbound(
            agent_id="agent_bot",
            agent_phone_number_id=twilio_id,
            to_number="+14155550199",
            conversation_initiation_client_data={"dynamic_variables": {"name": "Ada"}},
        )
    assert isinstance(result, TwilioOutboundCallResponse)
    assert result.success
    [call] = fake.calls
    assert (call.provider, call.agent_phone_number_id, call.to_number) == (
        "twilio",
        twilio_id,
        "+14155550199",
    )
    assert call.call_sid == result.call_sid
    assert call.conversation_initiation_client_data == {"dynamic_variables": {"name": "Ada"}}


async def test_a_sip_trunk_call(fake: FakeElevenLabs) -> None:
    async with client_for(fake) as client:
        created = await client.phone_numbers.create(
            CreateSIPTrunkPhoneNumberRequest(
                phone_number="+442071838751",
                label="Trunk",
                outbound_trunk_config=OutboundSIPTrunkConfig(address="sip.example.com"),
            )
        )
        result = await client.calls.outbound(
            agent_id="agent_bot",
            agent_phone_number_id=created.phone_number_id,
            to_number="+442071838752",
        )
    assert isinstance(result, SIPTrunkOutboundCallResponse)
    assert result.sip_call_id == fake.calls[0].sip_call_id


@pytest.mark.parametrize(
    "lost",
    [Fault.reset(), Fault.server_error(503), Fault.truncate()],
    ids=["reset", "503", "truncated"],
)
async def test_a_call_placed_whose_reply_is_lost_is_never_placed_again(
    fake: FakeElevenLabs, lost: Fault
) -> None:
    pid = fake.add_number(provider="twilio")
    fake.script(Fault.after_acting(lost))
    async with client_for(fake, max_retries=5) as client:
        with pytest.raises((APIConnectionError, InternalServerError)) as caught:
            await client.calls.twilio_outbound(
                agent_id="agent_bot", agent_phone_number_id=pid, to_number="+14155550199"
            )
    assert caught.value.outcome_unknown is True  # type: ignore[union-attr]
    assert len(fake.calls) == 1  # the phone rang once
    assert sum(r.method == "POST" for r in fake.requests) == 1


async def test_a_call_refused_before_acting_is_placed_once_let_through(
    fake: FakeElevenLabs,
) -> None:
    pid = fake.add_number(provider="twilio")
    fake.script(Fault.rate_limited())
    async with client_for(fake) as client:
        await client.calls.twilio_outbound(
            agent_id="agent_bot", agent_phone_number_id=pid, to_number="+14155550199"
        )
    assert len(fake.calls) == 1
    assert sum(r.method == "POST" for r in fake.requests) == 2


async def test_register_call_returns_the_fakes_twiml(fake: FakeElevenLabs) -> None:
    async with client_for(fake) as client:
        twiml = await client.calls.twilio_register(
            agent_id="agent_bot", from_number="+14155550100", to_number="+14155550199"
        )
    assert twiml.startswith("<?xml")
    assert "<Response>" in twiml
    assert len(fake.registered_calls) == 1
