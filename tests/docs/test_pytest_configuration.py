"""The pytest configuration the docs suggest runs quietly: pytest-asyncio
prints a deprecation banner unless ``asyncio_default_fixture_loop_scope`` is
set, so every suggestion of ``asyncio_mode`` sets it too, as the repository's
own pyproject.toml does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.markdown_blocks import ROOT, Block, blocks, pages

SETTINGS = {"asyncio_mode": "auto", "asyncio_default_fixture_loop_scope": "function"}

# No marks: auto mode runs the test and the async fixture from the plugin.
TEST_FILE = """\
async def test_the_fake_answers(fake_elevenlabs):
    assert len(fake_elevenlabs.numbers) == 10
"""


def _configurations() -> list[Block]:
    return [
        b
        for page in pages()
        for b in blocks(page)
        if b.lang == "toml" and "[tool.pytest.ini_options]" in b.code
    ]


def test_the_readme_and_the_testing_guide_suggest_a_configuration() -> None:
    where = {b.page.relative_to(ROOT).as_posix() for b in _configurations()}
    assert {"README.md", "docs/guides/testing.md"} <= where


def test_every_mention_of_asyncio_mode_sets_the_loop_scope_too() -> None:
    for page in pages():
        text = page.read_text(encoding="utf-8")
        if "asyncio_mode" in text:
            assert "asyncio_default_fixture_loop_scope" in text, page


def _settings(code: str) -> dict[str, str]:
    return dict(re.findall(r'^(\w+) = "([^"]*)"$', code, re.MULTILINE))


@pytest.mark.parametrize("block", _configurations(), ids=lambda b: b.id)
def test_a_suggested_configuration_is_the_repository_own(block: Block) -> None:
    assert _settings(block.code) == SETTINGS
    own = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert SETTINGS.items() <= _settings(own).items()


def test_the_suggested_configuration_prints_no_banner(tmp_path: Path) -> None:
    [block, *_] = _configurations()
    (tmp_path / "pyproject.toml").write_text(block.code)
    (tmp_path / "test_quiet.py").write_text(TEST_FILE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ELEVENLABS_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_quiet.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    shown = result.stdout + result.stderr
    assert result.returncode == 0, shown
    assert "1 passed" in shown
    assert "warning" not in shown.lower(), shown
