"""Replaying a journal's lines, without a disk: what each sequence of records says."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from elevenphone import PhoneNumberState
from elevenphone.bulk.journal_format import JournalJob, JournalRecord, encode_line
from elevenphone.bulk.journal_replay import JournalState, ReplayError, replay

ON_OLD = PhoneNumberState(agent_id="agent_old", label="Sales")
LATER = PhoneNumberState(agent_id="agent_new", label="Sales")
MOVED = PhoneNumberState(agent_id="agent_new")


def _line(op: str, pid: str = "", **fields: Any) -> bytes:
    return encode_line(msgspec.convert({"v": 1, "op": op, "id": pid, **fields}, JournalRecord))


def _job(salt: str = "01" * 16) -> bytes:
    return encode_line(
        JournalRecord(v=1, op="job", job=JournalJob(operation="bulk_update"), salt=salt)
    )


def _before(pid: str, state: PhoneNumberState = ON_OLD, digest: str | None = "d1") -> bytes:
    record = JournalRecord(v=1, op="before", id=pid, state=state, digest=digest)
    return encode_line(record)


def _state(*lines: bytes) -> JournalState:
    return replay(lines).state


def test_nothing_replays_to_nothing() -> None:
    replayed = replay([])
    assert replayed.state == JournalState()
    assert (replayed.good_length, replayed.ends_a_line) == (0, True)


def test_a_before_opens_a_change_and_its_after_marks_it_done() -> None:
    state = _state(_job(), _before("a"), _before("b"), _line("after", "a", state=MOVED))
    assert list(state.open_changes) == ["a", "b"]
    assert state.open_changes["a"] == ON_OLD
    assert state.done == {"a"}
    assert state.digests == {"a": "d1", "b": "d1"}
    assert state.job == JournalJob(operation="bulk_update")
    assert state.salt == bytes([1] * 16)
    assert not state.damaged


def test_a_later_before_keeps_the_first_state_and_reopens_a_done_change() -> None:
    state = _state(_before("a"), _line("after", "a"), _before("a", LATER, digest="d2"))
    assert state.open_changes == {"a": ON_OLD}
    assert state.done == set()
    assert state.digests == {"a": "d2"}


def test_undone_closes_the_change_and_a_new_before_starts_afresh() -> None:
    undone = _state(_before("a"), _line("after", "a"), _line("undone", "a"))
    assert (undone.open_changes, undone.done, undone.undone) == ({}, set(), {"a"})
    assert undone.digests == {}
    again = _state(_before("a"), _line("after", "a"), _line("undone", "a"), _before("a", LATER))
    assert (again.open_changes, again.undone) == ({"a": LATER}, set())


def test_failed_is_kept_for_the_record_only() -> None:
    state = _state(_before("a"), _line("failed", "a", error="503"))
    assert state.open_changes == {"a": ON_OLD}
    assert state.done == set()


def test_an_after_without_its_before_marks_nothing_done() -> None:
    assert _state(_line("after", "a")).done == set()


def test_a_journal_of_0_1_0_has_no_job_and_no_digests() -> None:
    state = _state(_before("a", digest=None), _line("after", "a"))
    assert (state.job, state.salt, state.digests) == (None, None, {})
    assert state.done == {"a"}


def test_only_the_first_job_counts_and_a_salt_that_does_not_read_is_none() -> None:
    state = _state(_job("zz"), _job())
    assert state.salt is None


def test_blank_lines_are_passed_over() -> None:
    state = _state(b"\n", _before("a"), b"  \n")
    assert list(state.open_changes) == ["a"]
    assert not state.torn_tail


def test_a_torn_last_before_is_salvaged_when_its_state_reads() -> None:
    whole = _before("b")
    torn = whole[: whole.index(b'"digest"')]
    replayed = replay([_before("a"), _line("after", "a"), torn])
    state = replayed.state
    assert state.torn_tail
    assert state.open_changes == {"a": ON_OLD, "b": ON_OLD}
    [damaged] = state.damaged
    assert (damaged.line, damaged.op, damaged.phone_number_id) == (3, "before", "b")
    assert (damaged.state_before, damaged.salvaged) == (ON_OLD, True)
    assert damaged.text == torn.decode()
    # The file without its damaged last line: what a repair keeps.
    assert replayed.good_length == len(_before("a")) + len(_line("after", "a"))


def test_a_torn_last_after_leaves_its_change_open_and_not_done() -> None:
    whole = _line("after", "a", state=MOVED)
    torn = whole[: whole.index(b'"id":"a"') + len(b'"id":"a"')]
    state = _state(_before("a"), torn)
    assert state.done == set()
    assert state.open_changes == {"a": ON_OLD}
    [damaged] = state.damaged
    assert (damaged.op, damaged.phone_number_id, damaged.salvaged) == ("after", "a", False)


def test_bytes_that_are_not_utf8_are_replaced_in_the_damaged_text() -> None:
    [damaged] = _state(_before("a"), b'{"v":1,"op":"\xff').damaged
    assert damaged.text == '{"v":1,"op":"\ufffd'
    assert damaged.phone_number_id is None


def test_a_damaged_record_replays_as_the_damage_it_preserves() -> None:
    torn = _line("undone", "a")[:30].decode()
    state = _state(
        _before("a"), _line("after", "a"), _line("damaged", line=3, text=torn), _before("b")
    )
    assert not state.torn_tail
    assert state.done == set()  # the undone may or may not have happened
    [damaged] = state.damaged
    assert (damaged.line, damaged.op, damaged.phone_number_id) == (3, "undone", "a")


def test_a_last_record_without_its_newline_does_not_end_a_line() -> None:
    replayed = replay([_before("a"), _before("b").rstrip(b"\n")])
    assert list(replayed.state.open_changes) == ["a", "b"]
    assert not replayed.state.torn_tail
    assert not replayed.ends_a_line
    assert replay([_before("a")]).ends_a_line


@pytest.mark.parametrize("bad", [b"not json\n", b'{"v":1,"op":"after"}\n'])
def test_a_damaged_line_before_the_last_names_its_line(bad: bytes) -> None:
    with pytest.raises(ReplayError) as caught:
        replay([_before("a"), bad, _line("after", "a")])
    assert caught.value.line == 2
    assert caught.value.message.startswith("damaged record: ")


def test_a_record_of_another_version_is_refused_wherever_it_stands() -> None:
    with pytest.raises(ReplayError) as caught:
        replay([_before("a"), b'{"v":2,"op":"before","id":"b"}\n'])
    assert caught.value.line == 2
    assert caught.value.message == "record of format version 2; this version reads 1"
