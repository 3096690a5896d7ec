"""The bases every model shares: request and response Structs, open str enums.

Request Structs default every optional field to :data:`msgspec.UNSET`
("not given"), which is never encoded: only the fields a caller set go on the
wire, and ``None`` is sent as ``null`` (the API clears the field). They refuse
keys they do not know.

Response Structs ignore fields they do not know, so a growing API does not
break old clients, and their enum fields stay open: a value added to the API
after this release decodes as a plain ``str``.

Names follow the API's schema, without its ``RequestModel``/``ResponseModel``
suffixes.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

import msgspec

__all__ = ["RequestModel", "ResponseModel", "StrEnum", "known", "members"]

SECRET_SHOWN_AS = "'***'"


class StrEnum(str, enum.Enum):
    """A str enum whose ``str()`` is its value, on every supported Python."""

    def __str__(self) -> str:
        return str(self.value)


class _Model(msgspec.Struct, kw_only=True):
    """What every model can do: turn itself into plain values or JSON."""

    def to_dict(self) -> dict[str, Any]:
        """The model as plain JSON values, as it goes on the wire: fields left
        unset are omitted, enums are their values, nested models are dicts."""
        plain: dict[str, Any] = msgspec.to_builtins(self)
        return plain

    def to_json(self, *, indent: int = 0) -> str:
        """The model as a JSON document (``indent`` spaces per level, 0: compact)."""
        encoded = msgspec.json.encode(self)
        if indent:
            encoded = msgspec.json.format(encoded, indent=indent)
        return encoded.decode()


class RequestModel(_Model, kw_only=True, forbid_unknown_fields=True):
    """Base of request Structs: unknown keys are refused, UNSET is omitted.

    The ``repr`` shows only the fields that are set, and never the value of a
    secret field (a token, a password): those show as ``'***'``.
    """

    _secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        shown = []
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is msgspec.UNSET:
                continue
            text = SECRET_SHOWN_AS if name in self._secret_fields else repr(value)
            shown.append(f"{name}={text}")
        return f"{type(self).__name__}({', '.join(shown)})"


class ResponseModel(_Model, kw_only=True):
    """Base of response Structs: unknown fields are ignored when decoding."""


def members(enum_type: type[StrEnum]) -> dict[str, str]:
    """Each value of ``enum_type``, mapped to its member, for :func:`known`."""
    return {member.value: member for member in enum_type}


def known(values: dict[str, str], value: str) -> str:
    """The enum member for a value the schema lists; any other string as is.

    Response enums stay open, like the provider tag: a value added to the API
    after this release decodes as a plain str instead of failing the reply.
    Members are strs too, so the field is typed ``str``. (A dict lookup: this
    runs for every enum field of every reply.)
    """
    return values.get(value, value)
