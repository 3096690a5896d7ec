"""What JSON and HTTP can carry: the one walk of free-form values.

The schema checks the typed fields of a body. What it cannot check, the
free-form values (a field typed ``Any``, such as ``dynamic_variables``, and
``extra_body``), this walk does, and it finds the culprit in a whole body when
msgspec refuses one. It refuses, naming the path:

- bytes: JSON has none; msgspec would send them as base64 text;
- NaN and infinity: JSON has none; msgspec would send ``null``, which clears
  a field in this API;
- a lone surrogate (``"\\udcff"``, what undecodable bytes of a file name or
  argv become) in a string or a key: UTF-8 cannot encode it;
- a value nested deeper than :data:`MAX_DEPTH`, and a value holding itself.

Single strings bound for a path, a query or a header are checked with
:func:`check_text`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

import msgspec
import msgspec.inspect

from .._exceptions import InvalidRequestError

__all__ = [
    "BYTES_LIKE",
    "MAX_DEPTH",
    "check_sendable",
    "check_text",
    "free_form_fields",
    "free_form_unsendable",
    "has_surrogate",
    "refusal",
    "unsendable",
]

MAX_DEPTH = 64
"""The most levels a request body may nest, its own top object counting as
one: far beyond any real body, and far below Python's recursion limit."""

BYTES_LIKE = (bytes, bytearray, memoryview)
"""What JSON has no form for: msgspec would send it as base64 text."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which UTF-8 cannot encode."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def check_text(text: str, *, field: str) -> str:
    """``text``, if UTF-8 can encode it.

    Raises:
        InvalidRequestError: ``text`` holds a lone surrogate; naming ``field``.
    """
    if has_surrogate(text):
        raise refusal(field, _surrogate_reason(text))
    return text


def unsendable(value: object, path: str = "", depth: int = 0) -> tuple[str, str] | None:
    """The path of the first part of ``value`` that cannot be sent, and why.

    ``path`` and ``depth`` say where ``value`` sits in its body (``depth``:
    how many containers hold it; 0 for the body itself). Structs, mappings,
    lists, tuples and sets are walked; every other value is left to msgspec.
    """
    return _found(path, _walk(value, depth, set()))


def check_sendable(value: object, path: str = "", depth: int = 0) -> None:
    """Refuse the first part of ``value`` that cannot be sent; see :func:`unsendable`.

    Raises:
        InvalidRequestError: naming its path in ``.field``.
    """
    found = unsendable(value, path, depth)
    if found is not None:
        raise refusal(*found)


def refusal(field: str, reason: str, *, prefix: str = "") -> InvalidRequestError:
    """The error refusing ``field`` for ``reason``; its message starts with ``prefix``."""
    # A path may hold a key with a lone surrogate: escape it, so that the
    # error itself can be printed.
    field = field.encode("utf-8", "backslashreplace").decode("utf-8")
    where = f"{field}: " if field else ""
    return InvalidRequestError(f"{prefix}{where}{reason}", field=field or None)


def free_form_unsendable(body: msgspec.Struct) -> tuple[str, str] | None:
    """:func:`unsendable` of the free-form values of a validated ``body`` only:
    the schema has checked the rest (but for lone surrogates, which only
    encoding finds)."""
    return _free_form_walk(body, "", 0)


def _free_form_walk(value: object, path: str, depth: int) -> tuple[str, str] | None:
    if isinstance(value, msgspec.Struct):
        for attr, name, free in free_form_fields(type(value)):
            item = getattr(value, attr)
            if item is None or item is msgspec.UNSET:
                continue
            where = _join(path, name)
            if free:
                found = _found(where, _walk(item, depth + 1, set()))
            else:
                found = _free_form_walk(item, where, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list | tuple | Mapping):
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            found = _free_form_walk(item, _join(path, key), depth + 1)
            if found is not None:
                return found
    return None


@functools.cache
def free_form_fields(model: type) -> tuple[tuple[str, str, bool], ...]:
    """Where a Struct ``model`` holds free-form values: ``(attribute, JSON
    name, free)`` for each field whose type holds ``Any`` (``free``: walk its
    whole value) or holds a Struct that does (``free`` False: look inside)."""
    if model in _BEING_READ:  # a model that holds itself: read once
        return ()
    _BEING_READ.add(model)
    try:
        info = msgspec.inspect.type_info(model)
        fields = info.fields if isinstance(info, msgspec.inspect.StructType) else ()
        found = []
        for field in fields:
            if _holds_any(field.type):
                found.append((field.name, field.encode_name, True))
            elif any(free_form_fields(struct) for struct in _structs_in(field.type)):
                found.append((field.name, field.encode_name, False))
        return tuple(found)
    finally:
        _BEING_READ.discard(model)


_BEING_READ: set[type] = set()


def _inner_types(kind: msgspec.inspect.Type) -> list[msgspec.inspect.Type]:
    """The types directly inside ``kind`` (a union's members, a container's
    items, keys and values), but not a Struct's fields."""
    if isinstance(kind, msgspec.inspect.UnionType):
        return list(kind.types)
    inner = [
        getattr(kind, attr)
        for attr in ("type", "key_type", "value_type", "item_type")
        if isinstance(getattr(kind, attr, None), msgspec.inspect.Type)
    ]
    return inner + list(getattr(kind, "item_types", ()))


def _holds_any(kind: msgspec.inspect.Type) -> bool:
    if isinstance(kind, msgspec.inspect.AnyType):
        return True
    return any(_holds_any(inner) for inner in _inner_types(kind))


def _structs_in(kind: msgspec.inspect.Type) -> list[type]:
    if isinstance(kind, msgspec.inspect.StructType):
        return [kind.cls]
    return [struct for inner in _inner_types(kind) for struct in _structs_in(inner)]


def _surrogate_reason(text: str) -> str:
    match = _SURROGATE.search(text)
    char = match.group() if match else "?"
    return (
        f"holds a lone surrogate ({char!a}), which UTF-8 cannot encode;"
        " only valid Unicode text can be sent"
    )


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _found(path: str, found: tuple[list[object], str] | None) -> tuple[str, str] | None:
    """A finding of :func:`_walk` as ``(path, reason)``."""
    if found is None:
        return None
    keys, reason = found
    for key in reversed(keys):
        path = _join(path, key)
    return path, reason


_LEAVES = frozenset({int, bool, type(None)})
"""Types that are always sendable: the walk's fast path."""


def _walk(value: object, depth: int, holding: set[int]) -> tuple[list[object], str] | None:
    """The first part of ``value`` that cannot be sent: its keys from the
    innermost out (built only when found, to keep the walk cheap), and why.
    ``holding``: the ids of the containers around ``value``."""
    kind = type(value)
    if kind in _LEAVES:
        return None
    if isinstance(value, str):
        return ([], _surrogate_reason(value)) if has_surrogate(value) else None
    if isinstance(value, float):
        if math.isfinite(value):
            return None
        return [], (
            f"{value!r} cannot be sent: JSON has no NaN or infinity"
            " (it would be sent as null, which clears a field)"
        )
    items: Any
    if isinstance(value, dict):  # the common containers first
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    elif isinstance(value, BYTES_LIKE):
        return [], "bytes cannot be sent as JSON"
    elif isinstance(value, msgspec.Struct):
        fields = zip(value.__struct_fields__, value.__struct_encode_fields__, strict=True)
        items = (
            (name, getattr(value, attr))
            for attr, name in fields
            if getattr(value, attr) is not msgspec.UNSET
        )
    elif isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, tuple | set | frozenset):
        items = enumerate(value)
    else:
        return None
    if depth >= MAX_DEPTH:
        return [], f"nested more than {MAX_DEPTH} levels deep"
    if id(value) in holding:
        return [], "holds itself (a circular reference)"
    holding.add(id(value))
    for key, item in items:
        if isinstance(key, str) and has_surrogate(key):
            return [key], f"the key {_surrogate_reason(key)}"
        found = _walk(item, depth + 1, holding)
        if found is not None:
            found[0].append(key)
            return found
    holding.discard(id(value))
    return None
