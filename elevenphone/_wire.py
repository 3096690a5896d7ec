"""The pure wire layer: request bodies and paths in, typed results or errors out.

Nothing here does I/O, so every rule can be tested by feeding bytes in and
checking what comes out. The transport (:mod:`elevenphone._transport`) moves
the bytes; this module gives them meaning.

Whatever bytes a reply holds (invalid UTF-8, JSON nested a million deep, the
wrong shape, a body cut at the size cap), decoding ends in a typed error:
:class:`APIResponseValidationError` for a 2xx, the status's own
:class:`APIStatusError` otherwise. Nothing raw escapes.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote

import msgspec
from multidict import CIMultiDict, CIMultiDictProxy

from ._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ElevenPhoneError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
    ValidationErrorItem,
    status_line,
)
from ._models import (
    PHONE_NUMBER_TYPES,
    CreatePhoneNumberResponse,
    ExotelOutboundCallResponse,
    GenericPhoneNumber,
    PhoneNumber,
    PhoneNumberPage,
    PhoneNumberSortBy,
    SIPMessage,
    SIPMessagePage,
    SIPTrunkOutboundCallResponse,
    SortDirection,
    StrEnum,
    TelephonyProvider,
    TwilioOutboundCallResponse,
    UpdatePhoneNumberRequest,
)

__all__ = [
    "OUTBOUND_CALL_PATHS",
    "PHONE_NUMBERS_PATH",
    "PHONE_NUMBER_PAGES_PATH",
    "REDACTED",
    "REGISTER_CALL_PATH",
    "check_header_value",
    "decode_created_phone_number",
    "decode_exotel_call",
    "decode_nothing",
    "decode_phone_number",
    "decode_phone_number_list",
    "decode_phone_number_page",
    "decode_reply",
    "decode_sip_message_page",
    "decode_sip_trunk_call",
    "decode_text",
    "decode_twilio_call",
    "encode_body",
    "encode_update_request",
    "error_from_response",
    "header_int",
    "merge_extra_body",
    "optional_query",
    "parse_retry_after",
    "phone_number_path",
    "query_value",
    "raise_unchained",
    "redact",
    "redact_error",
    "sip_messages_path",
    "struct_decoder",
    "too_large_error",
]

PHONE_NUMBERS_PATH = "/v1/convai/phone-numbers"
PHONE_NUMBER_PAGES_PATH = "/v1/convai/v2/phone-numbers"
REGISTER_CALL_PATH = "/v1/convai/twilio/register-call"
OUTBOUND_CALL_PATHS = {
    "twilio": "/v1/convai/twilio/outbound-call",
    "sip_trunk": "/v1/convai/sip-trunk/outbound-call",
    "exotel": "/v1/convai/exotel/outbound-call",
}
"""The outbound-call endpoint of each provider."""

T = TypeVar("T")
E = TypeVar("E", bound=ElevenPhoneError)

# Built once: msgspec encoders and decoders are reusable and thread-safe.
_encoder = msgspec.json.Encoder()
_raw_list_decoder = msgspec.json.Decoder(list[msgspec.Raw])
_any_decoder = msgspec.json.Decoder()

_MSGSPEC_PATH = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)

# What a reply that does not decode can raise from msgspec: DecodeError and
# ValidationError (both ValueErrors), UnicodeDecodeError (also a ValueError)
# for invalid UTF-8 in a string, RecursionError for absurd nesting.
_UNDECODABLE = (ValueError, RecursionError)

# Bytes-like values pass through to_builtins untouched (it would otherwise turn
# them into base64 strings), so that convert refuses them for the field they are in.
_BYTES_LIKE = (bytes, bytearray, memoryview)


# --- requests ---------------------------------------------------------------


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
    return _encoder.encode(validated)


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
    merged = _any_decoder.decode(body)
    for name, value in extra.items():
        where = _bytes_inside(value, f"extra_body.{name}")
        if where is not None:
            raise InvalidRequestError(f"{where}: bytes cannot be sent as JSON", field=where)
        merged[name] = value
    try:
        return _encoder.encode(merged)
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


# --- successful replies -----------------------------------------------------


def _shape_error(exc: BaseException) -> str:
    """What a decode failure says, in a few words (never the body itself)."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return f"it is not valid UTF-8 (byte {exc.start})"
    return _clip(str(exc))


def decode_reply(
    decoder: msgspec.json.Decoder[T], body: bytes, *, what: str, status_code: int = 200
) -> T:
    """Decode a 2xx body with ``decoder``.

    Raises:
        APIResponseValidationError: the body does not decode into ``what``,
            whatever its bytes.
    """
    try:
        return decoder.decode(body)
    except _UNDECODABLE as exc:
        reason = _shape_error(exc)
    # Raised here, outside the except block: the msgspec error (a
    # UnicodeDecodeError holds the whole body) is not chained to it.
    raise APIResponseValidationError(
        f"the reply is not {what}: {reason}", status_code=status_code, body=body
    )


class _ProviderTag(msgspec.Struct):
    """Just the ``provider`` of a phone number, to pick its decoder."""

    provider: str


_tag_decoder = msgspec.json.Decoder(_ProviderTag)
_decoders: dict[str, msgspec.json.Decoder[Any]] = {
    provider: msgspec.json.Decoder(struct) for provider, struct in PHONE_NUMBER_TYPES.items()
}
_generic_decoder = msgspec.json.Decoder(GenericPhoneNumber)
# The API sends the provider first, compact. The Struct that tag selects checks
# it again (its provider field is a Literal), so a body this misreads fails to
# decode rather than decoding as another provider.
_PROVIDER_FIRST = b'{"provider":"'
_TAG_AT = len(_PROVIDER_FIRST)
_decoders_by_tag = {provider.encode(): decoder for provider, decoder in _decoders.items()}


def decode_phone_number(body: bytes, status_code: int = 200) -> PhoneNumber:
    """Decode one phone number into the Struct of its ``provider``.

    A provider this version does not know becomes a :class:`GenericPhoneNumber`
    (never another provider's Struct); unknown fields are ignored.

    Raises:
        APIResponseValidationError: the body is not a phone number.
    """
    what = "a valid phone number"
    decoder = None
    if body.startswith(_PROVIDER_FIRST):  # as the API sends it: one pass over the body
        decoder = _decoders_by_tag.get(body[_TAG_AT : body.find(b'"', _TAG_AT)])
    if decoder is None:
        provider = decode_reply(_tag_decoder, body, what=what, status_code=status_code).provider
        decoder = _decoders.get(provider, _generic_decoder)
    number: PhoneNumber = decode_reply(decoder, body, what=what, status_code=status_code)
    return number


def decode_phone_number_list(body: bytes, status_code: int = 200) -> list[PhoneNumber]:
    """Decode the list endpoint's JSON array of phone numbers.

    Raises:
        APIResponseValidationError: the body is not an array of phone numbers.
    """
    what = "a list of phone numbers"
    items = decode_reply(_raw_list_decoder, body, what=what, status_code=status_code)
    numbers = []
    for index, item in enumerate(items):
        try:
            numbers.append(decode_phone_number(bytes(item), status_code))
        except APIResponseValidationError as exc:
            message = exc.message
        else:
            continue
        raise APIResponseValidationError(
            f"item {index} of the list: {message}", status_code=status_code, body=body
        )
    return numbers


def struct_decoder(model: type[T], what: str) -> Callable[[bytes, int], T]:
    """A decoder of 2xx bodies into ``model``; see :func:`decode_reply`."""
    decoder = msgspec.json.Decoder(model)

    def decode(body: bytes, status_code: int = 200) -> T:
        return decode_reply(decoder, body, what=what, status_code=status_code)

    decode.__doc__ = f"Decode {what}; raises APIResponseValidationError if the body is not."
    return decode


decode_created_phone_number = struct_decoder(CreatePhoneNumberResponse, "an imported number's id")
decode_twilio_call = struct_decoder(TwilioOutboundCallResponse, "a placed Twilio call")
decode_sip_trunk_call = struct_decoder(SIPTrunkOutboundCallResponse, "a placed SIP trunk call")
decode_exotel_call = struct_decoder(ExotelOutboundCallResponse, "a placed Exotel call")


def decode_nothing(body: bytes, status_code: int = 200) -> None:
    """For a reply that carries nothing the caller needs (a delete's ``{}``)."""
    return None


def decode_text(body: bytes, status_code: int = 200) -> str:
    """A text reply (register-call's TwiML), as a str.

    Raises:
        APIResponseValidationError: the body is not UTF-8.
    """
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = _shape_error(exc)
    raise APIResponseValidationError(
        f"the reply is not text: {reason}", status_code=status_code, body=body
    )


class _RawPhoneNumberPage(msgspec.Struct):
    phone_numbers: list[msgspec.Raw]
    next_cursor: str | None = None
    has_more: bool | None = None


class _RawSIPMessagePage(msgspec.Struct):
    sip_messages: list[SIPMessage]
    next_cursor: str | None = None
    has_more: bool | None = None


_raw_page_decoder = msgspec.json.Decoder(_RawPhoneNumberPage)
_raw_sip_page_decoder = msgspec.json.Decoder(_RawSIPMessagePage)


def _has_more(has_more: bool | None, next_cursor: str | None) -> bool:
    # The API may leave has_more out: a next cursor then says there is more.
    return bool(next_cursor) if has_more is None else has_more


def decode_sip_message_page(body: bytes, status_code: int = 200) -> SIPMessagePage:
    """Decode a page of a phone number's SIP messages.

    Raises:
        APIResponseValidationError: the body is not a page of SIP messages.
    """
    page = decode_reply(
        _raw_sip_page_decoder, body, what="a page of SIP messages", status_code=status_code
    )
    return SIPMessagePage(
        sip_messages=page.sip_messages,
        next_cursor=page.next_cursor,
        has_more=_has_more(page.has_more, page.next_cursor),
    )


def decode_phone_number_page(body: bytes, status_code: int = 200) -> PhoneNumberPage:
    """Decode a page of the v2 list, each number into the Struct of its provider.

    Raises:
        APIResponseValidationError: the body is not a page of phone numbers.
    """
    what = "a page of phone numbers"
    page = decode_reply(_raw_page_decoder, body, what=what, status_code=status_code)
    numbers = []
    for index, item in enumerate(page.phone_numbers):
        try:
            numbers.append(decode_phone_number(bytes(item), status_code))
        except APIResponseValidationError as exc:
            message = exc.message
        else:
            continue
        raise APIResponseValidationError(
            f"item {index} of the page: {message}", status_code=status_code, body=body
        )
    return PhoneNumberPage(
        phone_numbers=numbers,
        next_cursor=page.next_cursor,
        has_more=_has_more(page.has_more, page.next_cursor),
    )


# --- error replies ----------------------------------------------------------

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_MAX_TEXT = 200
_MAX_MESSAGE = 1000
_SHOWN_VALIDATION_ERRORS = 5
# An HTML page is summarised from its first bytes only: a <title> is near the top.
_SUMMARY_BYTES = 64 * 1024


def _clip(text: str, limit: int = _MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _case_insensitive(headers: Mapping[str, str]) -> Mapping[str, str]:
    if isinstance(headers, CIMultiDictProxy | CIMultiDict):
        return headers
    return CIMultiDictProxy(CIMultiDict(headers))


def _decode_body(body: bytes) -> tuple[Any, bool]:
    """The body as JSON where it is JSON, else as text; and whether it is readable.

    Unreadable: not UTF-8, or JSON that does not parse (nested too deeply,
    malformed). Its text (invalid bytes replaced) is still returned, for ``.body``.
    """
    if not body:
        return None, False
    try:
        return _any_decoder.decode(body), True
    except _UNDECODABLE:
        pass
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("utf-8", errors="replace"), False
    return text, not text.lstrip().startswith(("{", "["))


def _text_summary(body: bytes) -> str:
    """A one-line summary of a non-JSON body (an HTML page from a proxy)."""
    head = body[:_SUMMARY_BYTES]
    title = _TITLE.search(head)
    raw = title.group(1) if title else head
    text = _SPACES.sub(" ", _TAGS.sub(" ", raw.decode("utf-8", errors="replace"))).strip()
    return _clip(text, _MAX_TEXT)


def _as_str(value: Any) -> str | None:
    return _clip(value) if isinstance(value, str) and value else None


def _loc_part(part: Any) -> str | int:
    if isinstance(part, int | str) and not isinstance(part, bool):
        return _clip(part, _MAX_TEXT) if isinstance(part, str) else part
    return "?"


def _validation_items(detail: list[Any]) -> list[ValidationErrorItem]:
    """FastAPI's 422 items, read leniently: a malformed item still counts."""
    items = []
    for raw in detail:
        if not isinstance(raw, dict):
            text = raw if isinstance(raw, str) else "malformed error item"
            items.append(ValidationErrorItem(loc=[], msg=_clip(text, _MAX_TEXT), type="unknown"))
            continue
        loc = raw.get("loc")
        loc_parts: list[str | int] = (
            [_loc_part(p) for p in loc] if isinstance(loc, list) else [_loc_part(loc)]
        )
        if loc is None:
            loc_parts = []
        msg, kind = raw.get("msg"), raw.get("type")
        items.append(
            ValidationErrorItem(
                loc=loc_parts,
                msg=_clip(msg, _MAX_TEXT) if isinstance(msg, str) else "",
                type=_clip(kind, _MAX_TEXT) if isinstance(kind, str) else "",
            )
        )
    return items


def validation_summary(items: list[ValidationErrorItem]) -> str:
    """The first few 422 items as one line, and how many more there are."""
    shown = "; ".join(
        f"{item.where() or '?'}: {item.msg}" for item in items[:_SHOWN_VALIDATION_ERRORS]
    )
    more = len(items) - _SHOWN_VALIDATION_ERRORS
    return f"{shown}; and {more:,} more" if more > 0 else shown


def header_int(headers: Mapping[str, str], name: str) -> int | None:
    """An integer header, or None when it is absent or not an integer."""
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def parse_retry_after(
    headers: Mapping[str, str], *, now: float | None = None, max_seconds: float = 60.0
) -> float | None:
    """Seconds the server asks to wait: ``retry-after-ms``, else ``Retry-After``
    (seconds, or an HTTP date). None when absent, unparsable, or outside
    ``0 <= seconds <= max_seconds``."""
    headers = _case_insensitive(headers)
    seconds: float | None = None
    retry_after_ms = headers.get("retry-after-ms")
    if retry_after_ms is not None:
        try:
            seconds = float(retry_after_ms) / 1000.0
        except ValueError:
            seconds = None
    if seconds is None:
        retry_after = headers.get("retry-after")
        if retry_after is not None:
            seconds = _parse_retry_after_value(retry_after, now)
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds <= max_seconds:
        return None
    return seconds


def _parse_retry_after_value(value: str, now: float | None) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return when.timestamp() - (time.time() if now is None else now)


class _ErrorDetail(msgspec.Struct):
    """What an error body says, read leniently."""

    message: str | None = None
    code: str | None = None
    request_id: str | None = None
    items: list[ValidationErrorItem] = []


def _read_error_body(decoded: Any, body: bytes) -> _ErrorDetail:
    """Read every body shape the API and proxies in front of it send."""
    detail = decoded.get("detail", decoded) if isinstance(decoded, dict) else decoded
    if isinstance(detail, list):
        items = _validation_items(detail)
        return _ErrorDetail(message=validation_summary(items) or None, items=items)
    if isinstance(detail, dict):
        message = _as_str(detail.get("message")) or _as_str(detail.get("msg"))
        if message is None:
            message = _as_str(detail.get("detail"))
        return _ErrorDetail(
            message=message,
            code=_as_str(detail.get("code")) or _as_str(detail.get("status")),
            request_id=_as_str(detail.get("request_id")),
        )
    if isinstance(detail, str) and detail:
        return _ErrorDetail(message=_as_str(detail) if isinstance(decoded, dict) else None)
    return _ErrorDetail()


def error_from_response(
    status_code: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    truncated: bool = False,
) -> APIStatusError:
    """The typed error for a non-2xx reply.

    Reads every body shape the API and proxies in front of it send: FastAPI's
    ``{"detail": [...]}``, ``{"detail": {"status"|"code", "message", ...}}``,
    ``{"detail": "text"}``, and non-JSON pages. A body that says nothing
    readable (empty, invalid UTF-8, absurdly nested, cut at the size cap) gets
    a message built from the status line. ``truncated`` says the body was cut
    at the size cap. Never raises.
    """
    headers = _case_insensitive(headers)
    decoded, readable = _decode_body(body)
    found = _ErrorDetail()
    if truncated:
        found.message = f"the reply was larger than the size cap; {len(body):,} bytes kept"
    elif readable:
        try:
            found = _read_error_body(decoded, body)
        except RecursionError:  # nested deep enough to defeat even lenient reading
            found = _ErrorDetail()
        if found.message is None and isinstance(decoded, str):
            found.message = _text_summary(body) or None
    request_id = found.request_id or headers.get("request-id") or headers.get("x-request-id")
    message = found.message
    if 300 <= status_code < 400 and headers.get("location"):
        where = _clip(headers["location"], _MAX_TEXT)
        message = f"redirect to {where} not followed" + (f": {message}" if message else "")
    text = message or status_line(status_code)

    cls = _STATUS_ERRORS.get(status_code)
    if cls is None and status_code >= 500:
        cls = InternalServerError
    common: dict[str, Any] = {
        "status_code": status_code,
        "headers": headers,
        "body": decoded,
        "code": found.code,
        "request_id": _clip(request_id, _MAX_TEXT) if request_id else None,
        "retry_after": parse_retry_after(headers, max_seconds=math.inf),
    }
    if cls is ValidationError:
        return ValidationError(text, errors=found.items, **common)
    if cls is RateLimitError:
        return RateLimitError(
            text,
            current_concurrent_requests=header_int(headers, "current-concurrent-requests"),
            maximum_concurrent_requests=header_int(headers, "maximum-concurrent-requests"),
            **common,
        )
    return (cls or APIStatusError)(text, **common)


def too_large_error(status_code: int, body: bytes, limit: int) -> APIResponseValidationError:
    """The error for a 2xx reply larger than the client's ``max_response_bytes``."""
    return APIResponseValidationError(
        f"the reply is larger than max_response_bytes ({limit:,} bytes); reading stopped",
        status_code=status_code,
        body=body,
    )


# --- secrets ------------------------------------------------------------------

REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``[redacted]``."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def raise_unchained(error: ElevenPhoneError) -> NoReturn:
    """Raise ``error`` with no ``__cause__`` and no ``__context__``.

    A plain ``raise`` gives an error the context of whatever exception is
    being handled, and on Python 3.10 that may be an aiohttp exception
    handled long before, leaked across a coroutine's resumption (aiohttp's
    exceptions hold the request, the key among its headers). Re-raised from
    the handler of the error itself, it keeps the context it has: none.
    """
    try:
        raise error
    except ElevenPhoneError:
        error.__cause__ = None
        error.__context__ = None
        error.__suppress_context__ = True
        raise


def redact_error(error: E, secrets: tuple[str, ...]) -> E:
    """``error`` with every secret taken out of what it shows, and no chain.

    Its message, ``str``, ``repr``, code, request id and 422 items lose every
    secret a server echoed back. Its ``__cause__`` and ``__context__`` are
    dropped: they are the library's own exceptions (aiohttp's hold the request
    headers, the key among them). ``.body`` keeps the reply as it came.
    """
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = True
    if not secrets:
        return error
    error.message = redact(error.message, secrets)
    error.args = (error.message,)
    if isinstance(error, APIStatusError):
        if error.code:
            error.code = redact(error.code, secrets)
        if error.request_id:
            error.request_id = redact(error.request_id, secrets)
        if isinstance(error, ValidationError) and any(
            secret in repr(item) for item in error.errors for secret in secrets
        ):
            error.errors = [
                ValidationErrorItem(
                    loc=[redact(p, secrets) if isinstance(p, str) else p for p in item.loc],
                    msg=redact(item.msg, secrets),
                    type=redact(item.type, secrets),
                )
                for item in error.errors
            ]
        error.args = (str(error),)
    return error
