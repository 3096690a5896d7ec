"""What a server sends is shown, never obeyed: terminal escape sequences and
other control characters in a reply reach no terminal raw, on a terminal or
piped, in tables, TSV, error lines, summaries and progress; ``--json`` stays
exact JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_helpers import API_KEY, run_cli
from terminal_helpers import run_cli_with_terminal_output

from elevenphone.testing import FakeElevenLabs, Fault

# Clear the screen, set the window title, a CSI in C1, DEL, a bell, and a
# right-to-left override: each one a terminal (or a reader) would obey.
LABEL = "Sales\x1b[2J\x1b]0;pwned\x07 line\x9b31m\x7f \u202eenilno"
OBEYED = ("\x1b[2J", "\x1b]0;", "\x07", "\x9b", "\x7f", "\u202e")
SHOWN = ("\\x1b[2J", "\\x1b]0;pwned\\x07", "\\x9b31m", "\\x7f", "\\u202e")


def _obeys_none(text: str) -> None:
    for sequence in OBEYED:
        assert sequence not in text, repr(sequence)


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=3, seed=5, agent_ids=["agent_a"]) as fake:
        next(iter(fake.numbers.values()))["label"] = LABEL
        yield fake


def _pid(fake: FakeElevenLabs) -> str:
    return next(iter(fake.numbers))


@pytest.mark.parametrize("args", [("list",), ("get", "{pid}")], ids=["list", "get"])
async def test_tsv_cells_show_control_characters_as_escapes(
    fake: FakeElevenLabs, args: tuple[str, ...]
) -> None:
    result = await run_cli(*(a.format(pid=_pid(fake)) for a in args), fake=fake)
    assert result.returncode == 0, result.stderr
    _obeys_none(result.stdout)
    for escape in SHOWN:
        assert escape in result.stdout


async def test_json_stays_exact_and_obeys_nothing(fake: FakeElevenLabs) -> None:
    one = await run_cli("get", _pid(fake), "--json", fake=fake)
    listed = await run_cli("list", "--json", fake=fake)
    assert one.json()["label"] == LABEL
    assert LABEL in [number["label"] for number in listed.json()]
    for result in (one, listed):
        _obeys_none(result.stdout)
        assert "\x1b" not in result.stdout


async def test_a_table_on_a_terminal_shows_control_characters_as_escapes(
    fake: FakeElevenLabs,
) -> None:
    status, shown = await run_cli_with_terminal_output("get", _pid(fake), fake=fake)
    assert status == 0, shown
    _obeys_none(shown)
    for escape in SHOWN:
        assert escape in shown


async def test_an_error_line_shows_control_characters_as_escapes(fake: FakeElevenLabs) -> None:
    message = "number \x1b[2Jgone\x9b"
    fault = Fault.status(404, {"detail": {"status": "not_found", "message": message}})
    fake.script(fault)
    piped = await run_cli("get", _pid(fake), fake=fake)
    fake.script(fault)
    status, shown = await run_cli_with_terminal_output("get", _pid(fake), fake=fake)
    fake.script(fault)
    as_json = await run_cli("get", _pid(fake), "--json", fake=fake)
    assert piped.returncode == status == as_json.returncode == 5
    for text in (piped.stderr, shown):
        _obeys_none(text)
        assert "number \\x1b[2Jgone\\x9b" in text
    assert message in json.loads(as_json.stderr)["error"]["message"]


async def test_bulk_summaries_failures_and_progress_show_control_characters_as_escapes(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    # The file's name is the run's title: in the progress bar and the summary.
    updates = tmp_path / "moves\x1b[2J.jsonl"
    updates.write_text(
        "".join(json.dumps({"id": pid, "label": "L"}) + "\n" for pid in fake.numbers)
    )
    refused = Fault.status(400, {"detail": {"status": "bad", "message": "no\x1b]0;pwned\x07"}})
    args = ["bulk-update", str(updates), "--concurrency", "1"]

    fake.script(*[refused] * len(fake.numbers))
    piped = await run_cli(*args, "--journal", str(tmp_path / "a.jsonl"), fake=fake)
    assert piped.returncode == 6, piped.stderr
    fake.script(*[refused] * len(fake.numbers))
    status, shown = await run_cli_with_terminal_output(
        *args, "--journal", str(tmp_path / "b.jsonl"), fake=fake
    )
    assert status == 6, shown
    for text in (piped.stdout + piped.stderr, shown):
        _obeys_none(text)
        assert "moves\\x1b[2J.jsonl" in text
        assert "no\\x1b]0;pwned\\x07" in text


async def test_a_retry_log_line_shows_control_characters_as_escapes(fake: FakeElevenLabs) -> None:
    fake.script(Fault.status(503, {"detail": {"status": "busy", "message": "wait\x1b[2J"}}))
    result = await run_cli("-v", "get", _pid(fake), fake=fake)
    assert result.returncode == 0, result.stderr
    _obeys_none(result.stderr)
    assert "wait\\x1b[2J" in result.stderr
