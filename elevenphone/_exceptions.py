"""Every error elevenphone raises.

::

    ElevenPhoneError
    ├── InvalidRequestError         refused locally, before anything was sent:
    │                               a bad value is also a ValueError, a value
    │                               of the wrong type also a TypeError
    ├── BulkUpdateError             items of a bulk run failed, with ``.failed``
    ├── JournalError                a bulk journal cannot be used
    ├── WebhookSignatureError       a webhook's signature is missing, malformed,
    │                               wrong, or its timestamp out of tolerance
    ├── WebhookPayloadError         a signed webhook body is not an event
    ├── APIConnectionError          connect failure, reset, truncated reply
    │   └── APITimeoutError         no complete reply within the timeout
    ├── APIResponseValidationError  a 2xx whose body does not decode (invalid
    │                               UTF-8, too deep, wrong shape, over the
    │                               size cap)
    └── APIStatusError              any non-2xx reply (3xx included: redirects
        │                           are never followed)
        ├── BadRequestError         400
        ├── AuthenticationError     401
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── ConflictError           409
        ├── ValidationError         422, with ``.errors``
        ├── RateLimitError          429, with ``.retry_after``
        └── InternalServerError     >= 500

No message, ``str`` or ``repr`` of these ever holds the API key, even when a
server echoes it back: the client takes it out of every error it raises, and
no error it raises is chained to an aiohttp exception (those hold the request
headers). Only ``.body``, the reply as it came, may still hold what a server
echoed.

Configuration refused when a client is built (a base URL with a query,
fragment or credentials; a key no HTTP header can carry) raises a plain
``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import msgspec

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BulkUpdateError",
    "ConflictError",
    "ElevenPhoneError",
    "InternalServerError",
    "InvalidRequestError",
    "JournalError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ValidationError",
    "ValidationErrorItem",
    "WebhookPayloadError",
    "WebhookSignatureError",
]


class ElevenPhoneError(Exception):
    """Base of every error raised by elevenphone.

    Attributes:
        message: what went wrong, for a person.
        outcome_unknown: True when a call that is not idempotent (an outbound
            call, an import) failed after the server may have acted on it (a
            timeout, a reset, a reply cut short, 408, a 5xx), or did (a 2xx
            whose reply cannot be read). It was not retried: a call may
            already be ringing, a number may be imported.

    Args:
        message: what went wrong, for a person.
    """

    message: str
    outcome_unknown: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequestError(ElevenPhoneError, ValueError, TypeError):
    """A value was refused before any request was sent: an empty or blank id,
    a bad enum value, an unknown or missing field, bytes where text belongs, a
    value of the wrong type.

    ``field`` names the offending argument or body field, dotted for nested
    fields (``"outbound_trunk_config.transport"``). It is both a ``ValueError``
    and a ``TypeError``, so ``except ValueError`` catches every local refusal
    and ``except TypeError`` catches a wrong type.

    Args:
        message: what was refused and why.
        field: the offending argument or body field, if one is to blame.
    """

    field: str | None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


_SHOWN_FAILURES = 3


class BulkUpdateError(ElevenPhoneError):
    """Some items of a bulk run failed. ``failed`` maps each id to its error.

    Args:
        failed: each failed item's error, by phone number id.
        total: how many updates were tried, failed ones included, for the
            message (``"3 of 120 updates failed"``).
    """

    failed: dict[str, Exception]

    def __init__(self, failed: Mapping[str, Exception], *, total: int | None = None) -> None:
        self.failed = dict(failed)
        of = f" of {total}" if total is not None else ""
        shown = "; ".join(
            f"{pid}: {error}" for pid, error in list(self.failed.items())[:_SHOWN_FAILURES]
        )
        more = len(self.failed) - _SHOWN_FAILURES
        rest = f"; and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.failed)}{of} updates failed: {shown}{rest}")


class JournalError(ElevenPhoneError):
    """A bulk journal cannot be used: another run holds it, it serves another
    job, it holds a damaged line before the last one or a record of an unknown
    format version, or reading or writing it failed (the OSError is the
    ``__cause__``). ``path`` and ``line`` say where.

    Args:
        message: what is wrong with the journal.
        path: the journal's file.
        line: the line at fault, if one is.
    """

    def __init__(self, message: str, *, path: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class APIConnectionError(ElevenPhoneError):
    """The request did not get a complete reply: connect failure, reset, or a
    reply cut short or malformed.

    Attributes:
        request_sent: False only when the connection could not be made, so
            that the server certainly never saw the request; True when it may
            have seen it (and acted).

    Args:
        message: what went wrong.
        request_sent: False only when the connection could not be made.
    """

    request_sent: bool

    def __init__(self, message: str = "Connection error.", *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """No complete reply arrived within the timeout.

    Args:
        message: what timed out.
    """

    def __init__(self, message: str = "Request timed out.") -> None:
        super().__init__(message)


class APIResponseValidationError(ElevenPhoneError):
    """A successful (2xx) reply whose body does not decode into the expected
    model: not JSON, invalid UTF-8, nested too deeply, the wrong shape, or
    larger than the client's ``max_response_bytes``; or that does not match
    what was asked (another phone number, a change a bulk item asked for not
    shown). ``body`` holds the raw bytes read (at most ``max_response_bytes``).

    Args:
        message: why the body does not decode.
        status_code: the reply's HTTP status.
        body: the raw bytes read.
    """

    status_code: int
    body: bytes

    def __init__(self, message: str, *, status_code: int, body: bytes) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class APIStatusError(ElevenPhoneError):
    """The API answered with a non-2xx status.

    Attributes:
        status_code: the HTTP status.
        headers: the reply's headers (case-insensitive mapping).
        body: the reply decoded as JSON, else its text (invalid UTF-8
            replaced), cut at the client's ``max_response_bytes``. It is the
            reply as it came: unlike the message, it is not redacted.
        code: the error code the body gives (``detail.code``, else
            ``detail.status``), if any.
        message: a readable message, from the body where it has one.
        request_id: the request id the body or headers give, if any.
        retry_after: seconds the server asked to wait before trying again
            (``retry-after-ms`` or ``Retry-After``), as it asked, if it said;
            the retry policy decides how much of it to honour.
    """

    status_code: int
    headers: Mapping[str, str]
    body: Any
    code: str | None
    request_id: str | None
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Mapping[str, str],
        body: Any,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """The client makes one from each non-2xx reply; make one yourself
        only to test code that handles it.

        Args:
            message: a readable message, from the body where it has one.
            status_code: the HTTP status.
            headers: the reply's headers.
            body: the reply decoded as JSON, else its text.
            code: the error code the body gives, if any.
            request_id: the request id the body or headers give, if any.
            retry_after: seconds the server asked to wait before trying
                again, if it said.
        """
        super().__init__(message)
        self.status_code = status_code
        self.headers = headers
        self.body = body
        self.code = code
        self.request_id = request_id
        self.retry_after = retry_after
        self.args = (str(self),)

    def __str__(self) -> str:
        phrase = status_line(self.status_code)
        if self.message == phrase and not self.code:
            return phrase  # the body said nothing readable: the status line is all
        code = f"{self.code}: " if self.code else ""
        return f"{phrase}: {code}{self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"code={self.code!r}, message={self.message!r})"
        )


# RFC 9110's names, which Python uses from 3.13 on: the same message on every Python.
_RFC_9110_PHRASES = {
    413: "Content Too Large",
    414: "URI Too Long",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
}


def status_line(status_code: int) -> str:
    """``"503 Service Unavailable"``, or just the number for a status HTTP does not name."""
    phrase = _RFC_9110_PHRASES.get(status_code)
    if phrase is None:
        try:
            phrase = HTTPStatus(status_code).phrase
        except ValueError:
            return str(status_code)
    return f"{status_code} {phrase}"


class BadRequestError(APIStatusError):
    """400: the API refused the request."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, invalid, or lacks a permission."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: no such phone number (or path)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state. Retried, except
    for a call or an import, which it refuses (the number is already imported)."""


class ValidationErrorItem(msgspec.Struct, frozen=True):
    """One item of a 422 reply.

    Args:
        loc: where the problem is: ``"body"`` or ``"query"``, then the field's
            path.
        msg: what the problem is, for a person.
        type: which rule was broken (``missing``, ``value_error``, ...).
    """

    loc: list[str | int]
    msg: str
    type: str

    def where(self) -> str:
        """``loc`` joined with dots, e.g. ``body.outbound_trunk_config.address``."""
        return ".".join(str(part) for part in self.loc)


class ValidationError(APIStatusError):
    """422: the API found the request invalid. ``errors`` lists each problem."""

    errors: list[ValidationErrorItem]

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Mapping[str, str],
        body: Any,
        errors: Sequence[ValidationErrorItem] = (),
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """The client makes one from each 422 reply; make one yourself only to
        test code that handles it.

        Args:
            message: a readable message, from the body where it has one.
            status_code: the HTTP status.
            headers: the reply's headers.
            body: the reply decoded as JSON, else its text.
            errors: each problem the body lists.
            code: the error code the body gives, if any.
            request_id: the request id the body or headers give, if any.
            retry_after: seconds the server asked to wait before trying
                again, if it said.
        """
        super().__init__(
            message,
            status_code=status_code,
            headers=headers,
            body=body,
            code=code,
            request_id=request_id,
            retry_after=retry_after,
        )
        self.errors = list(errors)


class RateLimitError(APIStatusError):
    """429: too many requests, or too many in flight.

    Attributes:
        current_concurrent_requests: from the header of that name, if present.
        maximum_concurrent_requests: from the header of that name, if present.
    """

    current_concurrent_requests: int | None
    maximum_concurrent_requests: int | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Mapping[str, str],
        body: Any,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        current_concurrent_requests: int | None = None,
        maximum_concurrent_requests: int | None = None,
    ) -> None:
        """The client makes one from each 429 reply; make one yourself only to
        test code that handles it.

        Args:
            message: a readable message, from the body where it has one.
            status_code: the HTTP status.
            headers: the reply's headers.
            body: the reply decoded as JSON, else its text.
            code: the error code the body gives, if any.
            request_id: the request id the body or headers give, if any.
            retry_after: seconds the server asked to wait before trying
                again, if it said.
            current_concurrent_requests: the ``current-concurrent-requests``
                header, if present.
            maximum_concurrent_requests: the ``maximum-concurrent-requests``
                header, if present.
        """
        super().__init__(
            message,
            status_code=status_code,
            headers=headers,
            body=body,
            code=code,
            request_id=request_id,
            retry_after=retry_after,
        )
        self.current_concurrent_requests = current_concurrent_requests
        self.maximum_concurrent_requests = maximum_concurrent_requests

    @property
    def is_concurrency_limit(self) -> bool:
        """True when the reply says too many requests are in flight (rather
        than too many per unit of time). Its code decides; the concurrency
        headers only when it has none (a reply may carry them whatever its
        reason)."""
        if self.code:
            return self.code in {"concurrent_limit_exceeded", "too_many_concurrent_requests"}
        return self.maximum_concurrent_requests is not None


class InternalServerError(APIStatusError):
    """>= 500: the API or a proxy in front of it failed. Retried."""


class WebhookSignatureError(ElevenPhoneError):
    """A webhook was refused: its ``ElevenLabs-Signature`` header is missing or
    malformed, its signature does not match the body, or its timestamp is
    further in the past or the future than the tolerance. The message says
    which; it never holds the secret.

    Attributes:
        reason: ``"missing"``, ``"malformed"``, ``"mismatch"``, ``"too_old"``
            or ``"in_future"``.

    Args:
        message: why the webhook was refused.
        reason: which check refused it.
    """

    reason: str

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class WebhookPayloadError(ElevenPhoneError):
    """A webhook whose signature is good but whose body is not an event: not
    JSON, not an object with ``type`` and ``event_timestamp``, or a known
    event whose ``data`` does not fit its model.

    Attributes:
        event_type: the event's ``type``, when the body got that far.

    Args:
        message: what is wrong with the body.
        event_type: the event's ``type``, if it was read.
    """

    event_type: str | None

    def __init__(self, message: str, *, event_type: str | None = None) -> None:
        super().__init__(message)
        self.event_type = event_type
