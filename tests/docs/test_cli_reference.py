"""The CLI reference (docs/cli.md) names every command, option and exit status."""

from __future__ import annotations

import re

import click
import pytest

from elevenphone.cli import _errors
from elevenphone.cli._app import cli
from tests.docs.markdown_blocks import DOCS

PAGE = (DOCS / "cli.md").read_text(encoding="utf-8")


def _section(command: str) -> str:
    match = re.search(rf"^## {re.escape(command)}\n(.*?)(?=^## |\Z)", PAGE, re.M | re.S)
    assert match is not None, f"docs/cli.md has no '## {command}' section"
    return match.group(1)


def _options(command: click.Command) -> list[str]:
    names = []
    for param in command.params:
        if isinstance(param, click.Option):
            names.extend(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return [n for n in names if n != "--help"]


def test_every_global_option_is_documented() -> None:
    section = _section("Global options")
    for option in _options(cli):
        assert f"`{option}" in section, option


@pytest.mark.parametrize("name", sorted(cli.commands))  # type: ignore[attr-defined]
def test_every_command_and_option_is_documented(name: str) -> None:
    command = cli.commands[name]  # type: ignore[attr-defined]
    section = _section(name)
    for option in _options(command):
        assert f"`{option}" in section, f"{name} {option}"
    for param in command.params:
        if isinstance(param, click.Argument):
            assert (param.metavar or param.name.upper()) in section, f"{name} {param.name}"


def test_every_exit_status_is_documented() -> None:
    section = _section("Exit statuses")
    codes = {v for k, v in vars(_errors).items() if k.startswith("EXIT_")}
    documented = {int(c) for c in re.findall(r"^\| `(\d+)` \|", section, re.M)}
    assert documented == codes
