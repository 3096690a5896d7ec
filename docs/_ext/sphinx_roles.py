"""A griffe extension for the docs build: render the package's reST-isms as Markdown.

The docstrings use Google sections (which mkdocstrings reads) but also Sphinx
roles (``:class:`X```) and ``::`` literal-block markers. This turns a role into
a cross-reference when it names a public object (``elevenphone.X``,
``elevenphone.X.member``, ``elevenphone.testing.X``), else into a code span,
and ``word::`` into ``word:``, so no page shows raw reST. mkdocs.yml loads it
by path; docs/_ext/ is excluded from the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

import elevenphone
import elevenphone.testing

_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|attr|mod|data|exc|obj):`(~?)([^`]+)`")
_LITERAL_MARKER = re.compile(r"(?<=\S)::$", re.MULTILINE)
_BARE_LITERAL_MARKER = re.compile(r"^[ \t]*::[ \t]*$", re.MULTILINE)

_RAISES_ITEM = re.compile(r"^[A-Za-z_][\w.]*(?:, [A-Za-z_][\w.]*)*:")

_PACKAGES = {
    "elevenphone": set(elevenphone.__all__),
    "elevenphone.testing": set(elevenphone.testing.__all__),
}


def _public_path(target: str, obj: griffe.Object) -> str | None:
    """The public dotted path ``target`` names, seen from ``obj``, if any."""
    parts = [p for p in target.split(".") if p != "elevenphone" and not p.startswith("_")]
    if parts[:1] == ["testing"]:
        package, parts = "elevenphone.testing", parts[1:]
    else:
        package = "elevenphone"
    if not parts:
        return None
    if parts[0] in _PACKAGES[package]:
        return ".".join([package, *parts])
    # A bare member name (":meth:`close`") inside a public class or one of its members.
    owner = obj if obj.is_class else obj.parent
    if owner is not None and owner.is_class and len(parts) == 1 and parts[0] in owner.members:
        for package, names in _PACKAGES.items():
            if owner.name in names:
                return f"{package}.{owner.name}.{parts[0]}"
    return None


def _fold_prose_in_raises(text: str) -> str:
    """Fold a ``Raises:`` line that is prose, not ``Type: description``, into the
    item above it, so griffe does not read it as an exception named by prose."""
    lines = text.split("\n")
    section_indent: int | None = None
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if stripped.endswith(":") and stripped[:-1].isalpha() and stripped[:1].isupper():
            section_indent = indent if stripped == "Raises:" else None
            continue
        if section_indent is None or not stripped:
            continue
        if indent <= section_indent:
            section_indent = None
        elif indent == section_indent + 4 and not _RAISES_ITEM.match(stripped):
            lines[index] = " " * (indent + 4) + stripped
    return "\n".join(lines)


def _objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _objects(member)  # type: ignore[arg-type]


class SphinxRoles(griffe.Extension):
    """Rewrites roles and literal markers in every docstring griffe loads.

    It runs once the package is loaded, so that a class's docstring can link
    to members defined after it was read (``:meth:`create``` in PhoneNumbers).
    """

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for obj in _objects(pkg):
            self._rewrite(obj)

    def _rewrite(self, obj: griffe.Object) -> None:
        docstring = obj.docstring
        if docstring is None:
            return

        def replace(match: re.Match[str]) -> str:
            target = match.group(2)
            shown = target.rsplit(".", 1)[-1] if match.group(1) or "._" in target else target
            shown = shown.removeprefix("elevenphone.")
            path = _public_path(target, obj)
            return f"[`{shown}`][{path}]" if path else f"`{shown}`"

        text = _fold_prose_in_raises(docstring.value)
        text = _ROLE.sub(replace, text)
        text = _LITERAL_MARKER.sub(":", text)
        text = _BARE_LITERAL_MARKER.sub("", text)
        docstring.value = text
