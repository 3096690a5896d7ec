"""Requests as the API takes them: paths with ids percent-encoded, checked
query parameters and headers, and JSON bodies validated against their Struct
(fields not given left out, ``None`` sent as ``null``, and what JSON cannot
carry refused: see :mod:`.sendable`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn

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
from .paths import id_segment
from .sendable import (
    BYTES_LIKE,
    check_sendable,
    check_text,
    free_form_fields,
    free_form_unsendable,
    refusal,
    unsendable,
)

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


def phone_number_path(phone_number_id: object) -> str:
    """The path of one phone number, with its id percent-encoded as
    :func:`~.paths.id_segment` does.

    Raises:
        InvalidRequestError: the id is not a str (also a ``TypeError``), or
            is empty or blank, or holds a lone surrogate (also a ``ValueError``).
    """
    # An ASCII identifier ("phnum_...": every real id) needs no encoding, and
    # is told in C far faster than by id_segment's pattern: no call either.
    if (
        type(phone_number_id) is str
        and phone_number_id.isascii()
        and phone_number_id.isidentifier()
    ):
        return f"{PHONE_NUMBERS_PATH}/{phone_number_id}"
    return f"{PHONE_NUMBERS_PATH}/{id_segment(phone_number_id, 'phone_number_id')}"


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
            query[name] = check_text(value, field=name)
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


def encode_body(
    request: object, model: Any, *, what: str, extra: Mapping[str, object] | None = None
) -> bytes:
    """Validate a request body against ``model`` and encode it as JSON bytes,
    in one step: ``extra`` (a call's ``extra_body``, checked sendable by the
    options) is merged in before the one encode, over the fields it names.

    ``request`` is a Struct of ``model`` (whose nested configs may be Structs
    or plain dicts) or a mapping of field names to values. Fields left unset
    are not encoded; ``None`` is encoded as ``null``.

    Raises:
        InvalidRequestError: a value does not fit the schema (wrong type, bad
            enum value, unknown key, missing required field, bytes where text
            belongs), or cannot be sent (see :mod:`.sendable`: in a free-form
            field, bytes, NaN, infinity, nesting too deep or circular; and
            anywhere, a lone surrogate); the message and ``.field`` name the
            field.
    """
    try:
        # Bytes-like values pass through untouched (to_builtins would turn them
        # into base64 strings), so that convert refuses them where text belongs.
        plain = msgspec.to_builtins(request, builtin_types=BYTES_LIKE)
    except TypeError as exc:
        field = _first_unencodable_field(request)
        where = f"{field}: " if field else ""
        raise InvalidRequestError(f"invalid {what}: {where}{exc}", field=field) from None
    except RecursionError:
        _refuse_unsendable(request, what)
    try:
        validated = msgspec.convert(plain, model)
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_PATH.match(str(exc))
        text = match.group("what") if match else str(exc)
        field = _field_from_msgspec_error(text, match.group("path") if match else None)
        where = f"{field}: " if field else ""
        raise InvalidRequestError(f"invalid {what}: {where}{text}", field=field) from None
    except RecursionError:
        _refuse_unsendable(plain, what)
    if free_form_fields(model):  # the schema checked every other field
        found = free_form_unsendable(validated)
        if found is not None:
            raise refusal(*found, prefix=f"invalid {what}: ")
    target: object = validated
    if extra is not None and isinstance(plain, dict):
        # plain is the validated body as JSON values: extra goes over it, unchecked.
        plain.update(extra)
        target = plain
    try:
        return encoder.encode(target)
    except UnicodeEncodeError:  # a lone surrogate, in any string: find it only now
        _refuse_unsendable(target, what)
    except TypeError as error:  # an object JSON has no form for, in extra_body
        key = _first_unencodable_field(extra)
        field = "extra_body" if key is None else f"extra_body.{key}"
        raise InvalidRequestError(f"{field}: {error}", field=field) from None


def _refuse_unsendable(body: object, what: str) -> NoReturn:
    """Raise for what msgspec could not encode in ``body``, naming its path."""
    found = unsendable(body)
    if found is None:
        raise InvalidRequestError(f"invalid {what}: it cannot be encoded as JSON") from None
    raise refusal(*found, prefix=f"invalid {what}: ") from None


def encode_update_request(request: UpdatePhoneNumberRequest | Mapping[str, Any]) -> bytes:
    """Validate an update against the schema and encode it as JSON bytes;
    see :func:`encode_body`.

    Raises:
        InvalidRequestError: a value does not fit the schema, naming the field.
    """
    return encode_body(request, UpdatePhoneNumberRequest, what="update")


def check_header_value(name: str, value: str | None, *, field: str) -> None:
    """Refuse a header an HTTP request cannot carry: a name that is not a
    token, one the transport owns (:data:`TRANSPORT_HEADERS`, whatever its
    case), or a value with a control character (CR and LF would split it) or
    a lone surrogate. ``None`` (remove the header) passes, but for the
    transport's headers.

    Raises:
        InvalidRequestError: naming ``field``.
    """
    if not _TOKEN.fullmatch(name):
        raise InvalidRequestError(f"{field}: {name!r} is not a valid header name", field=field)
    if name.lower() in TRANSPORT_HEADERS:
        raise InvalidRequestError(
            f"{field}: {name} is set by the transport from the body and the URL;"
            " it cannot be set or removed",
            field=field,
        )
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a str or None, not {type(value).__name__}", field=field
        )
    if _CONTROL.search(value):
        raise InvalidRequestError(f"{field} holds a control character", field=field)
    check_text(value, field=field)


TRANSPORT_HEADERS = frozenset({"content-length", "transfer-encoding", "host"})
"""Headers no caller may set: the framing of the body (another length would
cut it short, or let a second request ride in it) and the server's name."""

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def query_value(value: object, *, field: str) -> str:
    """A query parameter as the API reads it: booleans as ``true``/``false``.

    Raises:
        InvalidRequestError: a value that is not a str, bool, int or float,
            or a str holding a lone surrogate (it would be dropped).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return check_text(value, field=field)
    if isinstance(value, int | float):
        return str(value)
    raise InvalidRequestError(
        f"{field} must be a str, bool, int or float, not {type(value).__name__}", field=field
    )


def merge_extra_body(body: bytes, extra: Mapping[str, object]) -> bytes:
    """``body`` (a JSON object) with the fields of ``extra`` set over its own.

    ``extra`` is not checked against any schema: it carries what this version
    does not know. Only what cannot be sent is refused (see :mod:`.sendable`).

    Raises:
        InvalidRequestError: a value JSON cannot carry: bytes (they would go
            out as base64), NaN or infinity (they would go out as null), a
            lone surrogate, nesting too deep or circular; naming its path.
    """
    check_sendable(extra, "extra_body")
    merged = any_decoder.decode(body)
    merged.update(extra)
    try:
        return encoder.encode(merged)
    except TypeError as error:
        raise InvalidRequestError(f"extra_body: {error}", field="extra_body") from None


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
            msgspec.to_builtins(value, builtin_types=BYTES_LIKE)
        except TypeError:
            return str(name)
    return None
