"""Query parameters, checked by the type their filter declares.

The filters of a list are declared once, as a ``TypedDict`` of the method's
keyword arguments (``PhoneNumberFilters``); :func:`query_kinds` reads what
each takes from it, and :func:`query_of` checks the values given and turns
them into the strings a URL carries. So ``list``, ``list_page``, ``iter`` and
the CLI refuse the same values, naming the filter and what it takes.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import msgspec

from .._exceptions import InvalidRequestError
from .sendable import check_text

__all__ = ["QueryKind", "query_kinds", "query_of"]

Query = dict[str, str | list[str]]
"""Query parameters as a URL carries them: a name's value, or its values (repeated)."""


@dataclass(frozen=True)
class QueryKind:
    """What one query parameter takes.

    Attributes:
        base: ``str``, ``bool``, ``int``, or an enum (its members or their values).
        many: a list of them, sent as the parameter repeated.
        minimum: the least an ``int`` may be.
    """

    base: type
    many: bool = False
    minimum: int = 0


@functools.cache
def query_kinds(filters: type) -> Mapping[str, QueryKind]:
    """What each key of the ``TypedDict`` ``filters`` takes, read from its
    annotations: ``X | None``; an enum in a union names its values;
    ``Annotated[int, msgspec.Meta(ge=n)]`` a least value; ``list[X]`` repeats."""
    hints = typing.get_type_hints(filters, include_extras=True)
    return {name: _kind(hint) for name, hint in hints.items()}


def _kind(hint: Any) -> QueryKind:
    minimum = 0
    if typing.get_origin(hint) is typing.Annotated:
        hint, *extras = typing.get_args(hint)
        for extra in extras:
            if isinstance(extra, msgspec.Meta) and extra.ge is not None:
                minimum = int(extra.ge)
    if typing.get_origin(hint) in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        enums = [arg for arg in options if isinstance(arg, type) and issubclass(arg, enum.Enum)]
        hint = enums[0] if enums else options[0]
        return _kind(typing.Annotated[hint, msgspec.Meta(ge=minimum)]) if minimum else _kind(hint)
    if typing.get_origin(hint) in (list, Sequence):
        inner = _kind(typing.get_args(hint)[0])
        return QueryKind(inner.base, many=True, minimum=inner.minimum)
    return QueryKind(hint, minimum=minimum)


def query_of(values: Mapping[str, object], kinds: Mapping[str, QueryKind]) -> Query:
    """The query of the filters given (a value of None: not given), each
    checked against its kind.

    Raises:
        InvalidRequestError: a value of the wrong type, out of range, not one
            of an enum's values (the message lists them), or holding a lone
            surrogate; ``.field`` names the filter.
    """
    query: Query = {}
    for name, value in values.items():
        if value is None:
            continue
        kind = kinds.get(name) or _TEXT
        if kind.many:
            if isinstance(value, str | bytes) or not isinstance(value, Sequence):
                raise InvalidRequestError(
                    f"{name} must be a list, not {type(value).__name__}", field=name
                )
            query[name] = [_one(item, kind, f"{name}.{index}") for index, item in enumerate(value)]
        else:
            query[name] = _one(value, kind, name)
    return query


_TEXT = QueryKind(str)


def _one(value: object, kind: QueryKind, name: str) -> str:
    base = kind.base
    if base is str:
        if not isinstance(value, str):
            raise InvalidRequestError(
                f"{name} must be a str, not {type(value).__name__}", field=name
            )
        return check_text(value, field=name)
    if base is bool:
        if not isinstance(value, bool):
            raise InvalidRequestError(
                f"{name} must be a bool, not {type(value).__name__}", field=name
            )
        return "true" if value else "false"
    if base is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < kind.minimum:
            raise InvalidRequestError(
                f"{name} must be an int >= {kind.minimum}, not {value!r}", field=name
            )
        return str(value)
    members: type[enum.Enum] = base  # an enum
    allowed = [str(member.value) for member in members]
    if isinstance(value, members):
        return str(value.value)
    if isinstance(value, str) and value in allowed:
        return value
    raise InvalidRequestError(
        f"{name} must be one of {', '.join(allowed)}, not {value!r}", field=name
    )
