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

import msgspec

__all__ = ["RequestModel", "ResponseModel", "StrEnum", "known", "members"]


class StrEnum(str, enum.Enum):
    """A str enum whose ``str()`` is its value, on every supported Python."""

    def __str__(self) -> str:
        return str(self.value)


class RequestModel(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request Structs: unknown keys are refused, UNSET is omitted."""


class ResponseModel(msgspec.Struct, kw_only=True):
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
