"""The errors of a non-2xx reply: one per status family, under
:class:`APIStatusError`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import msgspec

from ._base import ElevenPhoneError

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ValidationError",
    "ValidationErrorItem",
    "status_line",
]


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
    """404: no such phone number, agent, conversation or batch (or path)."""


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
