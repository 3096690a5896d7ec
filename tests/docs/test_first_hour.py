"""What a newcomer pastes first works on a fresh machine: elevenphone is not on
PyPI yet, so the README and the quickstart lead with a clone of the
repository, and the home page's sample fits its column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import DOCS, ROOT, Block, blocks

README = ROOT / "README.md"
DEMO = (
    "git clone {source} && cd elevenphone && python3 -m venv .venv"
    ' && . .venv/bin/activate && pip install ".[cli]" && elevenphone demo'
)
TESTS = "python3 -m pip install nox && nox -s tests"
# What fits the content column of the site at 1280 px (mkdocs.yml formats
# signatures to the same width).
COLUMN = 80


def _source_url() -> str:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^Source = "([^"]+)"$', pyproject, re.MULTILINE)
    assert match is not None, "pyproject.toml names no Source URL"
    return match.group(1).removesuffix("/").removesuffix(".git")


def _section_blocks(path: Path, heading: str) -> list[Block]:
    """The blocks between ``heading`` and the next heading of its level."""
    text = path.read_text(encoding="utf-8").splitlines()
    level = heading.split(" ")[0]
    start = text.index(heading) + 1
    end = next((i for i in range(start, len(text)) if re.match(rf"^{level} ", text[i])), len(text))
    return [b for b in blocks(path) if start < b.line <= end]


def _commands(block: Block) -> list[str]:
    return [line.split("#")[0].strip() for line in block.code.splitlines() if line.strip()]


def test_the_demo_command_clones_the_repository_the_metadata_names() -> None:
    [block, *_] = [b for b in _section_blocks(README, "## Try it: the demo") if b.lang == "bash"]
    assert _commands(block) == [DEMO.format(source=_source_url())]


@pytest.mark.parametrize("page", [README, DOCS / "quickstart.md"], ids=lambda p: p.name)
def test_install_leads_with_what_works_before_a_release(page: Path) -> None:
    [block, *_] = [b for b in _section_blocks(page, "## Install") if b.lang == "bash"]
    commands = _commands(block)
    assert commands[0] == f"git clone {_source_url()} && cd elevenphone"
    assert 'pip install ".[cli]"' in commands
    # Not from the index: there is nothing there yet.
    assert not [c for c in commands if re.search(r"pip install \"?elevenphone", c)]


def test_the_readme_keeps_the_command_that_runs_the_suite() -> None:
    commands = [c for b in blocks(README) if b.lang == "bash" for c in _commands(b)]
    assert TESTS in commands


@pytest.mark.parametrize("page", [DOCS / "index.md", DOCS / "quickstart.md"], ids=lambda p: p.name)
def test_the_first_pages_code_fits_the_column(page: Path) -> None:
    wide = [
        f"{b.id}: {line}"
        for b in blocks(page)
        if b.lang in {"python", "bash"}
        for line in b.code.splitlines()
        if len(line) > COLUMN
    ]
    assert wide == []


def _project_urls() -> list[str]:
    """The URLs of pyproject.toml's ``[project.urls]`` table."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = pyproject.split("[project.urls]\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r'^\w+ = "([^"]+)"$', table, re.MULTILINE)


def test_the_readme_links_in_the_form_of_the_project_urls() -> None:
    # One form per site: the same scheme, host and path root as the package
    # metadata gives, so that neither points somewhere the other does not.
    roots: dict[str, str] = {}
    for url in sorted(_project_urls(), key=len, reverse=True):
        roots[url.split("/")[2]] = url  # the shortest of each host wins
    links = re.findall(r"https?://[^\s)>\]`\"]+", README.read_text(encoding="utf-8"))
    ours = [link for link in links if link.split("/")[2].removeprefix("www.") in roots]
    assert ours, "the README links to neither the docs nor the source"
    assert [link for link in ours if not link.startswith(roots[link.split("/")[2]])] == []
