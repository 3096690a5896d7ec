"""A number named twice in one bulk run is a caller error, and is never sent twice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bulk_helpers import agent_of, client_for, patched_ids

from elevenphone import InvalidRequestError, UpdatePhoneNumberRequest
from elevenphone.testing import FakeElevenLabs, Fault

OLD, NEW = "agent_old", "agent_new"


@pytest.mark.parametrize("container", [list, tuple])
async def test_a_list_naming_a_number_again_is_refused_before_anything_is_sent(
    container: type[list[object]] | type[tuple[object, ...]],
) -> None:
    async with FakeElevenLabs(numbers=3, seed=51) as fake:
        a, b, _ = fake.numbers
        updates = container(
            [
                (a, UpdatePhoneNumberRequest(label="one")),
                (b, UpdatePhoneNumberRequest(label="two")),
                (a, UpdatePhoneNumberRequest(label="three")),
                (a, UpdatePhoneNumberRequest(label="four")),
            ]
        )
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError) as caught:
                await client.phone_numbers.bulk_update(updates)  # type: ignore[arg-type]
        assert isinstance(caught.value, ValueError)
        assert caught.value.field == "phone_number_id"
        assert f"{a!r} is repeated in the updates: at index 2, first at index 0" in str(
            caught.value
        )
        assert fake.requests == []


async def test_a_stream_naming_a_number_again_ends_after_the_items_in_flight(
    tmp_path: Path,
) -> None:
    async with FakeElevenLabs(numbers=30, seed=52, latency=0.003) as fake:
        ids = list(fake.numbers)
        stream = [*ids[:10], ids[3], *ids[10:]]
        pulled = 0

        async def updates() -> AsyncIterator[tuple[str, UpdatePhoneNumberRequest]]:
            nonlocal pulled
            for pid in stream:
                pulled += 1
                yield pid, UpdatePhoneNumberRequest(label="moved")

        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            with pytest.raises(InvalidRequestError) as caught:
                await client.phone_numbers.bulk_update(updates(), concurrency=2, journal=journal)
        assert f"{ids[3]!r} is repeated in the updates: at index 10, first at index 3" in str(
            caught.value
        )
        assert pulled == 11  # nothing after the repeat was taken
        patched = patched_ids(fake)
        assert sorted(patched) == sorted(ids[:10])  # each once; the repeat never sent
        # The items in flight were let finish: each update sent is journaled done.
        records = [json.loads(line) for line in journal.read_text().splitlines()]
        assert {r["id"] for r in records if r["op"] == "after"} == set(ids[:10])


async def test_reassign_moves_a_number_the_listing_repeats_once() -> None:
    async with FakeElevenLabs(numbers=0) as fake:
        fake.add_agent(NEW)
        twice, once = fake.add_number(agent_id=OLD), fake.add_number(agent_id=OLD)
        listing = [fake.numbers[twice], fake.numbers[once], fake.numbers[twice]]
        # The answer to the listing (not to the check of NEW before it).
        fake.script(Fault.status(200, listing), method="GET", path="/v1/convai/phone-numbers")
        async with client_for(fake) as client:
            result = await client.phone_numbers.reassign_agent(OLD, NEW)
        assert sorted(result.succeeded) == sorted([twice, once])
        assert sorted(patched_ids(fake)) == sorted([twice, once])
        assert agent_of(fake.numbers[twice]) == NEW
