"""The exit statuses the README promises are the ones the command line uses,
read from its code (``EXIT_*`` in ``elevenphone.cli._errors``), so that a new
status cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

from elevenphone.cli import _errors

ROOT = Path(__file__).resolve().parents[2]


def _statuses_of_the_cli() -> dict[int, str]:
    return {value: name for name, value in vars(_errors).items() if name.startswith("EXIT_")}


def _section(page: Path, title: str) -> str:
    text = page.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"{page.name} has no '## {title}' section"
    return match.group(1)


def _readme_statuses() -> list[int]:
    section = _section(ROOT / "README.md", "The command line")
    return [int(code) for code in re.findall(r"^- `(\d+)`: \S", section, re.M)]


def test_the_readme_lists_every_exit_status_the_cli_uses() -> None:
    listed = _readme_statuses()
    assert len(listed) == len(set(listed)), listed
    assert set(listed) == set(_statuses_of_the_cli()), _statuses_of_the_cli()
    assert listed == sorted(listed)


def test_the_readme_and_the_cli_reference_list_the_same_statuses() -> None:
    table = _section(ROOT / "docs" / "cli.md", "Exit statuses")
    documented = [int(code) for code in re.findall(r"^\| `(\d+)` \|", table, re.M)]
    assert documented == _readme_statuses()
