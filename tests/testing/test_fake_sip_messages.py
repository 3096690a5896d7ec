"""SIP messages: seeded realistic logs, exact messages, and their pages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from elevenphone.testing import FakeElevenLabs
from tests.testing.helpers import NUMBERS, Api, first_of

FIELDS = {
    "call_id": str,
    "phone_numbers": list,
    "local_address": str,
    "remote_address": str,
    "transport": str,
    "raw_message": str,
    "error_message": str,
    "direction": str,
    "created_at_unix_micro": int,
}


def sip_path(pid: str) -> str:
    return f"{NUMBERS}/{pid}/sip-messages"


def test_generated_messages_look_like_sip(fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    messages = fake.add_sip_messages(pid, 14, direction="inbound")
    assert fake.sip_messages[pid] == messages
    assert len(messages) == 14
    for message in messages:
        assert {k: type(v) for k, v in message.items()} == FIELDS
        assert message["direction"] in ("in", "out")
        assert message["phone_numbers"][1] == fake.numbers[pid]["phone_number"]
        raw = message["raw_message"]
        assert "\r\n\r\n" in raw
        assert f"Call-ID: {message['call_id']}\r\n" in raw
        length = int(re.search(r"Content-Length: (\d+)", raw).group(1))  # type: ignore[union-attr]
        assert len(raw.split("\r\n\r\n", 1)[1].encode()) == length
    first = messages[0]
    assert first["raw_message"].startswith("INVITE sip:")
    assert first["direction"] == "in"  # an inbound call: ElevenLabs receives the INVITE
    assert "m=audio" in first["raw_message"]
    assert messages[1]["raw_message"].startswith("SIP/2.0 100 Trying\r\n")
    assert messages[1]["direction"] == "out"
    times = [m["created_at_unix_micro"] for m in messages]
    assert times == sorted(times)
    assert times[0] == 1_767_225_600_000_000
    assert len({m["call_id"] for m in messages}) >= 2  # seven messages per answered call
    assert any(m["raw_message"].startswith("SIP/2.0 200 OK") for m in messages)


def test_outbound_calls_and_the_trunk_shape_the_messages(fake: FakeElevenLabs) -> None:
    pid = fake.add_number(provider="sip_trunk", phone_number="+15550001111")
    fake.numbers[pid]["outbound_trunk"] = {
        "address": "198.51.100.20",
        "transport": "tcp",
        "enabled_codecs": ["PCMA/8000"],
    }
    invite, *_ = fake.add_sip_messages(
        pid, 3, direction="outbound", remote_number="+15559990000", call_id="abc@host"
    )
    assert invite["direction"] == "out"
    assert invite["phone_numbers"] == ["+15550001111", "+15559990000"]
    assert invite["call_id"] == "abc@host"
    assert invite["transport"] == "TCP"
    assert invite["remote_address"] == "198.51.100.20:5060"
    assert "a=rtpmap:8 PCMA/8000" in invite["raw_message"]
    assert "PCMU" not in invite["raw_message"]


def test_refused_calls_carry_an_error_message() -> None:
    fake = FakeElevenLabs(numbers=1, seed=3)
    messages = fake.add_sip_messages(next(iter(fake.numbers)), 300)
    errors = [m for m in messages if m["error_message"]]
    assert errors
    assert {m["error_message"] for m in errors} == {"486 Busy Here"}
    assert all(m["raw_message"].startswith("SIP/2.0 486 Busy Here") for m in errors)


def test_messages_are_seeded(fake: FakeElevenLabs) -> None:
    def generate(seed: int) -> list[dict[str, Any]]:
        other = FakeElevenLabs(numbers=3, seed=seed)
        return other.add_sip_messages(next(iter(other.numbers)), 20)

    assert generate(1) == generate(1)
    assert generate(1) != generate(2)


def test_later_messages_follow_the_earlier_ones(fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "twilio")
    first = fake.add_sip_messages(pid, 3)
    second = fake.add_sip_messages(pid, 3)
    assert second[0]["created_at_unix_micro"] > first[-1]["created_at_unix_micro"]
    dated = fake.add_sip_messages(pid, 1, start_unix_micro=5)
    assert dated[0]["created_at_unix_micro"] == 5


def test_bad_arguments(fake: FakeElevenLabs) -> None:
    with pytest.raises(KeyError):
        fake.add_sip_messages("phnum_missing")
    with pytest.raises(KeyError):
        fake.add_sip_message("phnum_missing", {})
    pid = first_of(fake, "twilio")
    with pytest.raises(ValueError, match="count"):
        fake.add_sip_messages(pid, -1)
    with pytest.raises(ValueError, match="direction"):
        fake.add_sip_messages(pid, direction="in")
    assert fake.add_sip_messages(pid, 0) == []


async def test_pages_newest_first(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    messages = fake.add_sip_messages(pid, 45)
    newest_first = sorted(messages, key=lambda m: m["created_at_unix_micro"], reverse=True)
    status, body = await api.call("GET", sip_path(pid))
    assert status == 200
    assert body.keys() == {"sip_messages", "next_cursor", "has_more"}
    assert body["sip_messages"] == newest_first[:30]
    assert body["has_more"] is True
    _, body = await api.call(
        "GET", sip_path(pid), params={"cursor": body["next_cursor"], "page_size": "100"}
    )
    assert body["sip_messages"] == newest_first[30:]
    assert (body["next_cursor"], body["has_more"]) == (None, False)


async def test_exact_messages_and_ties(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "exotel")
    odd = {"call_id": "x", "direction": "sideways", "extra": 1, "created_at_unix_micro": 10}
    fake.add_sip_message(pid, odd)
    fake.add_sip_message(pid, {**odd, "call_id": "y"})
    seen = []
    cursor = None
    while True:
        params = {"page_size": "1", **({"cursor": cursor} if cursor else {})}
        status, body = await api.call("GET", sip_path(pid), params=params)
        assert status == 200
        seen += body["sip_messages"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # Served exactly as given; the later of two equal timestamps comes first.
    assert seen == [{**odd, "call_id": "y"}, odd]


async def test_sip_messages_errors(api: Api, fake: FakeElevenLabs) -> None:
    status, body = await api.call("GET", sip_path("phnum_missing"))
    assert status == 404
    assert body["detail"]["status"] == "phone_number_not_found"
    pid = first_of(fake, "twilio")
    assert await api.call("GET", sip_path(pid)) == (
        200,
        {"sip_messages": [], "next_cursor": None, "has_more": False},
    )
    status, body = await api.call("GET", sip_path(pid), params={"page_size": "0"})
    assert (status, body["detail"][0]["loc"]) == (422, ["query", "page_size"])
    # A cursor of another number's log does not fit this one.
    other = first_of(fake, "sip_trunk")
    fake.add_sip_messages(other, 3)
    _, page = await api.call("GET", sip_path(other), params={"page_size": "1"})
    status, body = await api.call("GET", sip_path(pid), params={"cursor": page["next_cursor"]})
    assert (status, body["detail"][0]["loc"]) == (422, ["query", "cursor"])
    status, _ = await api.call("DELETE", sip_path(pid))
    assert status == 405
    status, _ = await api.call("GET", sip_path(pid), headers={"xi-api-key": "bad"})
    assert status == 401
