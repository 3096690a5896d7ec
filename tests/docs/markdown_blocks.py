"""Find the fenced code blocks of Markdown pages, with the markers the docs tests read."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)(?P<attrs>.*)$")
_TITLE = re.compile(r'title="(?P<title>[^"]+)"')
_MARKER = re.compile(r"^<!--\s*(?P<name>[\w-]+)(?::\s*(?P<reason>.*?))?\s*-->$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, title, marker and text."""

    page: Path
    line: int  # 1-based line of the opening fence
    lang: str
    title: str | None
    marker: str | None  # the name of an HTML comment marker right before the fence
    marker_reason: str | None
    code: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT).as_posix()}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every fenced block of ``page``, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE_OPEN.match(lines[index])
        if match is None or not lines[index].strip().startswith("```"):
            index += 1
            continue
        start = index
        indent = match.group("indent")
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        marker = reason = None
        previous = start - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        if previous >= 0:
            comment = _MARKER.match(lines[previous].strip())
            if comment is not None:
                marker, reason = comment.group("name"), comment.group("reason")
        title = _TITLE.search(match.group("attrs"))
        code = textwrap.dedent("\n".join(body)) if indent else "\n".join(body)
        found.append(
            Block(
                page=page,
                line=start + 1,
                lang=match.group("lang"),
                title=title.group("title") if title else None,
                marker=marker,
                marker_reason=reason,
                code=code + "\n",
            )
        )
        index += 1
    return found


def pages() -> list[Path]:
    """Every page whose Python blocks are run: docs/**/*.md and README.md."""
    return [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]
