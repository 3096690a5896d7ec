"""A journal serves one job: another job, or other values, never skip work."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from bulk_helpers import agent_of, client_for, patched_ids

from elevenphone import (
    JournalError,
    OutboundSIPTrunkConfig,
    SIPTrunkCredentials,
    UpdatePhoneNumberRequest,
)
from elevenphone._wire import encode_update_request
from elevenphone.testing import FakeElevenLabs

A, B, C = "agent_A", "agent_B", "agent_C"


def _records(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text().splitlines()]


async def test_reassigning_onwards_with_the_same_journal_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    async with FakeElevenLabs(numbers=20, seed=31, agent_ids=[A]) as fake:
        fake.add_agent(B)
        fake.add_agent(C)
        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            moved = await client.phone_numbers.reassign_agent(A, B, journal=journal)
            assert len(moved.succeeded) == 20
            sent = len(fake.requests)
            with pytest.raises(JournalError) as caught:
                await client.phone_numbers.reassign_agent(B, C, journal=journal)
            assert len(fake.requests) == sent  # not even the listing
            message = str(caught.value)
            assert message.startswith(f"{journal}: this journal serves reassign_agent")
            assert "to_agent_id='agent_B'" in message
            assert "this run asks from_agent_id='agent_B' to_agent_id='agent_C'" in message
            assert message.endswith("use a new journal")
            assert all(agent_of(n) == B for n in fake.numbers.values())

            other_operation = "serves reassign_agent; this run is bulk_update"
            with pytest.raises(JournalError, match=other_operation):
                await client.phone_numbers.bulk_update(
                    {pid: UpdatePhoneNumberRequest(label="x") for pid in fake.numbers},
                    journal=journal,
                )
            assert len(fake.requests) == sent

            onwards = await client.phone_numbers.reassign_agent(
                B, C, journal=tmp_path / "onwards.jsonl"
            )
        assert (len(onwards.succeeded), len(onwards.skipped)) == (20, 0)
        assert all(agent_of(n) == C for n in fake.numbers.values())


async def test_the_same_move_with_another_branch_is_refused(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=5, seed=32, agent_ids=[A]) as fake:
        fake.add_agent(B)
        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            await client.phone_numbers.reassign_agent(A, B, journal=journal)
            with pytest.raises(
                JournalError,
                match=r"serves reassign_agent branch_id=\(not given\);"
                r" this run asks branch_id='agtbrch_1'",
            ):
                await client.phone_numbers.reassign_agent(
                    A, B, branch_id="agtbrch_1", journal=journal
                )


async def test_new_values_under_one_journal_are_sent_and_undo_restores_the_first_state(
    tmp_path: Path,
) -> None:
    async with FakeElevenLabs(numbers=20, seed=33) as fake:
        original = copy.deepcopy(fake.numbers)
        journal = tmp_path / "j.jsonl"
        ids = list(fake.numbers)

        def labelled(label: str) -> dict[str, UpdatePhoneNumberRequest]:
            return {pid: UpdatePhoneNumberRequest(label=label) for pid in ids}

        async with client_for(fake) as client:
            await client.phone_numbers.bulk_update(labelled("v1"), journal=journal)
            start = len(fake.requests)
            v2 = await client.phone_numbers.bulk_update(labelled("v2"), journal=journal)
            assert (len(v2.succeeded), len(v2.skipped)) == (20, 0)
            assert sorted(patched_ids(fake, start)) == sorted(ids)
            assert all(n["label"] == "v2" for n in fake.numbers.values())
            # No second fetch of the state before: the journal keeps the first.
            assert [r.method for r in fake.requests[start:]] == ["PATCH"] * 20

            start = len(fake.requests)
            again = await client.phone_numbers.bulk_update(labelled("v2"), journal=journal)
            assert (len(again.succeeded), len(again.skipped)) == (0, 20)
            assert len(fake.requests) == start

            await client.phone_numbers.undo(journal)
        assert fake.numbers == original  # the labels before "v1", not "v1"


async def test_the_job_record_and_keyed_digests_on_disk(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=0) as fake:
        pid = fake.add_number(provider="sip_trunk", agent_id=A)
        request = UpdatePhoneNumberRequest(
            outbound_trunk_config=OutboundSIPTrunkConfig(
                address="sip.example.com",
                credentials=SIPTrunkCredentials(username="u", password="hunter2"),
            )
        )
        async with client_for(fake) as client:
            for name in ("one.jsonl", "two.jsonl"):
                await client.phone_numbers.bulk_update({pid: request}, journal=tmp_path / name)
    one, two = _records(tmp_path / "one.jsonl"), _records(tmp_path / "two.jsonl")
    assert one[0]["op"] == "job"
    assert one[0]["job"] == {"operation": "bulk_update", "values": {}}
    salt = bytes.fromhex(one[0]["salt"])
    assert len(salt) == 16
    before = next(r for r in one if r["op"] == "before")
    body = encode_update_request(request)
    assert before["digest"] == hashlib.blake2b(body, key=salt, digest_size=16).hexdigest()
    # Salted per journal: the same request gives another digest elsewhere.
    assert next(r for r in two if r["op"] == "before")["digest"] != before["digest"]
    assert "hunter2" not in (tmp_path / "one.jsonl").read_text()


async def test_the_reassign_job_records_the_values_asked(tmp_path: Path) -> None:
    async with (
        FakeElevenLabs(numbers=2, seed=34, agent_ids=[A]) as fake,
        client_for(fake) as client,
    ):
        fake.add_agent(B)
        await client.phone_numbers.reassign_agent(
            A, B, environment=None, journal=tmp_path / "j.jsonl"
        )
    job = _records(tmp_path / "j.jsonl")[0]
    assert (job["op"], job["job"]) == (
        "job",
        {
            "operation": "reassign_agent",
            "values": {"from_agent_id": A, "to_agent_id": B, "environment": None},
        },
    )


async def test_a_journal_written_by_0_1_0_is_resumed_without_skipping(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=5, seed=35, agent_ids=[A]) as fake:
        fake.add_agent(B)
        original = copy.deepcopy(fake.numbers)
        journal = tmp_path / "old.jsonl"
        lines = []
        for pid, number in fake.numbers.items():
            agent = number["assigned_agent"]
            state = {"agent_id": A, "label": number["label"]}
            state |= {k: agent[k] for k in ("branch_id", "environment") if agent.get(k)}
            lines.append(
                {"v": 1, "op": "before", "id": pid, "at": "2025-06-01T10:00:00.000+00:00"}
                | {"state": state, "request": {"agent_id": B}, "fields": ["agent_id"]}
            )
            lines.append({"v": 1, "op": "after", "id": pid, "state": {"agent_id": B}})
            number["assigned_agent"] = {"agent_id": B, "agent_name": "B"}
        journal.write_text("".join(json.dumps(line) + "\n" for line in lines))

        updates = {pid: UpdatePhoneNumberRequest(agent_id=B) for pid in fake.numbers}
        async with client_for(fake) as client:
            resumed = await client.phone_numbers.bulk_update(updates, journal=journal)
            # Without digests nothing can be shown identical: all sent again.
            assert (len(resumed.succeeded), len(resumed.skipped)) == (5, 0)
            assert _records(journal)[len(lines)]["op"] == "job"  # recorded on first use
            await client.phone_numbers.undo(journal)
        assert fake.numbers == original
