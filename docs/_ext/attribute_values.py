"""A griffe extension for the docs build: show an attribute's value only when it is a default.

mkdocstrings shows an attribute as ``name: type = value``. For a class-level
default (``max_retries: int = 2``, an enum member) the value is what a reader
wants. For an attribute assigned in ``__init__`` it is the code that computes
it (``self.timeout = check_timeout(timeout)``), and a value that names a
private object (``sleep = _sleep``) says nothing a reader can use: this drops
both, so the page shows ``timeout: float | None``. Signatures are untouched.
mkdocs.yml loads it by path, after griffe's dataclasses extension, which reads
the class-level values to build a dataclass's ``__init__``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

import griffe


def _names_private_object(value: str | griffe.Expr) -> bool:
    if isinstance(value, str):
        return False
    return any(
        isinstance(part, griffe.ExprName) and part.name.startswith("_")
        for part in value.iterate(flat=True)
    )


def _attributes(obj: griffe.Object) -> Iterator[griffe.Attribute]:
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Attribute):
            yield member
        elif isinstance(member, (griffe.Module, griffe.Class)):
            yield from _attributes(member)


class AttributeValues(griffe.Extension):
    """Drops the values of attributes assigned in ``__init__`` or naming a private object."""

    def on_attribute_instance(
        self, *, node: ast.AST | griffe.ObjectNode, attr: griffe.Attribute, **kwargs: Any
    ) -> None:
        # The visitor reads assignments inside a function only in ``__init__``
        # (``self.x = ...``); anywhere else an attribute's target is a plain name.
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(target, ast.Attribute) for target in targets):
                attr.value = None

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for attribute in _attributes(pkg):
            if attribute.value is not None and _names_private_object(attribute.value):
                attribute.value = None
