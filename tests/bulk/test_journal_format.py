"""The journal's record format, without a disk: lines in, records out, and back."""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

import msgspec
import pytest

import elevenphone.bulk.journal_format as journal_format
import elevenphone.bulk.journal_replay as journal_replay
from elevenphone import (
    OutboundSIPTrunkConfig,
    PhoneNumberState,
    SIPTrunkCredentials,
    UpdatePhoneNumberRequest,
)
from elevenphone.bulk.journal_format import (
    JOURNAL_VERSION,
    DamagedLine,
    DamagedRecord,
    JournalJob,
    JournalRecord,
    decode_line,
    encode_line,
    read_leniently,
    request_digest,
)
from elevenphone.bulk.operations import recorded_update

AT = "2025-06-01T10:00:00.000+00:00"
ON_OLD = PhoneNumberState(agent_id="agent_old", branch_id="agtbrch_1", label="Sales")

RECORDS = [
    JournalRecord(
        v=1,
        op="job",
        at=AT,
        job=JournalJob(operation="reassign_agent", values={"to_agent_id": "agent_new"}),
        salt="01" * 16,
    ),
    JournalRecord(
        v=1,
        op="before",
        id="phnum_1",
        at=AT,
        state=ON_OLD,
        request={"agent_id": "agent_new"},
        fields=["agent_id"],
        digest="ab" * 16,
    ),
    JournalRecord(v=1, op="after", id="phnum_1", at=AT, state=PhoneNumberState(agent_id="x")),
    JournalRecord(v=1, op="failed", id="phnum_2", at=AT, error="404 Not Found: no such number"),
    JournalRecord(v=1, op="undone", id="phnum_1", at=AT),
    JournalRecord(v=1, op="damaged", at=AT, line=12, text='{"v":1,"op":"bef'),
]


@pytest.mark.parametrize("record", RECORDS, ids=[r.op for r in RECORDS])
def test_every_record_round_trips_through_one_line(record: JournalRecord) -> None:
    line = encode_line(record)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert decode_line(line) == record
    assert json.loads(line)["v"] == JOURNAL_VERSION


def test_a_before_line_is_written_as_documented() -> None:
    assert encode_line(RECORDS[1]) == (
        b'{"v":1,"op":"before","id":"phnum_1","at":"2025-06-01T10:00:00.000+00:00",'
        b'"state":{"agent_id":"agent_old","branch_id":"agtbrch_1","environment":null,'
        b'"label":"Sales"},"request":{"agent_id":"agent_new"},"fields":["agent_id"],'
        b'"digest":"' + b"ab" * 16 + b'"}\n'
    )


def test_a_line_written_by_0_1_0_reads() -> None:
    line = (
        b'{"v": 1, "op": "before", "id": "phnum_1", "at": "2025-06-01T10:00:00.000+00:00",'
        b' "state": {"agent_id": "agent_old", "label": "Sales"},'
        b' "request": {"agent_id": "agent_new"}, "fields": ["agent_id"]}\n'
    )
    record = decode_line(line)
    assert (record.op, record.id, record.digest) == ("before", "phnum_1", None)
    assert record.state == PhoneNumberState(agent_id="agent_old", label="Sales")


@pytest.mark.parametrize(
    "line",
    [
        b"not json\n",
        b'{"v":1,"op":"before","id":"a","st',
        b'{"v":1,"op":"renamed","id":"a"}\n',
        b'{"v":1,"op":"before","state":{"agent_id":"a"}}\n',
        b'{"v":1,"op":"undone","id":""}\n',
    ],
    ids=["not-json", "torn", "unknown-op", "no-id", "empty-id"],
)
def test_a_line_that_is_not_a_record_is_damaged(line: bytes) -> None:
    with pytest.raises(DamagedLine):
        decode_line(line)


def test_a_record_of_another_version_still_decodes_for_replay_to_refuse() -> None:
    assert decode_line(b'{"v":2,"op":"before","id":"a"}\n').v == 2


def test_a_torn_line_is_read_as_far_as_it_goes() -> None:
    whole = encode_line(RECORDS[1]).decode()
    assert read_leniently(whole) == ("before", "phnum_1", ON_OLD)
    cut_in_request = whole[: whole.index('"request"') + 12]
    assert read_leniently(cut_in_request) == ("before", "phnum_1", ON_OLD)
    cut_in_state = whole[: whole.index('"agtbrch')]
    assert read_leniently(cut_in_state) == ("before", "phnum_1", None)
    assert read_leniently('{"v":1,"op":"bef') == (None, None, None)
    assert read_leniently('{"v":1,"op":"after","id":"') == ("after", None, None)


def test_the_digest_is_keyed_with_the_salt() -> None:
    body, salt = b'{"agent_id":"agent_new"}', bytes(range(16))
    expected = hashlib.blake2b(body, key=salt, digest_size=16).hexdigest()
    assert request_digest(body, salt) == expected
    assert request_digest(body, bytes(16)) != expected


def test_a_job_says_how_another_differs() -> None:
    move = JournalJob(operation="reassign_agent", values={"from_agent_id": "a", "to_agent_id": "b"})
    assert move.difference(move) is None
    onwards = JournalJob(
        operation="reassign_agent", values={"from_agent_id": "b", "to_agent_id": "c"}
    )
    assert move.difference(onwards) == (
        "this journal serves reassign_agent from_agent_id='a' to_agent_id='b';"
        " this run asks from_agent_id='b' to_agent_id='c'"
    )
    assert move.difference(JournalJob(operation="bulk_update")) == (
        "this journal serves reassign_agent; this run is bulk_update"
    )


def test_a_damaged_record_says_what_is_known_of_its_number() -> None:
    unknown = DamagedRecord(line=3, text='{"v":1,"op":"bef')
    assert "which number it concerns cannot be read" in unknown.message
    kept = DamagedRecord(line=3, text="", op="before", phone_number_id="a", state_before=ON_OLD)
    assert "kept as an open change" in kept.message
    assert "agent_id='agent_old', branch_id='agtbrch_1'" in kept.message


def test_an_update_records_what_undo_restores_and_only_names_its_trunk_settings() -> None:
    request = UpdatePhoneNumberRequest(
        label="Sales",
        agent_id="agent_new",
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example", credentials=SIPTrunkCredentials(username="u", password="hunter2")
        ),
    )
    recorded = recorded_update(request)
    assert recorded.assignment == {"agent_id": "agent_new", "label": "Sales"}
    assert recorded.fields == ["agent_id", "label", "outbound_trunk_config"]
    line = encode_line(
        JournalRecord(
            v=1,
            op="before",
            id="a",
            state=ON_OLD,
            request=recorded.assignment,
            fields=recorded.fields,
            digest=request_digest(recorded.body, bytes(16)),
        )
    )
    assert b"hunter2" not in line
    assert b"sip.example" not in line
    assert recorded_update(request, b"{}").body == b"{}"  # the body as the run encoded it


def test_a_state_restores_through_the_update_of_its_own_fields() -> None:
    assert msgspec.to_builtins(ON_OLD.restore_request()) == {
        "agent_id": "agent_old",
        "label": "Sales",
        "environment": None,
        "branch_id": "agtbrch_1",
    }


@pytest.mark.parametrize("module", [journal_format, journal_replay])
def test_the_format_and_the_replay_do_no_io(module: object) -> None:
    tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"os", "io", "pathlib", "asyncio", "fcntl", "msvcrt", "shutil"}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "open" not in names
