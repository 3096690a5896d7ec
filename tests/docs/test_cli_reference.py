"""The CLI reference (docs/cli.md) names every command, option and exit status.

A command is a ``## name`` section; a command of a group (``batch submit``) a
``### group name`` section under its group's ``## group``."""

from __future__ import annotations

import re

import click
import pytest

from elevenphone.cli import _errors
from elevenphone.cli._app import cli
from tests.docs.markdown_blocks import DOCS

PAGE = (DOCS / "cli.md").read_text(encoding="utf-8")


def _section(title: str, level: int = 2) -> str:
    """The text under the heading ``title`` (of ``level``), to the next ``##`` or ``###``."""
    marks = "#" * level
    match = re.search(rf"^{marks} {re.escape(title)}\n(.*?)(?=^###? |\Z)", PAGE, re.M | re.S)
    assert match is not None, f"docs/cli.md has no '{marks} {title}' section"
    return match.group(1)


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    """Every command by its path (``batch submit``), groups and their commands included."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found |= _commands(command, f"{prefix}{name} ")
    return found


COMMANDS = _commands(cli)


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


def test_commands_of_groups_are_found() -> None:
    assert {"agents get", "conversations wait", "batch submit"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_documented(name: str) -> None:
    command = COMMANDS[name]
    section = _section(name, level=2 + name.count(" "))
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
