"""The built API reference shows every public method and constructor with its parameters.

The site is built once, with ``mkdocs build --strict`` (a subprocess, into a
temporary directory). mkdocstrings gives each object's heading its dotted path
as id (``elevenphone.PhoneNumbers.update``); the object's section is the
``doc-contents`` block beside that heading, without the sections of its members.
For each public class of ``elevenphone``, ``elevenphone.testing`` and
``elevenphone.webhooks``, its section (which shows the constructor) and that
of each public method it defines, and the section of each public function,
must have a Parameters table naming every parameter of ``inspect.signature``
(``self`` and ``cls`` aside). A name ``elevenphone.webhooks`` takes from
``elevenphone`` (its errors) is checked there.

Not checked: enums (their constructor is ``Enum(value)``) and response models,
which the client decodes from replies and nobody builds: their fields are
shown one by one as attributes.

Skipped unless the docs dependency group (mkdocs, mkdocs-material,
mkdocstrings) is installed; ``nox -s docs`` runs it.
"""

from __future__ import annotations

import enum
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import elevenphone
import elevenphone.testing
import elevenphone.webhooks
from elevenphone._models._base import ResponseModel
from tests.docs.markdown_blocks import ROOT

for _module in ("mkdocs", "material", "mkdocstrings"):
    pytest.importorskip(_module, reason="needs the docs group: nox -s docs")

PACKAGES = {
    "elevenphone": elevenphone,
    "elevenphone.testing": elevenphone.testing,
    "elevenphone.webhooks": elevenphone.webhooks,
}


# --- the built site, as a tree of elements -------------------------------------------


class Element:
    """An HTML element: its tag, attributes, children and the text directly in it."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self) -> Iterator[Element]:
        return (child for child in self.children if isinstance(child, Element))

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", {}, None)
        self.by_id: dict[str, Element] = {}
        self.signatures: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if "doc-signature" in element.classes:
            self.signatures.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        element: Element | None = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def _own_parts(section: Element) -> Iterator[Element]:
    """The elements of an object's section, without its members' sections."""
    for child in section.elements():
        if "doc-children" in child.classes or "doc-object" in child.classes:
            continue
        yield child
        yield from _own_parts(child)


def parameters_shown(heading: Element) -> list[str] | None:
    """The names in the Parameters table of the object whose heading this is
    (None: it has no such table)."""
    assert heading.parent is not None
    contents = next((e for e in heading.parent.elements() if "doc-contents" in e.classes), None)
    if contents is None:
        return None
    parts = list(_own_parts(contents))
    for index, part in enumerate(parts):
        if "doc-section-title" in part.classes and part.text().strip() == "Parameters:":
            table = next(p for p in parts[index:] if p.tag == "table")
            names = []
            for row in (p for p in _own_parts(table) if p.tag == "tr"):
                cells = [c for c in row.elements() if c.tag == "td"]
                if cells:
                    names.append(cells[0].text().strip().lstrip("*"))
            return names
    return None


class Site:
    """The built site: its directory, and the headings (by id) and the
    signatures of the reference."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.headings: dict[str, Element] = {}
        self.signatures: list[str] = []
        for page in sorted((directory / "reference").rglob("*.html")):
            builder = _TreeBuilder()
            builder.feed(page.read_text(encoding="utf-8"))
            self.headings.update(builder.by_id)
            self.signatures += [element.text().strip() for element in builder.signatures]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    directory = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Site(directory)


# --- what must be there ---------------------------------------------------------------


def _signature_parameters(callable_: Any) -> list[str]:
    try:
        signature = inspect.signature(callable_)
    except (TypeError, ValueError):  # no signature to show
        return []
    return [name for name in signature.parameters if name not in {"self", "cls"}]


def _methods(cls: type) -> Iterator[tuple[str, Any]]:
    """The public methods ``cls`` defines (inherited ones are not rendered)."""
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        function = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
        # A function held as a value (RetryPolicy.sleep = _sleep) is a field, not a method.
        if inspect.isfunction(function) and function.__name__ == name:
            yield name, function


def _callables() -> Iterator[Any]:
    for package, module in PACKAGES.items():
        for name in module.__all__:
            value = getattr(module, name)
            if package != "elevenphone" and getattr(elevenphone, name, None) is value:
                continue  # shown, and checked, as elevenphone's
            if inspect.isfunction(value):
                path = f"{package}.{name}"
                yield pytest.param(path, _signature_parameters(value), id=path)
                continue
            if not inspect.isclass(value) or not value.__module__.startswith("elevenphone"):
                continue
            if issubclass(value, (enum.Enum, ResponseModel)):
                continue
            path = f"{package}.{name}"
            yield pytest.param(path, _signature_parameters(value), id=path)
            for method, function in _methods(value):
                parameters = _signature_parameters(function)
                yield pytest.param(f"{path}.{method}", parameters, id=f"{path}.{method}")


@pytest.mark.parametrize(("path", "expected"), list(_callables()))
def test_parameters_are_rendered(site: Site, path: str, expected: list[str]) -> None:
    heading = site.headings.get(path)
    assert heading is not None, f"no section for {path} in the built reference"
    if not expected:
        return
    shown = parameters_shown(heading)
    assert shown is not None, f"{path}: no Parameters table (an Args: section in its docstring)"
    missing = [name for name in expected if name not in shown]
    assert not missing, f"{path}: the Parameters table lacks {missing}"


def test_the_check_finds_parameters_where_they_are(site: Site) -> None:
    update = site.headings["elevenphone.PhoneNumbers.update"]
    assert parameters_shown(update) == _signature_parameters(elevenphone.PhoneNumbers.update)
    # A class's table is its own, not one of its methods'.
    assert parameters_shown(site.headings["elevenphone.PhoneNumbersWithRawResponse"]) == [
        "resource"
    ]


@pytest.mark.parametrize(
    "cls",
    [
        elevenphone.CreateTwilioPhoneNumberRequest,
        elevenphone.CreateExotelPhoneNumberRequest,
        elevenphone.CreateSIPTrunkPhoneNumberRequest,
    ],
    ids=lambda cls: cls.__name__,
)
def test_fields_documented_on_a_base_complete_a_structs_table(site: Site, cls: type) -> None:
    # phone_number, label, ... are documented once, on the imports' private base.
    assert parameters_shown(site.headings[f"elevenphone.{cls.__name__}"]) == (
        _signature_parameters(cls)
    )


def test_signatures_are_formatted(site: Site) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^\s*line_length:\s*(\d+)", config, re.M)
    assert match is not None
    width = int(match.group(1))
    too_long = [line for s in site.signatures for line in s.splitlines() if len(line) > width]
    assert not too_long, (
        f"{len(too_long)} signature lines over {width} characters (is ruff installed?):"
        f" {too_long[:3]}"
    )
    assert len(site.signatures) > 100


def test_attributes_show_no_computed_or_private_values(site: Site) -> None:
    timeout = site.headings["elevenphone.ElevenPhone.timeout"]
    assert timeout.parent is not None
    shown = [e.text().strip() for e in timeout.parent.elements() if "doc-signature" in e.classes]
    assert shown == ["timeout: float | None"]
    # An attribute's signature is "name: type = value"; a callable's "name(...".
    attributes = [s for s in site.signatures if re.match(r"[\w.]+\s*[:=]", s)]
    assert len(attributes) > 100
    private = re.compile(r"=\s*\(?\s*_[A-Za-z]")
    assert not [s for s in attributes if private.search(s)]


def test_the_404_page_links_from_the_site_root(site: Site) -> None:
    page = (site.directory / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"#:]+)"', page)
    assert links
    for link in links:
        assert link.startswith("/"), f"404.html links {link!r} relative to itself"
        target = site.directory / link.lstrip("/")
        assert target.is_file() or (target / "index.html").is_file(), link
