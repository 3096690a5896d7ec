"""The command line as a subprocess against hostile replies and careless input:
typed messages, the promised exit statuses, and never the key."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_helpers import API_KEY, run_cli

from elevenphone.testing import FakeElevenLabs, Fault

EXIT_FAILURE, EXIT_USAGE, EXIT_BULK_FAILURES = 1, 2, 6


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=6, seed=3) as fake:
        yield fake


def _pid(fake: FakeElevenLabs) -> str:
    return next(iter(fake.numbers))


# --- local refusals exit 2 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("update", "", "--label", "x"),
        ("update", "   ", "--agent-id", "agent_x"),
        ("get", ""),
    ],
)
async def test_an_empty_id_is_a_usage_error(fake: FakeElevenLabs, args: tuple[str, ...]) -> None:
    result = await run_cli(*args, fake=fake)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "phone_number_id" in result.stderr
    assert "unexpected" not in result.stderr
    assert fake.requests == []


@pytest.mark.parametrize("timeout", ["inf", "-inf", "nan", "Infinity"])
async def test_a_timeout_that_is_not_finite_is_a_usage_error(
    fake: FakeElevenLabs, timeout: str
) -> None:
    result = await run_cli("--timeout", timeout, "get", _pid(fake), fake=fake)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "--timeout" in result.stderr
    assert "unexpected" not in result.stderr
    assert fake.requests == []


@pytest.mark.parametrize(
    "args",
    [
        # A str argument with a lone surrogate goes out as the byte it stands for: b"\xff".
        ("get", "\udcff"),
        ("get", "phnum_\udcff"),
        ("delete", "x\udcffy", "--yes"),
        ("update", "PID", "--label", "Sales \udcff"),
        ("list", "--agent-id", "agent_\udcff"),
    ],
)
async def test_bytes_that_are_not_utf8_in_argv_are_a_usage_error(
    fake: FakeElevenLabs, args: tuple[str, ...]
) -> None:
    args = tuple(_pid(fake) if arg == "PID" else arg for arg in args)
    result = await run_cli(*args, fake=fake)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "lone surrogate" in result.stderr
    assert "unexpected" not in result.stderr
    assert fake.requests == []


async def test_a_trunk_config_the_schema_refuses_is_a_usage_error(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    config = tmp_path / "out.json"
    config.write_text(json.dumps({"address": "sip.example", "transport": "pigeon"}))
    result = await run_cli("update", _pid(fake), "--outbound-config", str(config), fake=fake)
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "outbound_trunk_config.transport" in result.stderr
    assert "unexpected" not in result.stderr
    assert fake.requests == []


@pytest.mark.parametrize(
    ("base_url", "what"),
    [("http://127.0.0.1:1/p?x=1", "query"), ("http://u:hunter2@127.0.0.1:1", "credentials")],
)
async def test_a_bad_base_url_is_a_usage_error(base_url: str, what: str) -> None:
    result = await run_cli("--base-url", base_url, "--api-key", API_KEY, "get", "phnum_x")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert what in result.stderr
    assert "hunter2" not in result.stderr


# --- replies that do not decode ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "body"),
    [
        (("get", "{pid}"), b'{"provider":"twilio","label":"\xff"}'),
        (("get", "{pid}"), b"[" * 100_000 + b"]" * 100_000),
        (("list",), b'[{"provider":"\xfe"}]'),
        (("update", "{pid}", "--label", "x"), b"{" * 50_000),
    ],
    ids=["invalid-utf8", "nested-100k", "list-invalid-utf8", "cut-nesting"],
)
async def test_a_2xx_that_does_not_decode_is_one_error_line(
    fake: FakeElevenLabs, args: tuple[str, ...], body: bytes
) -> None:
    fake.script(Fault.status(200, body, {"Content-Type": "application/json"}))
    result = await run_cli(*(a.format(pid=_pid(fake)) for a in args), fake=fake)
    assert result.returncode == EXIT_FAILURE, result.stderr
    assert result.stderr.startswith("error: ")
    assert "the reply is not" in result.stderr
    assert "unexpected" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


async def test_an_error_reply_that_does_not_decode_gives_the_status_line(
    fake: FakeElevenLabs,
) -> None:
    fake.script(*[Fault.status(503, b"\xff\xfe" * 10)] * 3)
    result = await run_cli("--max-retries", "2", "get", _pid(fake), fake=fake)
    assert result.returncode == EXIT_FAILURE
    assert result.stderr.strip() == "error: 503 Service Unavailable"


# --- the key, whatever the server echoes ---------------------------------------------------


def _echo(status: int) -> Fault:
    detail = {"status": "bad_request", "message": f"nope, {API_KEY} is wrong"}
    return Fault.status(status, {"detail": detail})


async def test_an_echoed_key_never_reaches_stderr(fake: FakeElevenLabs) -> None:
    fake.script(_echo(400))
    result = await run_cli("update", _pid(fake), "--label", "x", fake=fake)  # checks the key
    assert result.returncode == 3
    assert "[redacted]" in result.stderr


async def test_an_echoed_key_in_a_reply_field_is_redacted_from_tables_and_json(
    fake: FakeElevenLabs,
) -> None:
    pid = _pid(fake)
    fake.numbers[pid]["label"] = f"label {API_KEY}"
    table = await run_cli("get", pid, fake=fake)
    as_json = await run_cli("get", pid, "--json", fake=fake)
    listing = await run_cli("list", fake=fake)
    for result in (table, as_json, listing):
        assert result.returncode == 0
        assert "[redacted]" in result.stdout
    assert as_json.json()["label"] == "label [redacted]"


async def test_an_echoed_key_never_reaches_bulk_tables_json_or_the_journal(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    ids = list(fake.numbers)[:3]
    updates = tmp_path / "updates.jsonl"
    updates.write_text("".join(json.dumps({"id": pid, "label": "L"}) + "\n" for pid in ids))
    journal = tmp_path / "journal.jsonl"
    for as_json in (False, True):
        fake.script(*[_echo(400)] * len(ids))
        args = ["bulk-update", str(updates), "--journal", str(journal), "--concurrency", "1"]
        result = await run_cli(*args, *(["--json"] if as_json else []), fake=fake)
        assert result.returncode == EXIT_BULK_FAILURES, result.stderr
        assert "[redacted]" in (
            result.stdout if not as_json else result.json()["failed"][ids[0]]["error"]
        )
    assert API_KEY not in journal.read_text()
    assert "[redacted]" in journal.read_text()


# --- the journal cannot be written -----------------------------------------------------------


async def test_a_full_disk_names_the_journal_and_how_to_resume(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    updates = tmp_path / "updates.jsonl"
    updates.write_text(json.dumps({"id": _pid(fake), "label": "L"}) + "\n")
    result = await run_cli("bulk-update", str(updates), "--journal", "/dev/full", fake=fake)
    assert result.returncode == EXIT_FAILURE, result.stderr
    assert "/dev/full" in result.stderr
    assert os.strerror(errno.ENOSPC) in result.stderr  # the OS's reason, in its words
    assert "--journal /dev/full to resume" in result.stderr
    assert "unexpected" not in result.stderr
    assert [r.method for r in fake.requests if r.method == "PATCH"] == []


async def test_a_damaged_journal_line_is_a_warning_on_stderr_and_in_json(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    pid = _pid(fake)
    updates = tmp_path / "updates.jsonl"
    updates.write_text(json.dumps({"id": pid, "label": "L"}) + "\n")
    journal = tmp_path / "journal.jsonl"
    first = await run_cli("bulk-update", str(updates), "--journal", str(journal), fake=fake)
    assert first.returncode == 0, first.stderr
    with journal.open("ab") as file:
        file.write(b'{"v":1,"op":"before","id":"' + pid.encode() + b'","sta')
    again = await run_cli(
        "bulk-update", str(updates), "--journal", str(journal), "--json", fake=fake
    )
    assert again.returncode == 0, again.stderr
    assert "warning:" in again.stderr
    assert pid in again.stderr
    assert again.json()["warnings"]
