"""Error replies into typed errors: every body shape the API and the proxies
in front of it send, read leniently, never raising; Retry-After and the
concurrency headers read once."""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Mapping
from typing import Any

import msgspec
from multidict import CIMultiDict, CIMultiDictProxy

from .._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
    ValidationErrorItem,
)
from .._exceptions._status import status_line
from ._shared import UNDECODABLE, any_decoder, clip

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
_SHOWN_VALIDATION_ERRORS = 5
# An HTML page is summarised from its first bytes only: a <title> is near the top.
_SUMMARY_BYTES = 64 * 1024


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
        return any_decoder.decode(body), True
    except UNDECODABLE:
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
    return clip(text, _MAX_TEXT)


def _as_str(value: Any) -> str | None:
    return clip(value) if isinstance(value, str) and value else None


def _loc_part(part: Any) -> str | int:
    if isinstance(part, int | str) and not isinstance(part, bool):
        return clip(part, _MAX_TEXT) if isinstance(part, str) else part
    return "?"


def _validation_items(detail: list[Any]) -> list[ValidationErrorItem]:
    """FastAPI's 422 items, read leniently: a malformed item still counts."""
    items = []
    for raw in detail:
        if not isinstance(raw, dict):
            text = raw if isinstance(raw, str) else "malformed error item"
            items.append(ValidationErrorItem(loc=[], msg=clip(text, _MAX_TEXT), type="unknown"))
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
                msg=clip(msg, _MAX_TEXT) if isinstance(msg, str) else "",
                type=clip(kind, _MAX_TEXT) if isinstance(kind, str) else "",
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
        where = clip(headers["location"], _MAX_TEXT)
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
        "request_id": clip(request_id, _MAX_TEXT) if request_id else None,
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
