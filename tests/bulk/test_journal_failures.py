"""A journal that cannot be written: a JournalError naming the file, and no
update sent without its ``before`` record on disk."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from bulk_helpers import agent_of, client_for, patched_ids

from elevenphone import (
    BulkProgress,
    Journal,
    JournalError,
    PhoneNumberState,
    UpdatePhoneNumberRequest,
)
from elevenphone.bulk.operations import recorded_update
from elevenphone.testing import FakeElevenLabs
from tests.refusals import assert_caused_by_os_error

OLD, NEW = "agent_old", "agent_new"
FULL = Path("/dev/full")  # every write fails with ENOSPC
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")


def _before_ids(journal: Path) -> set[str]:
    records = [json.loads(line) for line in journal.read_text().splitlines()]
    return {r["id"] for r in records if r["op"] == "before"}


def _fill_disk_under(path: Path) -> None:
    """Make every later write to ``path`` through an open descriptor fail as on
    a full disk: each descriptor open on it now refers to /dev/full."""
    full = os.open(FULL, os.O_WRONLY)
    try:
        for name in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{name}")
            except OSError:
                continue
            if target == str(path):
                os.dup2(full, int(name))
    finally:
        os.close(full)


def test_a_journal_that_cannot_be_created_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "no such folder" / "j.jsonl"
    with pytest.raises(JournalError) as caught:
        Journal(path).open()
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert_caused_by_os_error(caught.value, errno.ENOENT)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
async def test_a_journal_in_a_read_only_folder_fails_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        async with FakeElevenLabs(numbers=3, agent_ids=[OLD]) as fake:
            async with client_for(fake) as client:
                with pytest.raises(JournalError) as caught:
                    await client.phone_numbers.reassign_agent(OLD, NEW, journal=folder / "j.jsonl")
            assert_caused_by_os_error(caught.value, errno.EACCES)
            assert str(folder / "j.jsonl") in str(caught.value)
            assert fake.requests == []
    finally:
        folder.chmod(0o700)


@needs_dev_full
async def test_a_full_disk_fails_the_run_and_no_update_is_sent() -> None:
    async with FakeElevenLabs(numbers=5, agent_ids=[OLD]) as fake:
        updates = {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}
        async with client_for(fake) as client:
            with pytest.raises(JournalError) as caught:
                await client.phone_numbers.bulk_update(updates, journal=FULL)
            with pytest.raises(JournalError) as again:
                await client.phone_numbers.reassign_agent(OLD, NEW, journal=FULL)
        assert str(caught.value).startswith(f"{FULL}: ")
        assert_caused_by_os_error(caught.value, errno.ENOSPC)
        assert_caused_by_os_error(again.value, errno.ENOSPC)
        assert fake.requests == []  # the job record failed first
        assert all(agent_of(n) == OLD for n in fake.numbers.values())


@needs_dev_full
async def test_a_disk_filling_mid_run_starts_nothing_new_and_sends_nothing_unjournaled(
    tmp_path: Path,
) -> None:
    async with FakeElevenLabs(numbers=200, seed=13, agent_ids=[OLD], latency=0.002) as fake:
        fake.add_agent(NEW)
        journal = tmp_path / "j.jsonl"
        ids = list(fake.numbers)
        pulled = 0

        def updates() -> Iterator[tuple[str, UpdatePhoneNumberRequest]]:
            nonlocal pulled
            for pid in ids:
                pulled += 1
                yield pid, UpdatePhoneNumberRequest(agent_id=NEW)

        def fill_disk_after_twenty(progress: BulkProgress) -> None:
            if progress.done == 20:
                _fill_disk_under(journal)

        async with client_for(fake) as client:
            with pytest.raises(JournalError) as caught:
                await client.phone_numbers.bulk_update(
                    updates(), concurrency=4, journal=journal, on_progress=fill_disk_after_twenty
                )
        assert caught.value.path == str(journal)
        assert_caused_by_os_error(caught.value, errno.ENOSPC)
        # Every number sent has its state before on disk, so undo can restore it.
        patched = patched_ids(fake)
        assert set(patched) <= _before_ids(journal)
        # No new item after the failure: at most two windows (2 x concurrency)
        # beyond the twenty done were ever pulled.
        assert pulled <= 20 + 2 * 8
        assert sum(agent_of(n) == NEW for n in fake.numbers.values()) == len(set(patched))


async def test_a_failed_fsync_is_a_journal_error_and_refuses_later_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.open()
    state = PhoneNumberState(agent_id=OLD)
    move = recorded_update(UpdatePhoneNumberRequest(agent_id=NEW))
    monkeypatch.setattr("elevenphone.bulk.journal.os.fsync", failing_fsync)
    with pytest.raises(JournalError) as caught:
        await journal.record_before("a", state, move)
    assert caught.value.path == str(path)
    assert_caused_by_os_error(caught.value, errno.EIO)
    with pytest.raises(JournalError):  # nothing may follow a record not known durable
        await journal.record_before("b", state, move)
    with pytest.raises(JournalError):
        journal.close()
    assert not journal.is_open
