"""Requests as the API takes them: paths with ids percent-encoded, checked
query parameters and headers, and JSON bodies validated against their Struct
(fields not given left out, ``None`` sent as ``null``, bytes refused)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import msgspec

from .._exceptions import (
    InvalidRequestError,
)
from .._models import (
    PhoneNumberSortBy,
    SortDirection,
    StrEnum,
    TelephonyProvider,
    UpdatePhoneNumberRequest,
)
from ._shared import any_decoder, encoder

PHONE_NUMBERS_PATH = "/v1/convai/phone-numbers"
PHONE_NUMBER_PAGES_PATH = "/v1/convai/v2/phone-numbers"
REGISTER_CALL_PATH = "/v1/convai/twilio/register-call"
OUTBOUND_CALL_PATHS = {
    "twilio": "/v1/convai/twilio/outbound-call",
    "sip_trunk": "/v1/convai/sip-trunk/outbound-call",
    "exotel": "/v1/convai/exotel/outbound-call",
}
"""The outbound-call endpoint of each provider."""

_MSGSPEC_PATH = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)

# Bytes-like values pass through to_builtins untouched (it would otherwise turn
# them into base64 strings), so that convert refuses them for the field they are in.
_BYTES_LIKE = (bytes, bytearray, memoryview)


def phone_number_path(phone_number_id: object) -> str:
    """The path of one phone number, with its id percent-encoded.

    Every character outside the unreserved set is encoded, and so are dots,
    so that no id (``..``, ``a/b``, ``x?y``) can reach another path.

    Raises:
        InvalidRequestError: the id is not a str (also a ``TypeError``), or
            is empty or blank (also a ``ValueError``).
    """
    if not isinstance(phone_number_id, str):
        raise InvalidRequestError(
            f"phone_number_id must be a str, not {type(phone_number_id).__name__}",
            field="phone_number_id",
        )
    if _PLAIN_ID.fullmatch(phone_number_id):  # every real id: nothing to encode
        return f"{PHONE_NUMBERS_PATH}/{phone_number_id}"
    if not phone_number_id.strip():
        raise InvalidRequestError(
            "phone_number_id must be a non-empty string", field="phone_number_id"
        )
    return f"{PHONE_NUMBERS_PATH}/{quote(phone_number_id, safe='').replace('.', '%2E')}"


# Unreserved characters but the dot: what quote(safe="") leaves as it is.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-]+")


def sip_messages_path(phone_number_id: object) -> str:
    """The path of a phone number's SIP messages.

    Raises:
        InvalidRequestError: the id is not a non-empty str.
    """
    return phone_number_path(phone_number_id) + "/sip-messages"


def optional_query(**values: object) -> dict[str, str]:
    """Query parameters from the values given (None: not given), each checked.

    A str must be non-empty where it names something; a bool is sent as
    ``true``/``false``; ``page_size`` must be an int >= 1; an enum filter
    takes its member or its value.

    Raises:
        InvalidRequestError: a value of the wrong type or out of range, naming it.
    """
    query: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        enum = _QUERY_ENUMS.get(name)
        if enum is not None:
            query[name] = _enum_value(enum, value, name)
        elif name == "page_size":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidRequestError(
                    f"page_size must be an int >= 1, not {value!r}", field=name
                )
            query[name] = str(value)
        elif name in _BOOLEAN_QUERIES:
            if not isinstance(value, bool):
                raise InvalidRequestError(
                    f"{name} must be a bool, not {type(value).__name__}", field=name
                )
            query[name] = "true" if value else "false"
        elif not isinstance(value, str):
            raise InvalidRequestError(
                f"{name} must be a str, not {type(value).__name__}", field=name
            )
        else:
            query[name] = value
    return query


_QUERY_ENUMS: dict[str, type[StrEnum]] = {
    "provider": TelephonyProvider,
    "sort_by": PhoneNumberSortBy,
    "sort_direction": SortDirection,
}
_BOOLEAN_QUERIES = frozenset({"supports_outbound"})


def _enum_value(enum: type[StrEnum], value: object, name: str) -> str:
    if isinstance(value, enum):
        return str(value)  # a StrEnum's str() is its value
    allowed = [str(member) for member in enum]
    if isinstance(value, str) and value in allowed:
        return value
    raise InvalidRequestError(
        f"{name} must be one of {', '.join(allowed)}, not {value!r}", field=name
    )


_NAMED_FIELD = re.compile(r"field `([^`]+)`")


def _field_from_msgspec_error(what: str, path: str | None) -> str | None:
    """msgspec's ``$.a.b[0]`` path, plus the field a message names, as ``a.b.0.c``."""
    parts = [
        p for p in (path or "").replace("[", ".").replace("]", "").split(".") if p and p != "..."
    ]
    named = _NAMED_FIELD.search(what)
    if named:
        parts.append(named.group(1))
    return ".".join(parts) or None


def encode_body(request: object, model: Any, *, what: str) -> bytes:
    """Validate a request body against ``model`` and encode it as JSON bytes.

    ``request`` is a Struct of ``model`` (whose nested configs may be Structs
    or plain dicts) or a mapping of field names to values. Fields left unset
    are not encoded; ``None`` is encoded as ``null``.

    Raises:
        InvalidRequestError: a value does not fit the schema (wrong type, bad
            enum value, unknown key, missing required field, bytes where text
            belongs); the message and ``.field`` name the field.
    """
    try:
        plain = msgspec.to_builtins(request, builtin_types=_BYTES_LIKE)
    except TypeError as exc:
        field = _first_unencodable_field(request)
        where = f"{field}: " if field else ""
        raise InvalidRequestError(f"invalid {what}: {where}{exc}", field=field) from None
    try:
        validated = msgspec.convert(plain, model)
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_PATH.match(str(exc))
        text = match.group("what") if match else str(exc)
        field = _field_from_msgspec_error(text, match.group("path") if match else None)
        where = f"{field}: " if field else ""
        raise InvalidRequestError(f"invalid {what}: {where}{text}", field=field) from None
    return encoder.encode(validated)


def encode_update_request(request: UpdatePhoneNumberRequest | Mapping[str, Any]) -> bytes:
    """Validate an update against the schema and encode it as JSON bytes;
    see :func:`encode_body`.

    Raises:
        InvalidRequestError: a value does not fit the schema, naming the field.
    """
    return encode_body(request, UpdatePhoneNumberRequest, what="update")


def check_header_value(name: str, value: str | None, *, field: str) -> None:
    """Refuse a header an HTTP request cannot carry: a name that is not a
    token, or a value with a control character (CR and LF would split it).
    ``None`` (remove the header) passes.

    Raises:
        InvalidRequestError: naming ``field``.
    """
    if not _TOKEN.fullmatch(name):
        raise InvalidRequestError(f"{field}: {name!r} is not a valid header name", field=field)
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a str or None, not {type(value).__name__}", field=field
        )
    if _CONTROL.search(value):
        raise InvalidRequestError(f"{field} holds a control character", field=field)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def query_value(value: object, *, field: str) -> str:
    """A query parameter as the API reads it: booleans as ``true``/``false``.

    Raises:
        InvalidRequestError: a value that is not a str, bool, int or float.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise InvalidRequestError(
        f"{field} must be a str, bool, int or float, not {type(value).__name__}", field=field
    )


def merge_extra_body(body: bytes, extra: Mapping[str, object]) -> bytes:
    """``body`` (a JSON object) with the fields of ``extra`` set over its own.

    ``extra`` is not checked against any schema: it carries what this version
    does not know. Only what JSON cannot carry is refused.

    Raises:
        InvalidRequestError: a value JSON cannot carry (bytes included: they
            would go out as base64).
    """
    merged = any_decoder.decode(body)
    for name, value in extra.items():
        where = _bytes_inside(value, f"extra_body.{name}")
        if where is not None:
            raise InvalidRequestError(f"{where}: bytes cannot be sent as JSON", field=where)
        merged[name] = value
    try:
        return encoder.encode(merged)
    except TypeError as error:
        raise InvalidRequestError(f"extra_body: {error}", field="extra_body") from None


def _bytes_inside(value: object, path: str) -> str | None:
    """The path of the first bytes-like value inside ``value``, if any."""
    if isinstance(value, _BYTES_LIKE):
        return path
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _bytes_inside(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _bytes_inside(item, f"{path}.{index}")
            if found is not None:
                return found
    return None


def _first_unencodable_field(request: object) -> str | None:
    items: Any
    if isinstance(request, msgspec.Struct):
        items = msgspec.structs.asdict(request).items()
    elif isinstance(request, Mapping):
        items = request.items()
    else:
        return None
    for name, value in items:
        try:
            msgspec.to_builtins(value, builtin_types=_BYTES_LIKE)
        except TypeError:
            return str(name)
    return None
