"""Tables on the site show what they say: Python-Markdown keeps a pipe inside a
code span in its cell, and shows ``\\|`` there as a backslash and a pipe (GitHub
would not), so ``[default\\|us]`` read ``default\\|us`` on the CLI page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import DOCS, ROOT

_CODE_SPAN = re.compile(r"`[^`]*`")
PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_code_span_in_a_table_escapes_a_pipe(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    escaped = [
        f"line {number}: {span}"
        for number, line in enumerate(text.splitlines(), 1)
        if line.lstrip().startswith("|")
        for span in _CODE_SPAN.findall(line)
        if "\\|" in span
    ]
    assert escaped == []


def test_the_cli_page_shows_the_choices_of_an_option() -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert "| `--region [default|us|eu|in|sg]` |" in page


def test_the_rendered_cli_tables_show_no_backslash() -> None:
    markdown = pytest.importorskip("markdown", reason="needs the docs extra")
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    html = markdown.markdown(page, extensions=["tables", "attr_list"])
    cells = re.findall(r"<td><code>(.*?)</code>", html)
    assert "--region [default|us|eu|in|sg]" in cells
    assert [cell for cell in cells if "\\" in cell] == []
