"""A griffe extension for the docs build: give msgspec Structs a constructor signature.

griffe builds ``__init__`` for dataclasses, not for msgspec Structs, so a
request model's page showed no signature, and its ``Args:`` section named
parameters griffe could not find (no types, and a warning each). This builds
``__init__`` from the class's runtime signature (names, kinds, defaults: what
msgspec really accepts) and the fields' annotations as written (which render
as cross-references). Response models are left alone: the client decodes
them from replies, nobody builds one. mkdocs.yml loads it by path.

A field a Struct inherits is documented once, on its base (the field's
docstring, or the base's ``Args:``): the Struct's Parameters table is
completed from there, in the order of the signature, so a subclass's
``Args:`` names only its own fields.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import griffe
import msgspec

from elevenphone._models._base import ResponseModel


def _classes(obj: griffe.Object) -> Iterator[griffe.Class]:
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Class):
            yield member
            yield from _classes(member)
        elif isinstance(member, griffe.Module):
            yield from _classes(member)


def _runtime(cls: griffe.Class) -> object:
    try:
        return getattr(importlib.import_module(cls.module.path), cls.name, None)
    except ImportError:
        return None


def _default(struct: type[msgspec.Struct], parameter: inspect.Parameter) -> str | None:
    if parameter.default is inspect.Parameter.empty:
        return None
    for field in msgspec.structs.fields(struct):
        if field.name == parameter.name and field.default_factory is not msgspec.NODEFAULT:
            return f"{field.default_factory.__name__}()"
    return repr(parameter.default)


class StructSignatures(griffe.Extension):
    """Adds ``__init__`` to each msgspec Struct but the response models."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for cls in _classes(pkg):
            struct = _runtime(cls)
            if not isinstance(struct, type) or not issubclass(struct, msgspec.Struct):
                continue
            if issubclass(struct, ResponseModel) or "__init__" in cls.members:
                continue
            parameters = [
                griffe.Parameter("self", kind=griffe.ParameterKind("positional or keyword"))
            ]
            for parameter in inspect.signature(struct).parameters.values():
                field = cls.all_members.get(parameter.name)
                parameters.append(
                    griffe.Parameter(
                        parameter.name,
                        annotation=getattr(field, "annotation", None),
                        kind=griffe.ParameterKind(parameter.kind.description),
                        default=_default(struct, parameter),
                    )
                )
            init = griffe.Function(
                "__init__",
                lineno=0,
                endlineno=0,
                parent=cls,
                parameters=griffe.Parameters(*parameters),
                returns="None",
            )
            cls.set_member("__init__", init)
            _complete_parameters(cls, parameters[1:])


def _documented_by_a_base(cls: griffe.Class, name: str) -> str | None:
    """What the bases of ``cls`` say of its field ``name``: the field's own
    docstring, else its entry in a base's ``Args:``."""
    field = cls.all_members.get(name)
    docstring = getattr(field, "docstring", None)
    if docstring is not None and docstring.value.strip():
        return str(docstring.value).strip()
    bases = list(cls.resolved_bases)
    while bases:
        base = bases.pop(0)
        if not isinstance(base, griffe.Class):
            continue
        section = _parameters_section(base)
        for entry in section.value if section else ():
            if entry.name == name:
                return str(entry.description)
        bases.extend(base.resolved_bases)
    return None


def _parameters_section(cls: griffe.Class) -> griffe.DocstringSectionParameters | None:
    """The Parameters section of the docstring of ``cls``, if it has one."""
    sections = cls.docstring.parsed if cls.docstring else []
    return next((s for s in sections if isinstance(s, griffe.DocstringSectionParameters)), None)


def _as_entry(text: str) -> str:
    """A field's docstring worded as an ``Args:`` entry: "A label." -> "a
    label.", but "ID of ..." stays."""
    first = text.split(maxsplit=1)[0]
    return text[0].lower() + text[1:] if len(first) == 1 or first[1:].islower() else text


def _complete_parameters(cls: griffe.Class, parameters: list[griffe.Parameter]) -> None:
    """Add to the Parameters table of ``cls`` each parameter its docstring
    leaves out that a base documents; the table then follows the signature."""
    if cls.docstring is None:
        return
    section = _parameters_section(cls)
    own = {entry.name: entry for entry in section.value} if section else {}
    entries = []
    for parameter in parameters:
        entry = own.pop(parameter.name, None)
        if entry is None:
            described = _documented_by_a_base(cls, parameter.name)
            if described is None:
                continue
            entry = griffe.DocstringParameter(
                parameter.name,
                description=_as_entry(described),
                annotation=parameter.annotation,
                value=parameter.default,
            )
        entries.append(entry)
    if section is None:
        if not entries:
            return
        # After the summary, where an Args: section would stand.
        sections = cls.docstring.parsed
        section = griffe.DocstringSectionParameters([])
        sections.insert(1 if isinstance(sections[0], griffe.DocstringSectionText) else 0, section)
    section.value = entries + list(own.values())
