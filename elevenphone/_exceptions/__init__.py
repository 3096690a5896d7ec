"""Every error elevenphone raises.

::

    ElevenPhoneError
    ├── InvalidRequestError         refused locally, before anything was sent:
    │   │                           a bad value is also a ValueError, a value
    │   │                           of the wrong type also a TypeError
    │   └── AgentCheckError         a reassignment's target agent or branch is
    │                               missing or archived (no number touched)
    ├── PollTimeoutError            a poll's timeout ran out before the end;
    │                               also a TimeoutError
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

The base classes are in :mod:`._base`, the errors of a non-2xx reply in
:mod:`._status`, the others here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import ElevenPhoneError, InvalidRequestError
from ._status import (
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

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AgentCheckError",
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
    "PollTimeoutError",
    "RateLimitError",
    "ValidationError",
    "ValidationErrorItem",
    "WebhookPayloadError",
    "WebhookSignatureError",
]


class AgentCheckError(InvalidRequestError):
    """The agent numbers were to be put on failed its check, before any
    number was touched: it does not exist, it is archived, or so is the
    branch asked for, or that branch does not exist. Each argument but
    ``message`` is the attribute of that name.

    Args:
        message: what the check found.
        agent_id: the agent checked.
        branch_id: the branch checked, if one was asked for.
        reason: ``"not_found"``, ``"archived"``, ``"branch_not_found"`` or
            ``"branch_archived"``.
        field: the argument that named the agent or branch.
    """

    def __init__(
        self,
        message: str,
        *,
        agent_id: str,
        branch_id: str | None = None,
        reason: str,
        field: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.agent_id = agent_id
        self.branch_id = branch_id
        self.reason = reason


class PollTimeoutError(ElevenPhoneError, TimeoutError):
    """A poll's ``timeout`` ran out before what it waited for ended (a
    conversation done or failed, a batch completed, failed or cancelled).
    Also a builtin ``TimeoutError``. Each argument but ``message`` is the
    attribute of that name.

    Args:
        message: what was still under way.
        timeout: the seconds the poll was given.
        last: what the last read returned (the conversation or batch still
            under way), or None if it was never found.
    """

    def __init__(self, message: str, *, timeout: float, last: Any = None) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.last = last


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
