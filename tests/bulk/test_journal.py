"""The journal without a server: durability points, replay, torn lines, undo data."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import msgspec
import pytest

from elevenphone import (
    Journal,
    JournalError,
    OutboundSIPTrunkConfig,
    PhoneNumberAgentInfo,
    PhoneNumberState,
    SIPTrunkCredentials,
    TwilioPhoneNumber,
    UpdatePhoneNumberRequest,
)
from elevenphone.bulk.journal import read_journal
from elevenphone.bulk.operations import recorded_update

MOVE = recorded_update(UpdatePhoneNumberRequest(agent_id="agent_new"))
ON_OLD = PhoneNumberState(
    agent_id="agent_old", branch_id="agtbrch_1", environment="staging", label="Sales"
)


def _number(pid: str, agent_id: str | None, label: str = "Sales") -> TwilioPhoneNumber:
    agent = None if agent_id is None else PhoneNumberAgentInfo(agent_id=agent_id, agent_name="A")
    return TwilioPhoneNumber(
        phone_number="+14155550100", label=label, phone_number_id=pid, assigned_agent=agent
    )


async def _write(path: Path, done: list[str], pending: list[str]) -> None:
    with Journal(path) as journal:
        for pid in done + pending:
            await journal.record_before(pid, ON_OLD, MOVE)
        for pid in done:
            await journal.record_after(pid, PhoneNumberState.of(_number(pid, "agent_new")))


async def test_replay_tells_done_from_pending(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    await _write(path, done=["a", "b"], pending=["c"])
    state = read_journal(path)
    assert state.done == {"a", "b"}
    assert list(state.open_changes) == ["a", "b", "c"]
    assert state.open_changes["c"] == ON_OLD
    assert not state.torn_tail
    reopened = Journal(path)
    reopened.open()
    try:
        assert reopened.is_done("a")
        assert not reopened.is_done("c")
        assert reopened.has_before("c")  # resume re-sends c, keeping its first "before"
    finally:
        reopened.close()


async def test_every_line_is_versioned_json(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    await _write(path, done=["a"], pending=["b"])
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["op"], r["id"]) for r in records] == [
        ("before", "a"),
        ("before", "b"),
        ("after", "a"),
    ]
    assert all(r["v"] == 1 and r["at"] for r in records)
    assert records[0]["request"] == {"agent_id": "agent_new"}


async def test_a_torn_last_line_is_reported_and_replaced_on_reopen(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    await _write(path, done=["a"], pending=["b"])
    with path.open("ab") as file:
        file.write(b'{"v":1,"op":"after","id":"b","st')  # SIGKILL mid-write
    state = read_journal(path)
    assert state.torn_tail
    assert [(d.op, d.phone_number_id) for d in state.damaged] == [("after", "b")]
    assert state.done == {"a"}
    with Journal(path) as journal:
        await journal.record_after("b", PhoneNumberState.of(_number("b", "agent_new")))
    lines = path.read_text().splitlines()
    assert all(json.loads(line) for line in lines)  # no torn fragment left in the middle
    assert read_journal(path).done == {"a", "b"}


async def test_a_damaged_line_before_the_last_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    await _write(path, done=["a"], pending=[])
    text = path.read_text().splitlines()
    path.write_text("\n".join([text[0], "not json", text[1]]) + "\n")
    with pytest.raises(JournalError) as caught:
        read_journal(path)
    assert caught.value.line == 2
    with pytest.raises(JournalError):
        Journal(path).open()


async def test_an_unknown_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('{"v":2,"op":"before","id":"a"}\n')
    with pytest.raises(JournalError, match="version 2"):
        read_journal(path)


async def test_the_first_before_is_kept_and_undone_closes_the_change(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        await journal.record_before("a", ON_OLD, MOVE)
        # A resumed run must not replace the state kept for undo:
        later = PhoneNumberState(agent_id="agent_new", label="Sales")
        await journal.record_before("a", later, MOVE)
        await journal.record_after("a", PhoneNumberState.of(_number("a", "agent_new")))
    assert read_journal(path).open_changes == {"a": ON_OLD}
    with Journal(path) as journal:
        await journal.record_undone("a")
    state = read_journal(path)
    assert state.open_changes == {}
    assert state.done == set()
    with Journal(path) as journal:  # a new run after undo starts afresh
        await journal.record_before("a", later, MOVE)
    assert read_journal(path).open_changes == {"a": later}


async def test_records_are_fsynced_before_they_are_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import elevenphone.bulk.journal as journal_module

    synced: list[int] = []
    real_fsync = journal_module.os.fsync
    monkeypatch.setattr(journal_module.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    journal = Journal(tmp_path / "j.jsonl")
    journal.open()
    try:
        await journal.record_before("a", ON_OLD, MOVE)
        assert len(synced) == 1
        # Records written in the same turn of the loop share one fsync.
        await asyncio.gather(*(journal.record_before(f"n{i}", ON_OLD, MOVE) for i in range(20)))
        assert len(synced) == 2
    finally:
        journal.close()


async def test_no_secret_of_the_request_reaches_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    request = UpdatePhoneNumberRequest(
        agent_id="agent_new",
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example", credentials=SIPTrunkCredentials(username="u", password="hunter2")
        ),
    )
    with Journal(path) as journal:
        await journal.record_before("a", ON_OLD, recorded_update(request))
    text = path.read_text()
    assert "hunter2" not in text
    assert json.loads(text)["fields"] == ["agent_id", "outbound_trunk_config"]


def test_state_of_a_number_and_the_update_that_restores_it() -> None:
    assigned = TwilioPhoneNumber(
        phone_number="+1",
        label="Main",
        phone_number_id="a",
        assigned_agent=PhoneNumberAgentInfo(
            agent_id="agent_1", agent_name="A", branch_id="agtbrch_1", environment="prod"
        ),
    )
    state = PhoneNumberState.of(assigned)
    assert state == PhoneNumberState(
        agent_id="agent_1", branch_id="agtbrch_1", environment="prod", label="Main"
    )
    assert msgspec.to_builtins(state.restore_request()) == {
        "agent_id": "agent_1",
        "label": "Main",
        "environment": "prod",
        "branch_id": "agtbrch_1",
    }
    unassigned = PhoneNumberState.of(_number("b", None, label="Spare"))
    assert msgspec.to_builtins(unassigned.restore_request()) == {
        "agent_id": None,
        "label": "Spare",
    }


async def test_appending_to_a_closed_journal_is_an_error(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    with pytest.raises(RuntimeError):
        await journal.record_undone("a")
