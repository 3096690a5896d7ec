"""What a new user meets in the first hour: -V, shell completion, blank ids
refused, errors as JSON with --json, plain piped output, and a second undo."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import API_KEY, agent_of, clean_env, run_cli

from elevenphone import __version__
from elevenphone.testing import FakeElevenLabs, Fault


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=6, seed=9, agent_ids=["agent_a"]) as fake:
        fake.add_agent("agent_b")  # where the tests move the numbers to
        yield fake


# --- -V and completion --------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["-V", "--version"])
async def test_version(flag: str) -> None:
    result = await run_cli(flag)
    assert (result.returncode, result.stdout) == (0, f"elevenphone, version {__version__}\n")


@pytest.mark.parametrize(
    ("shell", "says"),
    [("bash", "complete -o nosort -F"), ("zsh", "#compdef elevenphone"), ("fish", "complete")],
)
async def test_completion_scripts_come_from_click(shell: str, says: str) -> None:
    result = await run_cli(env=clean_env(_ELEVENPHONE_COMPLETE=f"{shell}_source"))
    assert result.returncode == 0
    assert says in result.stdout


async def test_completion_completes_commands_and_options() -> None:
    commands = await run_cli(
        env=clean_env(
            _ELEVENPHONE_COMPLETE="bash_complete", COMP_WORDS="elevenphone sip", COMP_CWORD="1"
        )
    )
    assert commands.stdout.split() == ["plain,sip-messages"]
    options = await run_cli(
        env=clean_env(
            _ELEVENPHONE_COMPLETE="bash_complete",
            COMP_WORDS="elevenphone list --so",
            COMP_CWORD="2",
        )
    )
    assert options.stdout.split() == ["plain,--sort"]


# --- blank ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("update", "", "--label", "x"),
        ("update", "phnum_x", "--agent-id", ""),
        ("update", "phnum_x", "--branch-id", " "),
        ("get", ""),
        ("delete", "\t", "--yes"),
        ("sip-messages", ""),
        ("list", "--agent-id", ""),
        ("bulk-reassign", "--from-agent", "", "--to-agent", "agent_b"),
        ("bulk-reassign", "--from-agent", "agent_a", "--to-agent", " "),
        ("call", "--agent-id", "", "--from", "phnum_x", "--to", "+1"),
        ("call", "--agent-id", "agent_a", "--from", "", "--to", "+1"),
        ("create", "--provider", "twilio", "--phone-number", "+1", "--label", "x",
         "--sid", "AC1", "--agent-id", " "),
    ],
)  # fmt: skip
async def test_a_blank_id_is_a_usage_error(fake: FakeElevenLabs, args: tuple[str, ...]) -> None:
    result = await run_cli(*args, fake=fake)
    assert result.returncode == 2, result.stderr
    assert "must not be empty or blank" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert fake.requests == []


# --- errors as JSON ---------------------------------------------------------------------------

ERROR_KEYS = {"type", "message", "status_code", "code", "request_id", "outcome_unknown"}


def _json_error(stderr: str) -> dict[str, Any]:
    assert len(stderr.splitlines()) == 1, stderr  # one object, nothing else
    shown = json.loads(stderr)
    assert set(shown) == {"error"}
    assert set(shown["error"]) == ERROR_KEYS
    error: dict[str, Any] = shown["error"]
    return error


async def test_an_api_error_with_json_is_one_json_object(fake: FakeElevenLabs) -> None:
    fake.script(
        Fault.status(
            404,
            {"detail": {"status": "phone_number_not_found", "message": f"no; key {API_KEY}"}},
            {"request-id": "req_7f3a"},
        )
    )
    result = await run_cli("get", "phnum_missing", "--json", fake=fake)
    assert result.returncode == 5
    assert result.stdout == ""
    assert _json_error(result.stderr) == {
        "type": "NotFoundError",
        "message": "404 Not Found: phone_number_not_found: no; key [redacted]",
        "status_code": 404,
        "code": "phone_number_not_found",
        "request_id": "req_7f3a",
        "outcome_unknown": False,
    }


async def test_a_422_with_json_keeps_exit_3(fake: FakeElevenLabs) -> None:
    pid = next(iter(fake.numbers))
    result = await run_cli("update", pid, "--livekit-stack", "static", "--json", fake=fake)
    assert result.returncode == 3
    error = _json_error(result.stderr)
    assert (error["type"], error["status_code"]) == ("BadRequestError", 400)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("get", "", "--json"), 2),
        (("update", "phnum_x", "--json", "--bogus"), 2),
        (("list", "--json", "--limit", "0"), 2),
        (("call", "--json", "--agent-id", "a", "--from", "p"), 2),  # no --to
        (("--region", "mars", "list", "--json"), 2),
    ],
)
async def test_a_usage_error_with_json_is_one_json_object(
    fake: FakeElevenLabs, args: tuple[str, ...], status: int
) -> None:
    result = await run_cli(*args, fake=fake)
    assert result.returncode == status
    error = _json_error(result.stderr)
    assert error["type"] == "UsageError"
    assert error["status_code"] is None
    assert "--help" not in error["message"]
    assert fake.requests == []


async def test_json_is_the_commands_flag_not_an_options_value(fake: FakeElevenLabs) -> None:
    result = await run_cli("update", "phnum_missing", "--label", "--json", fake=fake)
    assert result.returncode == 5
    assert result.stderr.startswith("error: 404 Not Found")
    assert fake.requests[-1].json == {"label": "--json"}


async def test_local_failures_with_json(fake: FakeElevenLabs) -> None:
    no_key = await run_cli("--base-url", fake.base_url, "get", "phnum_x", "--json")
    assert no_key.returncode == 4
    assert _json_error(no_key.stderr)["type"] == "AuthenticationError"
    unreachable = await run_cli(
        "--base-url", "http://127.0.0.1:9", "--api-key", API_KEY, "--max-retries", "0",
        "list", "--json",
    )  # fmt: skip
    assert unreachable.returncode == 1
    assert _json_error(unreachable.stderr)["type"] == "APIConnectionError"


async def test_a_lost_call_reply_with_json_says_outcome_unknown(fake: FakeElevenLabs) -> None:
    pid = next(p for p, n in fake.numbers.items() if n["provider"] == "twilio")
    fake.script(Fault.after_acting(Fault.reset()))
    result = await run_cli(
        "call", "--agent-id", "agent_a", "--from", pid, "--to", "+14155550100",
        "--provider", "twilio", "--json", fake=fake,
    )  # fmt: skip
    assert result.returncode == 7
    error = _json_error(result.stderr)
    assert error["outcome_unknown"] is True
    assert error["type"] == "APIConnectionError"
    assert "may have been placed" in error["message"]
    assert len(fake.calls) == 1


def test_a_secret_is_redacted_as_json_writes_it_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from elevenphone.cli import _errors

    monkeypatch.setattr(_errors, "SECRETS", ['pa"ss\\word'])
    shown = json.dumps({"label": 'x pa"ss\\word y'})
    assert _errors.redact(shown) == '{"label": "x [redacted] y"}'


# --- piped output is TSV; a terminal gets a table at its width ------------------------------

BOX = set("┏┓┗┛┡┩━│┃─└┘┌┐╇╋┳┻")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _tsv(stdout: str) -> tuple[str | None, list[str], list[list[str]]]:
    assert not BOX & set(stdout)
    lines = stdout.splitlines()
    title = lines.pop(0)[2:] if lines[0].startswith("# ") else None
    header, *rows = (line.split("\t") for line in lines)
    assert all(len(row) == len(header) for row in rows), stdout
    return title, header, rows


async def test_a_piped_list_is_tsv(fake: FakeElevenLabs) -> None:
    pid = next(iter(fake.numbers))
    fake.numbers[pid]["label"] = "two\tparts\nand  a line"
    fake.numbers[pid]["assigned_agent"] = None
    result = await run_cli("list", fake=fake)
    assert result.returncode == 0
    title, header, rows = _tsv(result.stdout)
    assert title == "6 phone numbers"
    assert header == [
        "ID", "Number", "Provider", "Label", "Agent ID", "Agent", "Branch", "Environment"
    ]  # fmt: skip
    assert [row[0] for row in rows] == list(fake.numbers)
    assert rows[0][3:6] == ["two parts and a line", "", ""]
    other = fake.numbers[rows[1][0]]
    assert rows[1][1:5] == [
        other["phone_number"],
        other["provider"],
        other["label"],
        other["assigned_agent"]["agent_id"],
    ]


async def test_piped_fields_are_tsv(fake: FakeElevenLabs) -> None:
    pid = next(p for p, n in fake.numbers.items() if n["provider"] == "twilio")
    got = await run_cli("get", pid, fake=fake)
    title, header, rows = _tsv(got.stdout)
    assert (title, header) == (None, ["field", "value"])
    assert ["id", pid] in rows
    called = await run_cli(
        "call", "--agent-id", "agent_a", "--from", pid, "--to", "+14155550100", fake=fake
    )
    _, header, rows = _tsv(called.stdout)
    assert ["conversation id", fake.calls[-1].conversation_id] in rows
    fake.add_sip_messages(pid, 3)
    messages = await run_cli("sip-messages", pid, fake=fake)
    title, header, rows = _tsv(messages.stdout)
    assert header == ["Time", "Dir", "Call ID", "Local", "Remote", "Message"]
    assert len(rows) == 3


async def test_a_terminal_gets_a_table_at_its_width(fake: FakeElevenLabs) -> None:
    env = clean_env(TTY_COMPATIBLE="1", NO_COLOR="1", COLUMNS="100")
    result = await run_cli("list", fake=fake, env=env)
    assert result.returncode == 0
    assert BOX & set(result.stdout)
    lines = ANSI.sub("", result.stdout).splitlines()
    assert max(len(line) for line in lines) <= 100
    assert all(pid in result.stdout for pid in fake.numbers)  # ids are never folded


# --- a second undo ----------------------------------------------------------------------------


async def test_a_second_undo_says_the_numbers_are_back(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    journal = tmp_path / "j.jsonl"
    moved = await run_cli(
        "bulk-reassign", "--from-agent", "agent_a", "--to-agent", "agent_b",
        "--journal", str(journal), fake=fake,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    first = await run_cli("undo", str(journal), fake=fake)
    assert first.returncode == 0
    assert "succeeded\t6" in first.stdout
    sent = len(fake.requests)

    again = await run_cli("undo", str(journal), fake=fake)
    assert again.returncode == 0, again.stderr
    message = "all 6 numbers of this journal are already back (undone before); nothing to do"
    assert again.stdout == message + "\n"
    as_json = await run_cli("undo", str(journal), "--json", fake=fake)
    assert as_json.returncode == 0
    report = as_json.json()
    assert (report["message"], report["already_undone"]) == (message, 6)
    assert (report["succeeded"], report["failed"]) == ([], {})
    assert message in as_json.stderr
    assert len(fake.requests) == sent  # nothing sent by either
    assert all(agent_of(n) == "agent_a" for n in fake.numbers.values())


async def test_undo_of_a_journal_without_changes_says_so(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    journal = tmp_path / "empty.jsonl"
    moved = await run_cli(
        "bulk-reassign", "--from-agent", "agent_nobody", "--to-agent", "agent_b",
        "--journal", str(journal), fake=fake,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    result = await run_cli("undo", str(journal), fake=fake)
    assert result.returncode == 0
    assert result.stdout == "this journal records no change to undo; nothing to do\n"
