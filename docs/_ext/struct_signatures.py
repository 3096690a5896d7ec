"""A griffe extension for the docs build: give msgspec Structs a constructor signature.

griffe builds ``__init__`` for dataclasses, not for msgspec Structs, so a
request model's page showed no signature, and its ``Args:`` section named
parameters griffe could not find (no types, and a warning each). This builds
``__init__`` from the class's runtime signature (names, kinds, defaults: what
msgspec really accepts) and the fields' annotations as written (which render
as cross-references). Response models are left alone: the client decodes
them from replies, nobody builds one. mkdocs.yml loads it by path.
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
