"""docs/cli.md documents every option of the one fake-server entry point.

``elevenphone fake-server`` reads its options from the argparse parser of
``python -m elevenphone.testing``: they are checked here, from that parser.
"""

from __future__ import annotations

import re

from elevenphone.testing.__main__ import DEFAULT_NUMBERS, DEFAULT_PORT, build_parser
from tests.docs.markdown_blocks import DOCS

PAGE = (DOCS / "cli.md").read_text(encoding="utf-8")


def _section() -> str:
    match = re.search(r"^## fake-server\n(.*?)(?=^## |\Z)", PAGE, re.M | re.S)
    assert match is not None, "docs/cli.md has no '## fake-server' section"
    return match.group(1)


def test_every_option_is_documented() -> None:
    section = _section()
    for option in build_parser()._option_string_actions:
        assert f"`{option}" in section, option


def test_the_defaults_are_documented() -> None:
    section = _section()
    assert f"| `--port N` | `{DEFAULT_PORT}` |" in section
    assert f"| `--numbers N` | `{DEFAULT_NUMBERS}` |" in section
