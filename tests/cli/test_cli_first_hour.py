"""What a new user meets in the first hour: -V, shell completion, blank ids
refused, errors as JSON with --json, plain piped output, and a second undo."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from cli_helpers import API_KEY, clean_env, run_cli

from elevenphone import __version__
from elevenphone.testing import FakeElevenLabs


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=6, seed=9, agent_ids=["agent_a"]) as fake:
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
