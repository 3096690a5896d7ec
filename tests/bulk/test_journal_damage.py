"""A damaged last journal line is reported, never dropped silently, and a
``before`` that can still be read is kept so that undo restores its number."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from bulk_helpers import agent_of, client_for

from elevenphone import Journal, PhoneNumberState, TwilioPhoneNumber, UpdatePhoneNumberRequest
from elevenphone.bulk.journal import read_journal
from elevenphone.bulk.operations import recorded_update
from elevenphone.testing import FakeElevenLabs

OLD, NEW = "agent_old", "agent_new"
MOVE = recorded_update(UpdatePhoneNumberRequest(agent_id=NEW))
ON_OLD = PhoneNumberState(agent_id=OLD, branch_id="agtbrch_1", environment="qa", label="Sales")


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _tear_last_line(path: Path, keep: str) -> str:
    """Cut the last line of ``path`` just after ``keep``, as a crash mid-write
    does; return what is left of it."""
    data = path.read_bytes()
    start = data.rstrip(b"\n").rfind(b"\n") + 1
    last = data[start:].decode()
    torn = last[: last.index(keep) + len(keep)]
    path.write_bytes(data[:start] + torn.encode())
    return torn


def _moved(pid: str) -> PhoneNumberState:
    return PhoneNumberState.of(
        TwilioPhoneNumber(phone_number="+1", label="Sales", phone_number_id=pid)
    )


async def test_a_damaged_last_before_is_reported_and_undo_restores_its_number(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeElevenLabs(numbers=0) as fake:
        fake.add_agent(NEW)
        ids = [fake.add_number(agent_id=OLD, label=f"line {i}") for i in range(4)]
        original = copy.deepcopy(fake.numbers)
        journal = tmp_path / "j.jsonl"
        async with client_for(fake) as client:
            await client.phone_numbers.reassign_agent(OLD, NEW, journal=journal)
        # The run had sent the last number's update when the tail of its
        # "before" line was lost: only the line can tell its state before.
        last = ids[-1]
        lines = journal.read_text().splitlines(keepends=True)
        before_of_last = next(line for line in lines if '"before"' in line and last in line)
        journal.write_text("".join(line for line in lines if last not in line) + before_of_last)
        torn = _tear_last_line(journal, '"request":{"agent')

        caplog.set_level(logging.WARNING, logger="elevenphone")
        async with client_for(fake) as client:
            undone = await client.phone_numbers.undo(journal)

        assert fake.numbers == original  # the damaged line's number too
        assert last in undone.succeeded
        [warning] = undone.warnings
        assert warning.startswith(f"{journal}:{len(lines) - 1}: damaged 'before' record of {last}")
        assert f"agent_id='{OLD}'" in warning
        assert "label='line 3'" in warning
        logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert logged == [warning]

    # Reopening kept the damaged text as a record; a later read still reports it.
    damaged = next(r for r in _records(journal) if r["op"] == "damaged")
    assert (damaged["line"], damaged["text"]) == (len(lines) - 1, torn)
    [again] = read_journal(journal).damaged
    assert (again.phone_number_id, again.op, again.salvaged) == (last, "before", True)


async def test_a_damaged_after_keeps_the_change_open_and_names_the_state_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        await journal.record_before("a", ON_OLD, MOVE)
        await journal.record_after("a", _moved("a"))
    _tear_last_line(path, '"id":"a"')
    state = read_journal(path)
    assert state.torn_tail
    assert state.done == set()  # maybe applied, maybe not: a resume sends it again
    assert state.open_changes == {"a": ON_OLD}  # and undo restores it
    [damaged] = state.damaged
    assert (damaged.op, damaged.phone_number_id, damaged.state_before) == ("after", "a", ON_OLD)
    assert "stays open" in damaged.message
    assert "agent_id='agent_old', branch_id='agtbrch_1'" in damaged.message


async def test_a_damaged_undone_leaves_the_number_to_be_restored_again(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        await journal.record_before("a", ON_OLD, MOVE)
        await journal.record_after("a", _moved("a"))
        await journal.record_undone("a")
    _tear_last_line(path, '"op":"undone","id":"a"')
    state = read_journal(path)
    assert state.open_changes == {"a": ON_OLD}
    assert state.done == set()


async def test_a_damaged_line_whose_state_or_number_cannot_be_read_says_so(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        await journal.record_before("a", ON_OLD, MOVE)
    _tear_last_line(path, '"state":{"agent_id":"agent_o')
    [damaged] = read_journal(path).damaged
    assert (damaged.phone_number_id, damaged.state_before) == ("a", None)
    assert read_journal(path).open_changes == {}
    assert "state before the run cannot be read" in damaged.message

    _tear_last_line(path, '{"v":1,"op":"bef')
    [damaged] = read_journal(path).damaged
    assert damaged.phone_number_id is None
    assert "which number it concerns cannot be read" in damaged.message
    assert '{"v":1,"op":"bef' in damaged.message


async def test_a_last_record_torn_before_its_newline_is_not_glued_to_the_next(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        await journal.record_before("a", ON_OLD, MOVE)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    with Journal(path) as journal:
        await journal.record_before("b", ON_OLD, MOVE)
    assert [r["id"] for r in _records(path)] == ["a", "b"]
    assert list(read_journal(path).open_changes) == ["a", "b"]


async def test_a_resume_reports_the_damage_and_sends_the_number_again(tmp_path: Path) -> None:
    async with FakeElevenLabs(numbers=3, seed=41, agent_ids=[OLD]) as fake:
        fake.add_agent(NEW)
        journal = tmp_path / "j.jsonl"
        updates = {pid: UpdatePhoneNumberRequest(agent_id=NEW) for pid in fake.numbers}
        async with client_for(fake) as client:
            await client.phone_numbers.bulk_update(updates, journal=journal)
            last = _records(journal)[-1]["id"]
            _tear_last_line(journal, f'"id":"{last}"')  # its "after"
            resumed = await client.phone_numbers.bulk_update(updates, journal=journal)
        assert list(resumed.succeeded) == [last]
        assert len(resumed.skipped) == 2
        [warning] = resumed.warnings
        assert f"damaged 'after' record of {last}" in warning
        assert all(agent_of(n) == NEW for n in fake.numbers.values())
