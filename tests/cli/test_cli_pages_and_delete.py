"""``list`` through v1 or v2, ``sip-messages`` and ``delete`` as subprocesses
against the fake: what was sent, what is printed, and a delete never sent
without a yes."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator

import pytest
from cli_helpers import API_KEY, run_cli
from terminal_helpers import run_cli_on_terminal

from elevenphone.testing import FakeElevenLabs

V1, V2 = "/v1/convai/phone-numbers", "/v1/convai/v2/phone-numbers"


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=9, seed=4, agent_ids=["agent_a"]) as fake:
        yield fake


def _ids(result_json: list[dict[str, str]]) -> list[str]:
    return [number["phone_number_id"] for number in result_json]


# --- list ----------------------------------------------------------------------------


async def test_plain_list_keeps_the_v1_endpoint(fake: FakeElevenLabs) -> None:
    result = await run_cli("list", "--provider", "twilio", "--json", fake=fake)
    assert result.returncode == 0
    assert [(r.path, r.query) for r in fake.requests] == [(V1, {"provider": "twilio"})]


@pytest.mark.parametrize("provider", ["Twilio", "pigeon", "SIP_TRUNK"])
async def test_an_unknown_provider_is_refused_before_sending(
    fake: FakeElevenLabs, provider: str
) -> None:
    result = await run_cli("list", "--provider", provider, fake=fake)
    assert result.returncode == 2, result.stderr
    for allowed in ("twilio", "sip_trunk", "exotel"):
        assert allowed in result.stderr
    assert fake.requests == []


async def test_sort_pages_through_v2(fake: FakeElevenLabs) -> None:
    labels = sorted(n["label"] for n in fake.numbers.values())
    descending = await run_cli("list", "--sort", "-label", "--page-size", "4", "--json", fake=fake)
    assert descending.returncode == 0, descending.stderr
    assert [n["label"] for n in descending.json()] == labels[::-1]
    assert all(r.path == V2 for r in fake.requests)
    assert len(fake.requests) == 3  # 4 + 4 + 1, the cursor followed
    assert fake.requests[0].query == {
        "sort_by": "label",
        "sort_direction": "desc",
        "page_size": "4",
    }
    assert "cursor" in fake.requests[1].query

    same = await run_cli("list", "--sort", "label", "--desc", "--json", fake=fake)
    assert same.json() == descending.json()
    ascending = await run_cli("list", "--sort", "label", "--json", fake=fake)
    assert [n["label"] for n in ascending.json()] == labels


async def test_limit_stops_after_n_numbers(fake: FakeElevenLabs) -> None:
    first_three = await run_cli("list", "--limit", "3", "--json", fake=fake)
    assert first_three.returncode == 0
    assert _ids(first_three.json()) == list(fake.numbers)[:3]
    assert [r.query for r in fake.requests] == [{"page_size": "3"}]  # one page, of 3
    fake.requests.clear()
    five = await run_cli("list", "--limit", "5", "--page-size", "2", fake=fake)
    assert five.returncode == 0
    assert "5 phone numbers" in five.stdout
    assert len(fake.requests) == 3  # 2 + 2 + 2: the last page is not read to its end


async def test_v2_filters_reach_the_api(fake: FakeElevenLabs) -> None:
    pid, number = next(iter(fake.numbers.items()))
    fake.numbers[pid]["supports_outbound"] = False
    result = await run_cli(
        "list", "--no-supports-outbound", "--label", number["label"][:5].upper(),
        "--phone-number", number["phone_number"], "--search", pid, "--agent-id", "agent_a",
        "--json", fake=fake,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _ids(result.json()) == [pid]
    assert fake.requests[-1].path == V2
    assert fake.requests[-1].query == {
        "supports_outbound": "false",
        "label": number["label"][:5].upper(),
        "phone_number": number["phone_number"],
        "search": pid,
        "agent_id": "agent_a",
    }


async def test_descending_twice_is_a_usage_error(fake: FakeElevenLabs) -> None:
    result = await run_cli("list", "--sort", "-label", "--desc", fake=fake)
    assert result.returncode == 2
    assert fake.requests == []


# --- sip-messages ----------------------------------------------------------------------


async def test_sip_messages_as_a_table_and_as_json(fake: FakeElevenLabs) -> None:
    pid = next(iter(fake.numbers))
    logged = fake.add_sip_messages(pid, 7, direction="inbound")
    table = await run_cli("sip-messages", pid, fake=fake)
    assert table.returncode == 0, table.stderr
    assert f"7 SIP messages of {pid}" in table.stdout
    newest = max(logged, key=lambda m: m["created_at_unix_micro"])
    for message in logged:
        assert message["call_id"] in table.stdout
        assert message["raw_message"].splitlines()[0] in table.stdout
    when = datetime.datetime.fromtimestamp(
        newest["created_at_unix_micro"] / 1e6, tz=datetime.timezone.utc
    )
    assert when.strftime("%Y-%m-%dT%H:%M:%S") in table.stdout

    as_json = await run_cli("sip-messages", pid, "--json", fake=fake)
    shown = as_json.json()
    assert sorted(shown, key=lambda m: m["created_at_unix_micro"]) == sorted(
        logged, key=lambda m: m["created_at_unix_micro"]
    )
    assert shown[0] == newest


async def test_sip_messages_limit_and_page_size(fake: FakeElevenLabs) -> None:
    pid = next(iter(fake.numbers))
    fake.add_sip_messages(pid, 14)
    result = await run_cli(
        "sip-messages", pid, "--limit", "5", "--page-size", "2", "--json", fake=fake
    )
    assert result.returncode == 0
    assert len(result.json()) == 5
    assert [r.query.get("page_size") for r in fake.requests] == ["2", "2", "2"]
    missing = await run_cli("sip-messages", "phnum_missing", fake=fake)
    assert missing.returncode == 5


# --- delete -------------------------------------------------------------------------------


async def test_delete_with_yes(fake: FakeElevenLabs) -> None:
    pid, other = list(fake.numbers)[:2]
    result = await run_cli("delete", pid, "--yes", fake=fake)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"deleted {pid}\n"
    assert pid not in fake.numbers
    as_json = await run_cli("delete", other, "-y", "--json", fake=fake)
    assert as_json.json() == {"phone_number_id": other, "deleted": True}
    again = await run_cli("delete", pid, "--yes", fake=fake)
    assert again.returncode == 5


async def test_delete_without_yes_off_a_terminal_is_a_usage_error(fake: FakeElevenLabs) -> None:
    pid = next(iter(fake.numbers))
    result = await run_cli("delete", pid, fake=fake)
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert fake.requests == []
    assert pid in fake.numbers


async def test_delete_asks_on_a_terminal(fake: FakeElevenLabs) -> None:
    pid = next(iter(fake.numbers))
    refused, _ = await run_cli_on_terminal("delete", pid, fake=fake, typed="n\n")
    assert refused.returncode == 1
    assert f"Delete the phone number {pid}?" in refused.stderr
    assert "not confirmed" in refused.stderr
    assert fake.requests == []
    assert pid in fake.numbers

    confirmed, _ = await run_cli_on_terminal("delete", pid, fake=fake, typed="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert [r.method for r in fake.requests] == ["DELETE"]
    assert pid not in fake.numbers
