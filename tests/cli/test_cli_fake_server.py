"""``elevenphone fake-server``: the options of ``python -m elevenphone.testing``,
read from its parser, with the help layout and the shell completion of every
other command."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
from cli_helpers import clean_env, run_cli

from elevenphone.cli import _local
from elevenphone.testing.__main__ import build_parser


def _options() -> list[argparse.Action]:
    return [a for a in build_parser()._actions if "--help" not in a.option_strings]


def _headings(help_text: str) -> list[str]:
    # The first word of each line that starts a section (not indented).
    return [line.split()[0] for line in help_text.splitlines() if line and not line[0].isspace()]


async def test_help_is_laid_out_as_every_other_commands() -> None:
    fake_server = await run_cli("fake-server", "--help")
    get = await run_cli("get", "--help")
    short = await run_cli("fake-server", "-h")
    assert fake_server.returncode == get.returncode == short.returncode == 0
    assert short.stdout == fake_server.stdout
    assert _headings(fake_server.stdout) == _headings(get.stdout)
    assert "elevenphone fake-server [OPTIONS]" in fake_server.stdout.splitlines()[0]
    for action in _options():
        metavar = "" if action.nargs == 0 else f" {action.metavar or action.dest.upper()}"
        assert f"{action.option_strings[-1]}{metavar}" in fake_server.stdout
    assert "%(default)" not in fake_server.stdout
    assert "(default: 8080)" in fake_server.stdout


async def _complete(*words: str) -> set[str]:
    line = ["elevenphone", "fake-server", *words]
    env = clean_env(
        _ELEVENPHONE_COMPLETE="bash_complete",
        COMP_WORDS=" ".join(line),
        COMP_CWORD=str(len(line) - 1),
    )
    result = await run_cli(env=env)
    assert result.returncode == 0, result.stderr
    return {line.partition(",")[2] for line in result.stdout.splitlines()}


async def test_the_shell_completes_its_options_and_their_values() -> None:
    offered = await _complete("--")
    for action in _options():
        assert set(action.option_strings) <= offered, action.option_strings
    assert {"127.0.0.1", "localhost"} <= await _complete("--host", "")
    assert await _complete("--rate-limit", "n") == {"none"}


def test_every_completion_names_an_option_of_the_fake() -> None:
    assert set(_local.COMPLETIONS) <= {action.dest for action in _options()}


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--port", "0", "--numbers", "7", "--key", "k", "--seed", "3"],
        ["--agent-id", "agent_a", "--agent-id", "agent_b", "--latency", "0.01,0.05"],
        ["--concurrency-limit", "0:16,300:none", "--other-clients-in-flight", "2"],
        ["--rate-limit", "0:50,100:12.5", "--rate-limit-burst", "5", "--retry-after"],
        ["--host", "::1", "--fault-rate", "0.25", "--api-key", "x"],
    ],
)
def test_the_options_mean_what_they_mean_to_python_m_elevenphone_testing(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(_local, "serve_fake", lambda args: served.append(vars(args)) or 0)
    assert _local.fake_server.main(argv, standalone_mode=False) == 0
    assert served == [vars(build_parser().parse_args(argv))]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--port", "70000"], ["--port", "70000"]),
        (["--numbers", "many"], ["--numbers", "many"]),
        (["--latency", "0.5,0.1"], ["--latency", "0.5,0.1"]),
        (["--concurrency-limit", "0:4,0:5"], ["--concurrency-limit"]),
        (["--fault-rate", "1.5"], ["--fault-rate", "1.5"]),
        (["--bogus"], ["--bogus"]),
    ],
)
async def test_a_bad_option_is_a_usage_error_in_the_clis_words(
    argv: list[str], words: list[str]
) -> None:
    result = await run_cli("fake-server", *argv)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    for word in words:
        assert word in result.stderr
    assert result.stdout == ""  # it never served
