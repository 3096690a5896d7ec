"""The pure wire layer: request bodies and paths in, typed results or errors out.

Nothing here does I/O, so every rule can be tested by feeding bytes in and
checking what comes out. The transport (:mod:`elevenphone._transport`) moves
the bytes; this module gives them meaning.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import msgspec
from multidict import CIMultiDict, CIMultiDictProxy

from ._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
    ValidationErrorItem,
)
from ._models import (
    PHONE_NUMBER_TYPES,
    GenericPhoneNumber,
    PhoneNumber,
    UpdatePhoneNumberRequest,
)

__all__ = [
    "PHONE_NUMBERS_PATH",
    "decode_phone_number",
    "decode_phone_number_list",
    "encode_update_request",
    "error_from_response",
    "header_int",
    "parse_retry_after",
    "phone_number_path",
]

PHONE_NUMBERS_PATH = "/v1/convai/phone-numbers"

# Built once: msgspec encoders and decoders are reusable and thread-safe.
_encoder = msgspec.json.Encoder()
_raw_list_decoder = msgspec.json.Decoder(list[msgspec.Raw])
_any_decoder = msgspec.json.Decoder()

_MSGSPEC_PATH = re.compile(r"^(?P<what>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


# --- requests ---------------------------------------------------------------


def phone_number_path(phone_number_id: object) -> str:
    """The path of one phone number, with its id percent-encoded.

    Every character outside the unreserved set is encoded, and so are dots,
    so that no id (``..``, ``a/b``, ``x?y``) can reach another path.

    Raises:
        TypeError: the id is not a str.
        ValueError: the id is empty or blank.
    """
    if not isinstance(phone_number_id, str):
        raise TypeError(f"phone_number_id must be a str, not {type(phone_number_id).__name__}")
    if _PLAIN_ID.fullmatch(phone_number_id):  # every real id: nothing to encode
        return f"{PHONE_NUMBERS_PATH}/{phone_number_id}"
    if not phone_number_id.strip():
        raise ValueError("phone_number_id must be a non-empty string")
    return f"{PHONE_NUMBERS_PATH}/{quote(phone_number_id, safe='').replace('.', '%2E')}"


# Unreserved characters but the dot: what quote(safe="") leaves as it is.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-]+")

_NAMED_FIELD = re.compile(r"field `([^`]+)`")


def _field_from_msgspec_error(what: str, path: str | None) -> str | None:
    """msgspec's ``$.a.b[0]`` path, plus the field a message names, as ``a.b.0.c``."""
    parts = [p for p in (path or "").replace("[", ".").replace("]", "").split(".") if p]
    named = _NAMED_FIELD.search(what)
    if named:
        parts.append(named.group(1))
    return ".".join(parts) or None


def encode_update_request(request: UpdatePhoneNumberRequest | Mapping[str, Any]) -> bytes:
    """Validate an update against the schema and encode it as JSON bytes.

    ``request`` is a :class:`UpdatePhoneNumberRequest` (whose nested configs may
    be Structs or plain dicts) or a mapping of field names to values. Fields
    left unset are not encoded; ``None`` is encoded as ``null``.

    Raises:
        InvalidRequestError: a value does not fit the schema (wrong type, bad
            enum value, unknown key, missing required nested field); the
            message and ``.field`` name the field.
    """
    try:
        plain = msgspec.to_builtins(request)
    except TypeError as exc:
        field = _first_unencodable_field(request)
        where = f"{field}: " if field else ""
        raise InvalidRequestError(f"invalid update: {where}{exc}", field=field) from None
    try:
        validated = msgspec.convert(plain, UpdatePhoneNumberRequest)
    except msgspec.ValidationError as exc:
        match = _MSGSPEC_PATH.match(str(exc))
        what = match.group("what") if match else str(exc)
        field = _field_from_msgspec_error(what, match.group("path") if match else None)
        where = f"{field}: " if field else ""
        raise InvalidRequestError(f"invalid update: {where}{what}", field=field) from None
    return _encoder.encode(validated)


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
            msgspec.to_builtins(value)
        except TypeError:
            return str(name)
    return None


# --- successful replies -----------------------------------------------------


class _ProviderTag(msgspec.Struct):
    """Just the ``provider`` of a phone number, to pick its decoder."""

    provider: str


_tag_decoder = msgspec.json.Decoder(_ProviderTag)
_decoders: dict[str, msgspec.json.Decoder[Any]] = {
    provider: msgspec.json.Decoder(struct) for provider, struct in PHONE_NUMBER_TYPES.items()
}
_generic_decoder = msgspec.json.Decoder(GenericPhoneNumber)


def decode_phone_number(body: bytes, *, status_code: int = 200) -> PhoneNumber:
    """Decode one phone number into the Struct of its ``provider``.

    A provider this version does not know becomes a :class:`GenericPhoneNumber`
    (never another provider's Struct); unknown fields are ignored.

    Raises:
        APIResponseValidationError: the body is not a phone number.
    """
    try:
        provider = _tag_decoder.decode(body).provider
        number: PhoneNumber = _decoders.get(provider, _generic_decoder).decode(body)
    except msgspec.DecodeError as exc:
        raise APIResponseValidationError(
            f"the reply is not a valid phone number: {exc}", status_code=status_code, body=body
        ) from None
    return number


def decode_phone_number_list(body: bytes, *, status_code: int = 200) -> list[PhoneNumber]:
    """Decode the list endpoint's JSON array of phone numbers.

    Raises:
        APIResponseValidationError: the body is not an array of phone numbers.
    """
    try:
        items = _raw_list_decoder.decode(body)
    except msgspec.DecodeError as exc:
        raise APIResponseValidationError(
            f"the reply is not a list of phone numbers: {exc}",
            status_code=status_code,
            body=body,
        ) from None
    try:
        return [decode_phone_number(item, status_code=status_code) for item in items]
    except APIResponseValidationError as exc:
        raise APIResponseValidationError(
            f"an item of the list: {exc.message}", status_code=status_code, body=body
        ) from None


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


def _case_insensitive(headers: Mapping[str, str]) -> Mapping[str, str]:
    if isinstance(headers, CIMultiDictProxy | CIMultiDict):
        return headers
    return CIMultiDictProxy(CIMultiDict(headers))


def _decode_body(body: bytes) -> Any:
    """The body as JSON where it is JSON, else as text."""
    if not body:
        return None
    try:
        return _any_decoder.decode(body)
    except msgspec.DecodeError:
        return body.decode("utf-8", errors="replace")


def _text_summary(body: bytes) -> str:
    """A one-line summary of a non-JSON body (an HTML page from a proxy)."""
    title = _TITLE.search(body)
    raw = title.group(1) if title else body
    text = _SPACES.sub(" ", _TAGS.sub(" ", raw.decode("utf-8", errors="replace"))).strip()
    return text[:_MAX_TEXT] + ("..." if len(text) > _MAX_TEXT else "")


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _validation_items(detail: list[Any]) -> list[ValidationErrorItem]:
    """FastAPI's 422 items, read leniently: a malformed item still counts."""
    items = []
    for raw in detail:
        if not isinstance(raw, dict):
            items.append(ValidationErrorItem(loc=[], msg=str(raw), type="unknown"))
            continue
        loc = raw.get("loc")
        loc_parts: list[str | int] = (
            [p if isinstance(p, int | str) else str(p) for p in loc]
            if isinstance(loc, list)
            else ([] if loc is None else [str(loc)])
        )
        items.append(
            ValidationErrorItem(
                loc=loc_parts,
                msg=str(raw.get("msg", "")),
                type=str(raw.get("type", "")),
            )
        )
    return items


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
    if seconds is None or seconds != seconds or not 0 <= seconds <= max_seconds:
        return None
    return seconds


def _parse_retry_after_value(value: str, now: float | None) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return when.timestamp() - (time.time() if now is None else now)


def error_from_response(
    status_code: int, headers: Mapping[str, str], body: bytes
) -> APIStatusError:
    """The typed error for a non-2xx reply.

    Reads every body shape the API and proxies in front of it send: FastAPI's
    ``{"detail": [...]}``, ``{"detail": {"status"|"code", "message", ...}}``,
    ``{"detail": "text"}``, and non-JSON pages. Never raises.
    """
    headers = _case_insensitive(headers)
    decoded = _decode_body(body)
    code: str | None = None
    message: str | None = None
    request_id: str | None = None
    items: list[ValidationErrorItem] = []

    detail = decoded.get("detail", decoded) if isinstance(decoded, dict) else decoded
    if isinstance(detail, list):
        items = _validation_items(detail)
        message = "; ".join(f"{item.where() or '?'}: {item.msg}" for item in items)
    elif isinstance(detail, dict):
        code = _as_str(detail.get("code")) or _as_str(detail.get("status"))
        message = _as_str(detail.get("message")) or _as_str(detail.get("msg"))
        request_id = _as_str(detail.get("request_id"))
        if message is None and isinstance(detail.get("detail"), str):
            message = detail["detail"]
    elif isinstance(detail, str) and detail:
        message = detail if isinstance(decoded, dict) else _text_summary(body)
    request_id = request_id or headers.get("request-id") or headers.get("x-request-id")

    if 300 <= status_code < 400 and headers.get("location"):
        message = f"redirect to {headers['location']} not followed" + (
            f": {message}" if message else ""
        )
    text = message or ("the request is invalid" if status_code == 422 else "no details given")

    cls = _STATUS_ERRORS.get(status_code)
    if cls is None and status_code >= 500:
        cls = InternalServerError
    common: dict[str, Any] = {
        "status_code": status_code,
        "headers": headers,
        "body": decoded,
        "code": code,
        "request_id": request_id,
    }
    if cls is ValidationError:
        return ValidationError(text, errors=items, **common)
    if cls is RateLimitError:
        return RateLimitError(
            text,
            retry_after=parse_retry_after(headers),
            current_concurrent_requests=header_int(headers, "current-concurrent-requests"),
            maximum_concurrent_requests=header_int(headers, "maximum-concurrent-requests"),
            **common,
        )
    return (cls or APIStatusError)(text, **common)
