"""Two runs never share a journal: unique default names, and a lock on the file."""

from __future__ import annotations

import asyncio
import datetime
import sys
import types
from pathlib import Path

import pytest
from bulk_helpers import agent_of, client_for, patched_ids

from elevenphone import Journal, JournalError, UpdatePhoneNumberRequest
from elevenphone.testing import FakeElevenLabs

OLD, NEW = "agent_old", "agent_new"


def test_default_journal_names_differ_within_one_second(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from elevenphone.cli import _bulk

    class FrozenClock(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> FrozenClock:
            return cls(2025, 1, 2, 3, 4, 5)

    monkeypatch.setattr(_bulk, "datetime", types.SimpleNamespace(datetime=FrozenClock))
    names = {_bulk._journal_path(None, "reassign") for _ in range(20)}
    assert len(names) == 20
    assert all(str(name).startswith("elevenphone-reassign-20250102-030405-") for name in names)
    assert _bulk._journal_path("mine.jsonl", "reassign") == Path("mine.jsonl")
    capsys.readouterr()


def test_a_second_open_in_this_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    first = Journal(path)
    first.open()
    try:
        with pytest.raises(JournalError, match="in use by another run") as caught:
            Journal(path).open()
        assert caught.value.path == str(path)
    finally:
        first.close()
    with Journal(path):  # closing released the lock
        pass


async def test_two_runs_started_together_on_one_journal(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=30, seed=11, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)
        updates = {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}
        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            results = await asyncio.gather(
                client.phone_numbers.bulk_update(updates, journal=journal),
                client.phone_numbers.bulk_update(updates, journal=journal),
                return_exceptions=True,
            )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert len(errors) == 1
        assert isinstance(errors[0], JournalError)
        assert "in use by another run" in str(errors[0])
        patched = patched_ids(fake)
        assert sorted(patched) == sorted(fake.numbers)  # each number once, by one run


async def _hold_in_another_process(path: Path) -> asyncio.subprocess.Process:
    """A child process that holds the journal open until its stdin closes."""
    holder = (
        "import sys\n"
        "from elevenphone import Journal\n"
        "with Journal(sys.argv[1]):\n"
        "    print('holding', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        holder,
        str(path),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    assert await child.stdout.readline() == b"holding\n"
    return child


async def _release(child: asyncio.subprocess.Process) -> None:
    assert child.stdin is not None
    child.stdin.close()
    assert await child.wait() == 0


async def test_a_journal_held_by_another_process_is_refused(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=10, seed=12, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)
        journal = tmp_path / "j.jsonl"
        updates = {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}
        async with client_for(fake) as client:
            await client.phone_numbers.bulk_update(updates, journal=journal)
            before = len(fake.requests)
            child = await _hold_in_another_process(journal)
            try:
                with pytest.raises(JournalError, match="in use by another run"):
                    await client.phone_numbers.bulk_update(updates, journal=journal)
                with pytest.raises(JournalError, match="in use by another run"):
                    await client.phone_numbers.undo(journal)
                assert len(fake.requests) == before  # nothing was sent
            finally:
                await _release(child)
            undone = await client.phone_numbers.undo(journal)
        assert len(undone.succeeded) == 10
        assert all(agent_of(n) == OLD for n in fake.numbers.values())


async def test_a_journal_passed_unopened_is_closed_by_the_run(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=3, seed=14) as fake:
        updates = {pid: UpdatePhoneNumberRequest(label="x") for pid in fake.numbers}
        journal = Journal(tmp_path / "j.jsonl")
        async with client_for(fake) as client:
            await client.phone_numbers.bulk_update(updates, journal=journal)
            assert not journal.is_open  # its lock is released
            with Journal(tmp_path / "j.jsonl") as held:
                await client.phone_numbers.bulk_update(updates, journal=held)
                assert held.is_open  # one the caller opened stays open
