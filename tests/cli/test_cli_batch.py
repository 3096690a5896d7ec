"""``elevenphone batch`` as a subprocess against the fake: a CSV becomes the
batch's recipients (or is refused before anything is sent), ``--wait``, the
batch's other commands, and a submit or retry whose reply is lost, never
sent twice (exit 7)."""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import API_KEY, run_cli

from elevenphone import ElevenPhone
from elevenphone.testing import FakeElevenLabs, Fault

AGENT = "agent_batcher"
SUBMIT = "/v1/convai/batch-calling/submit"
LATER = 4_102_444_800  # 2100-01-01: a batch scheduled then stays pending


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(
        api_key=API_KEY, numbers=4, seed=3, agent_ids=[AGENT], call_duration=0
    ) as fake:
        yield fake


def _twilio(fake: FakeElevenLabs) -> str:
    return next(pid for pid, n in fake.numbers.items() if n["provider"] == "twilio")


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "recipients.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _submit(fake: FakeElevenLabs, csv_file: str, *more: str) -> tuple[str, ...]:
    return ("batch", "submit", "--agent", AGENT, "--from", _twilio(fake), "--csv", csv_file, *more)


def _posts(fake: FakeElevenLabs, path: str) -> list[Any]:
    return [r for r in fake.requests if r.method == "POST" and r.path == path]


async def _batch(fake: FakeElevenLabs, *numbers: str, **fields: Any) -> str:
    """A batch submitted with the SDK, to the numbers given; its id."""
    async with ElevenPhone(API_KEY, base_url=fake.base_url) as client:
        made = await client.batch_calls.submit(
            call_name="made by the test",
            agent_id=AGENT,
            agent_phone_number_id=_twilio(fake),
            recipients=[{"phone_number": number} for number in numbers],
            **fields,
        )
    return made.id


async def test_the_rows_of_the_csv_are_the_recipients_sent(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    csv_file = _csv(
        tmp_path,
        "phone_number,id,customer_name,amount\n+14155550101,cust-1,Ada,12.50\n+14155550102,,Grace,\n",
    )
    result = await run_cli(
        *_submit(fake, csv_file),
        "--name",
        "November reminders",
        "--at",
        "2030-01-01T09:00:00+01:00",
        "--concurrency-limit",
        "2",
        "--json",
        fake=fake,
    )
    assert result.returncode == 0, result.stderr
    [sent] = _posts(fake, SUBMIT)
    at = datetime.datetime(2030, 1, 1, 8, tzinfo=datetime.timezone.utc)
    assert sent.json == {
        "call_name": "November reminders",
        "agent_id": AGENT,
        "agent_phone_number_id": _twilio(fake),
        "scheduled_time_unix": int(at.timestamp()),
        "target_concurrency_limit": 2,
        "recipients": [
            {
                "phone_number": "+14155550101",
                "id": "cust-1",
                "conversation_initiation_client_data": {
                    "dynamic_variables": {"customer_name": "Ada", "amount": "12.50"}
                },
            },
            {
                "phone_number": "+14155550102",
                "conversation_initiation_client_data": {
                    "dynamic_variables": {"customer_name": "Grace"}
                },
            },
        ],
    }
    printed = result.json()
    assert printed["id"] in fake.batch_calls
    assert (printed["status"], printed["total_calls_scheduled"]) == ("pending", 2)


async def test_the_batch_is_named_after_its_file_unless_told(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    csv_file = _csv(tmp_path, "phone_number\n+14155550101\n")
    result = await run_cli(*_submit(fake, csv_file, "--at", "2100-01-01T00:00Z"), fake=fake)
    assert result.returncode == 0, result.stderr
    [sent] = _posts(fake, SUBMIT)
    assert sent.json["call_name"] == "recipients.csv"
    assert sent.json["scheduled_time_unix"] == LATER


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("phone_number,name\n+14155550101,Ada\n,Grace\n", 3),
        ("phone_number\n+14155550101\n+14155550102\n+14155550101\n", 4),
        ('phone_number,name\n+14155550101,"Ada\n', 2),
        ("phone_number,name\n+14155550101,Ada,Lovelace\n", 2),
    ],
    ids=["no-number", "repeated-number", "malformed", "too-many-cells"],
)
async def test_a_bad_row_is_refused_with_its_line_before_anything_is_sent(
    fake: FakeElevenLabs, tmp_path: Path, text: str, line: int
) -> None:
    result = await run_cli(*_submit(fake, _csv(tmp_path, text)), "--json", fake=fake)
    assert result.returncode == 2
    error = json.loads(result.stderr)["error"]
    assert error["type"] == "UsageError"
    assert f"recipients.csv:{line}: " in error["message"]
    assert fake.requests == []


@pytest.mark.parametrize(
    "at", ["2030-01-01T09:00:00", "tomorrow", "2030-13-01T00:00Z"], ids=["naive", "words", "bad"]
)
async def test_a_time_without_a_timezone_or_not_iso_is_a_usage_error(
    fake: FakeElevenLabs, tmp_path: Path, at: str
) -> None:
    csv_file = _csv(tmp_path, "phone_number\n+14155550101\n")
    result = await run_cli(*_submit(fake, csv_file, "--at", at), fake=fake)
    assert result.returncode == 2
    assert at in result.stderr
    assert fake.requests == []


async def test_timeout_and_interval_need_wait(fake: FakeElevenLabs, tmp_path: Path) -> None:
    csv_file = _csv(tmp_path, "phone_number\n+14155550101\n")
    result = await run_cli(*_submit(fake, csv_file, "--timeout", "5"), fake=fake)
    assert result.returncode == 2
    assert "--wait" in result.stderr
    assert fake.requests == []


async def test_wait_polls_the_batch_until_it_ends_and_prints_its_counts(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    fake.script_call_result("+14155550102", "busy")
    csv_file = _csv(tmp_path, "phone_number\n+14155550101\n+14155550102\n+14155550103\n")
    result = await run_cli(*_submit(fake, csv_file, "--wait", "--interval", "0.05"), fake=fake)
    assert result.returncode == 0, result.stderr
    fields = dict(line.split("\t", 1) for line in result.stdout.splitlines()[1:])
    assert fields["status"] == "completed"
    assert fields["calls"] == "3 finished, 3 placed, 3 scheduled"
    assert sorted(fields["recipients"].split(", ")) == ["completed 2", "failed 1"]
    [batch_id] = fake.batch_calls
    assert batch_id in result.stderr  # named as soon as it is submitted

    again = await run_cli(
        *_submit(fake, csv_file, "--wait", "--interval", "0.05", "--json"), fake=fake
    )
    assert again.returncode == 0, again.stderr
    detail = again.json()
    assert (detail["status"], detail["total_calls_finished"]) == ("completed", 3)
    assert sorted(r["status"] for r in detail["recipients"]) == ["completed", "completed", "failed"]


async def test_wait_that_runs_out_of_time_exits_8_and_names_the_batch(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    csv_file = _csv(tmp_path, "phone_number\n+14155550101\n")
    result = await run_cli(
        *_submit(fake, csv_file, "--at", "2100-01-01T00:00Z", "--wait", "--timeout", "0"),
        "--json",
        fake=fake,
    )
    assert result.returncode == 8
    [batch_id] = fake.batch_calls
    error = json.loads(result.stderr.splitlines()[-1])["error"]
    assert error["type"] == "PollTimeoutError"
    assert f"batch wait {batch_id}" in error["message"]
    assert len(_posts(fake, SUBMIT)) == 1

    waited = await run_cli("batch", "wait", batch_id, "--timeout", "0", fake=fake)
    assert waited.returncode == 8
    assert batch_id in waited.stderr


async def test_a_submit_whose_reply_is_lost_exits_7_and_is_sent_once(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    fake.script(Fault.after_acting(Fault.reset()), path=SUBMIT)
    csv_file = _csv(tmp_path, "phone_number\n+14155550101\n")
    result = await run_cli(*_submit(fake, csv_file, "--json"), fake=fake)
    assert result.returncode == 7
    error = json.loads(result.stderr)["error"]
    assert error["outcome_unknown"] is True
    assert "batch list" in error["message"]
    assert len(_posts(fake, SUBMIT)) == 1
    assert len(fake.batch_calls) == 1  # the server acted: the batch exists


async def test_a_retry_whose_reply_is_lost_exits_7_and_is_sent_once(
    fake: FakeElevenLabs,
) -> None:
    fake.script_call_result("+14155550102", "busy")
    batch_id = await _batch(fake, "+14155550101", "+14155550102")
    await fake.wait_for_calls()
    retry = f"/v1/convai/batch-calling/{batch_id}/retry"
    fake.script(Fault.after_acting(Fault.server_error(503)), path=retry)
    result = await run_cli("batch", "retry", batch_id, fake=fake)
    assert result.returncode == 7
    assert f"batch get {batch_id}" in result.stderr
    assert len(_posts(fake, retry)) == 1
    assert fake.batch_calls[batch_id]["retry_count"] == 1

    await fake.wait_for_calls()
    again = await run_cli("batch", "retry", batch_id, "--json", fake=fake)
    assert again.returncode == 0, again.stderr
    assert again.json()["retry_count"] == 2


async def test_list_get_and_cancel(fake: FakeElevenLabs) -> None:
    first = await _batch(fake, "+14155550101")
    later = await _batch(fake, "+14155550102", "+14155550103", scheduled_time_unix=LATER)

    listed = await run_cli("batch", "list", "--agent", AGENT, "--json", fake=fake)
    assert listed.returncode == 0, listed.stderr
    assert {b["id"] for b in listed.json()} == {first, later}
    assert fake.requests[-1].query["agent_id"] == AGENT
    limited = await run_cli("batch", "list", "--limit", "1", "--json", fake=fake)
    assert [b["id"] for b in limited.json()] == [later]  # newest first
    assert fake.requests[-1].query["limit"] == "1"

    got = await run_cli("batch", "get", later, "--json", fake=fake)
    assert got.returncode == 0, got.stderr
    assert [r["phone_number"] for r in got.json()["recipients"]] == ["+14155550102", "+14155550103"]
    shown = await run_cli("batch", "get", later, fake=fake)
    assert "+14155550103" in shown.stdout

    cancelled = await run_cli("batch", "cancel", later, "--json", fake=fake)
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.json()["status"] == "cancelled"
    assert fake.batch_calls[later]["status"] == "cancelled"

    missing = await run_cli("batch", "get", "btcal_missing", fake=fake)
    assert missing.returncode == 5


async def test_export_writes_the_csv_to_a_file_or_stdout(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    batch_id = await _batch(fake, "+14155550101", "+14155550102")
    await fake.wait_for_calls()
    async with ElevenPhone(API_KEY, base_url=fake.base_url) as client:
        expected = await client.batch_calls.export(batch_id)

    target = tmp_path / "results.csv"
    written = await run_cli("batch", "export", batch_id, "-o", str(target), fake=fake)
    assert written.returncode == 0, written.stderr
    assert target.read_bytes() == expected
    assert written.stdout == ""

    piped = await run_cli("batch", "export", batch_id, "-o", "-", "--limit", "1", fake=fake)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.encode() == b"".join(expected.splitlines(keepends=True)[:2])
    assert fake.requests[-1].query["limit"] == "1"


@pytest.mark.parametrize(
    "args",
    [
        ("batch", "get", "", "--json"),
        ("batch", "list", "--limit", "0", "--json"),
        ("conversations", "wait", "conv_1", "--timeout", "-1", "--json"),
        ("agents", "list", "--sort", "colour", "--json"),
    ],
    ids=["blank-id", "bad-limit", "bad-timeout", "bad-choice"],
)
async def test_a_usage_error_of_a_command_in_a_group_is_json_with_json(
    fake: FakeElevenLabs, args: tuple[str, ...]
) -> None:
    result = await run_cli(*args, fake=fake)
    assert result.returncode == 2
    assert json.loads(result.stderr)["error"]["type"] == "UsageError"
    assert fake.requests == []


async def test_json_as_the_value_of_an_option_is_not_the_json_flag(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.csv")
    result = await run_cli(*_submit(fake, missing, "--name", "--json"), fake=fake)
    assert result.returncode == 2
    assert not result.stderr.startswith("{")
