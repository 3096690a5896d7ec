"""bulk_update, iter_bulk_update, reassign_agent and undo against the fake."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from bulk_helpers import TURN_RETRIES, agent_of, client_for, patched_ids

from elevenphone import (
    AuthenticationError,
    BadRequestError,
    BulkProgress,
    BulkUpdateError,
    ElevenPhone,
    InvalidRequestError,
    Journal,
    NotFoundError,
    UpdatePhoneNumberRequest,
)
from elevenphone.bulk.journal import read_journal
from elevenphone.testing import FakeElevenLabs
from tests.holds import hold_until_settled

OLD, NEW = "agent_old", "agent_new"


async def test_thousands_of_updates_with_transient_faults() -> None:
    # 2,000 numbers go through every kind of fault hundreds of times; 10,000
    # proved no more and took a third of the suite's time.
    count = 2_000
    async with FakeElevenLabs(numbers=count, seed=1, agent_ids=[OLD], fault_rate=0.1) as fake:
        fake.add_agent(NEW)
        ids = list(fake.numbers)
        # A generator: the input is consumed lazily.
        updates = (
            (pid, UpdatePhoneNumberRequest(agent_id=NEW, label=f"moved {i}"))
            for i, pid in enumerate(ids)
        )
        async with client_for(fake, max_retries=12, retry_policy=TURN_RETRIES) as client:
            result = await client.phone_numbers.bulk_update(updates, concurrency=16)

        assert result.failed == {}
        assert len(result.succeeded) == count
        for i, pid in enumerate(ids):
            number = fake.numbers[pid]
            assert agent_of(number) == NEW
            assert number["label"] == f"moved {i}"
        assert fake.stats.peak_in_flight <= 16
        injected = sum(fake.stats.faults.values())
        assert injected > 100  # the run did go through faults
        # The check of NEW, then a PATCH per number, and the retries.
        assert result.requests == fake.stats.requests == 1 + count + result.retries
        assert result.retries >= injected


async def test_the_limit_adapts_to_the_accounts_concurrency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with FakeElevenLabs(numbers=600, seed=2, agent_ids=[OLD], concurrency_limit=4) as fake:
        fake.add_agent(NEW)
        hold_until_settled(fake)  # the fake sees each window whole, on any machine
        # After each finished item: (requests the fake has seen, of which 429 for concurrency).
        samples: list[tuple[int, int]] = []
        limits: list[int] = []

        def sample(progress: BulkProgress) -> None:
            samples.append((fake.stats.requests, fake.stats.concurrency_rejections))
            limits.append(progress.concurrency_limit)

        async with client_for(fake, max_retries=2, retry_policy=TURN_RETRIES) as client:
            result = await client.phone_numbers.reassign_agent(
                OLD, NEW, concurrency=32, on_progress=sample
            )

        assert result.failed == {}
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
        total = fake.stats.requests
        early_n, early_429 = _at(samples, total // 3)
        late_start_n, late_start_429 = _at(samples, 2 * total // 3)
        early_share = early_429 / early_n
        late_share = (fake.stats.concurrency_rejections - late_start_429) / (total - late_start_n)
        with capsys.disabled():
            print(
                f"\nAIMD: {total} requests, {fake.stats.concurrency_rejections} answered 429"
                f" (concurrency); share in the first third {early_share:.1%},"
                f" in the last third {late_share:.1%}; limit 32 -> {limits[-1]}"
                f" (server allows 4, run started at 32)"
            )
        assert early_share > late_share
        assert late_share < 0.02
        assert result.concurrency_limit <= 4


def _bulk_tasks() -> list[asyncio.Task[Any]]:
    """Tasks of a bulk run still alive (the fake's server tasks share the loop)."""
    return [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "").startswith("BulkRun.")
    ]


def _at(samples: list[tuple[int, int]], requests: int) -> tuple[int, int]:
    """The first sample taken once the fake had seen ``requests`` requests."""
    return next(sample for sample in samples if sample[0] >= requests)


async def test_concurrency_429s_do_not_use_up_the_retry_budget() -> None:
    async with FakeElevenLabs(numbers=60, seed=3, agent_ids=[OLD], concurrency_limit=1) as fake:
        fake.add_agent(NEW)
        hold_until_settled(fake)
        async with client_for(fake, max_retries=0, retry_policy=TURN_RETRIES) as client:
            result = await client.phone_numbers.reassign_agent(OLD, NEW, concurrency=8)
        assert result.failed == {}
        assert fake.stats.concurrency_rejections > 0
        assert all(agent_of(n) == NEW for n in fake.numbers.values())


async def test_permanent_failures_are_recorded_and_the_rest_goes_on() -> None:
    async with FakeElevenLabs(numbers=0) as fake:
        fake.add_agent(NEW)
        twilio = [fake.add_number(provider="twilio", agent_id=OLD) for _ in range(20)]
        updates: dict[str, UpdatePhoneNumberRequest] = {
            pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in twilio
        }
        updates["phnum_missing"] = UpdatePhoneNumberRequest(agent_id=NEW)  # 404
        sip_only = UpdatePhoneNumberRequest(livekit_stack="static")  # type: ignore[arg-type]
        updates[twilio[0]] = sip_only  # 400: a SIP field on a twilio number
        updates["   "] = UpdatePhoneNumberRequest(agent_id=NEW)  # refused locally
        async with client_for(fake) as client:
            result = await client.phone_numbers.bulk_update(updates, concurrency=4)

        assert set(result.failed) == {"phnum_missing", twilio[0], "   "}
        assert isinstance(result.failed["phnum_missing"], NotFoundError)
        assert isinstance(result.failed[twilio[0]], BadRequestError)
        assert isinstance(result.failed["   "], InvalidRequestError)
        assert set(result.succeeded) == set(twilio[1:])
        assert all(agent_of(fake.numbers[pid]) == NEW for pid in twilio[1:])
        assert agent_of(fake.numbers[twilio[0]]) == OLD
        with pytest.raises(BulkUpdateError) as caught:
            result.raise_for_failures()
        assert set(caught.value.failed) == set(result.failed)
        assert "3 of 22 updates failed" in str(caught.value)


async def test_stop_on_error_starts_nothing_new_after_a_failure() -> None:
    async with FakeElevenLabs(numbers=0) as fake:
        fake.add_agent(NEW)
        ids = [fake.add_number(agent_id=OLD) for _ in range(30)]
        updates = [("phnum_missing", UpdatePhoneNumberRequest(agent_id=NEW))]
        updates += [(pid, UpdatePhoneNumberRequest(agent_id=NEW)) for pid in ids]
        async with client_for(fake) as client:
            result = await client.phone_numbers.bulk_update(
                updates, concurrency=1, stop_on_error=True
            )
        assert result.stopped_early
        assert list(result.failed) == ["phnum_missing"]
        assert len(patched_ids(fake)) <= 2  # the window of concurrency 1 holds two items
        assert sum(agent_of(fake.numbers[pid]) == NEW for pid in ids) <= 1


async def test_a_refused_key_ends_the_run() -> None:
    async with FakeElevenLabs(numbers=100, agent_ids=[OLD]) as fake:
        updates = {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}
        async with ElevenPhone("wrong-key", base_url=fake.base_url) as client:
            with pytest.raises(AuthenticationError):
                await client.phone_numbers.bulk_update(updates, concurrency=4)
        assert len(fake.requests) <= 8  # the window, not all hundred
        assert all(agent_of(n) == OLD for n in fake.numbers.values())


async def test_inputs_mapping_list_and_async_iterable() -> None:
    async with FakeElevenLabs(numbers=30, seed=4, agent_ids=[OLD]) as fake:
        ids = list(fake.numbers)

        async def pairs() -> AsyncIterator[tuple[str, UpdatePhoneNumberRequest]]:
            for pid in ids[20:]:
                await asyncio.sleep(0)
                yield pid, UpdatePhoneNumberRequest(label="async")

        async with client_for(fake) as client:
            by_map = await client.phone_numbers.bulk_update(
                {pid: UpdatePhoneNumberRequest(label="map") for pid in ids[:10]}
            )
            by_list = await client.phone_numbers.bulk_update(
                [(pid, UpdatePhoneNumberRequest(label="list")) for pid in ids[10:20]]
            )
            by_async = await client.phone_numbers.bulk_update(pairs())
            with pytest.raises(TypeError):
                await client.phone_numbers.bulk_update([(ids[0], {"label": "dict"})])  # type: ignore[list-item]
        assert (len(by_map.succeeded), len(by_list.succeeded), len(by_async.succeeded)) == (
            10,
            10,
            10,
        )
        labels = [fake.numbers[pid]["label"] for pid in ids]
        assert labels == ["map"] * 10 + ["list"] * 10 + ["async"] * 10


async def test_iter_pulls_only_a_window_of_items_ahead() -> None:
    async with FakeElevenLabs(numbers=200, seed=5, agent_ids=[OLD], latency=0.002) as fake:
        fake.add_agent(NEW)
        pulled = 0
        pulled_at_outcome: list[int] = []

        def pairs() -> Any:
            nonlocal pulled
            for pid in list(fake.numbers):
                pulled += 1
                yield pid, UpdatePhoneNumberRequest(agent_id=NEW)

        async with client_for(fake) as client:
            run = client.phone_numbers.iter_bulk_update(pairs(), concurrency=4)
            async with run:
                async for outcome in run:
                    assert outcome.status == "succeeded"
                    pulled_at_outcome.append(pulled)
        assert len(pulled_at_outcome) == 200
        # Never more than the window (2 x concurrency) started, plus the item that
        # replaced the one just finished.
        assert max(b - a for a, b in enumerate(pulled_at_outcome)) <= 2 * 4 + 1
        assert fake.stats.peak_in_flight <= 4


async def test_leaving_iteration_early_cancels_in_flight_requests(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=100, seed=6, agent_ids=[OLD], latency=0.01) as fake:
        fake.add_agent(NEW)
        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            updates = {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}
            async with client.phone_numbers.iter_bulk_update(
                updates, concurrency=8, journal=journal
            ) as run:
                async for _ in run:
                    if run.progress().done == 10:
                        break
            assert _bulk_tasks() == []
            assert run.concurrency_limit.in_flight == 0
        state = read_journal(journal)
        assert not state.torn_tail
        assert len(state.done) >= 10
        assert sum(agent_of(n) == NEW for n in fake.numbers.values()) < 100


async def test_a_cancelled_run_leaves_no_task_and_a_consistent_journal(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=300, seed=7, agent_ids=[OLD], latency=0.01) as fake:
        fake.add_agent(NEW)
        journal = tmp_path / "j.jsonl"
        done = asyncio.Event()

        def progress(snapshot: BulkProgress) -> None:
            if snapshot.done >= 20:
                done.set()

        async with client_for(fake) as client:
            task = asyncio.ensure_future(
                client.phone_numbers.reassign_agent(
                    OLD, NEW, concurrency=8, journal=journal, on_progress=progress
                )
            )
            await done.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert _bulk_tasks() == []
            kill_point = len(fake.requests)
            first = read_journal(journal)
            assert not first.torn_tail
            assert 20 <= len(first.done) < 300

            # Resume: numbers done before are not sent again.
            result = await client.phone_numbers.reassign_agent(OLD, NEW, journal=journal)
        assert result.failed == {}
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
        assert not set(patched_ids(fake, kill_point)) & first.done


async def test_undo_restores_agent_branch_environment_and_label(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=0) as fake:
        fake.add_agent(NEW, branches=["agtbrch_new"])
        for i in range(40):
            if i % 3 == 0:
                fake.add_number(agent_id=OLD, branch_id=f"agtbrch_{i}", environment="staging")
            else:
                fake.add_number(agent_id=OLD, label=f"line {i}")
        fake.add_number(agent_id="agent_other")  # not on OLD: untouched throughout
        original = copy.deepcopy(fake.numbers)
        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            moved = await client.phone_numbers.reassign_agent(
                OLD, NEW, branch_id="agtbrch_new", journal=journal
            )
            assert len(moved.succeeded) == 40
            relabel = {pid: UpdatePhoneNumberRequest(label="temp") for pid in list(original)[:5]}
            await client.phone_numbers.bulk_update(relabel, journal=tmp_path / "labels.jsonl")

            undone = await client.phone_numbers.undo(tmp_path / "labels.jsonl")
            assert len(undone.succeeded) == 5
            undone = await client.phone_numbers.undo(journal)
            assert len(undone.succeeded) == 40
            assert fake.numbers == original

            again = await client.phone_numbers.undo(journal)  # nothing left to undo
            assert (len(again.succeeded), again.requests) == (0, 0)
            # After undo, the same journal moves the numbers again (nothing "done").
            redo = await client.phone_numbers.reassign_agent(
                OLD, NEW, branch_id="agtbrch_new", journal=journal
            )
            assert (len(redo.succeeded), len(redo.skipped)) == (40, 0)


async def test_bulk_update_with_a_journal_fetches_each_state_before(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=10, seed=8) as fake:
        original = copy.deepcopy(fake.numbers)
        updates = {pid: UpdatePhoneNumberRequest(label="new") for pid in fake.numbers}
        async with client_for(fake) as client:
            await client.phone_numbers.bulk_update(updates, journal=tmp_path / "j.jsonl")
            gets = [r for r in fake.requests if r.method == "GET"]
            assert len(gets) == 10
            assert all(n["label"] == "new" for n in fake.numbers.values())
            await client.phone_numbers.undo(tmp_path / "j.jsonl")
        assert fake.numbers == original


async def test_bad_options_are_refused_before_anything_is_sent() -> None:
    async with FakeElevenLabs(numbers=5, agent_ids=[OLD]) as fake:
        async with client_for(fake) as client:
            with pytest.raises(ValueError, match="concurrency"):
                await client.phone_numbers.bulk_update({}, concurrency=0)
            with pytest.raises(ValueError, match="max_rate"):
                await client.phone_numbers.bulk_update({}, max_rate=0)
            with pytest.raises(InvalidRequestError):
                await client.phone_numbers.reassign_agent(OLD, OLD)
        assert fake.requests == []


async def test_max_rate_runs_every_item() -> None:
    async with FakeElevenLabs(numbers=20, seed=9, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)
        async with client_for(fake) as client:
            result = await client.phone_numbers.reassign_agent(OLD, NEW, max_rate=200)
        assert len(result.succeeded) == 20
        assert all(agent_of(n) == NEW for n in fake.numbers.values())


async def test_undo_with_a_journal_the_caller_keeps_open_restores_every_number(
    tmp_path: Path,
) -> None:
    async with FakeElevenLabs(numbers=5, seed=81) as fake:
        original = copy.deepcopy(fake.numbers)
        relabel = {pid: UpdatePhoneNumberRequest(label="temp") for pid in fake.numbers}
        async with client_for(fake) as client:
            with Journal(tmp_path / "j.jsonl") as journal:
                changed = await client.phone_numbers.bulk_update(relabel, journal=journal)
                assert len(changed.succeeded) == 5
                undone = await client.phone_numbers.undo(journal)
        assert len(undone.succeeded) == 5
        assert fake.numbers == original
