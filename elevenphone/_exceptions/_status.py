"""The errors of a non-2xx reply: one per status family, under
:class:`APIStatusError`."""

# No ``from __future__ import annotations``: StatusFields' Required keys are
# read from its annotations when the class is made, which strings would hide.
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import msgspec

from .._typing import Required, TypedDict, Unpack
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
    "StatusFields",
    "ValidationError",
    "ValidationErrorItem",
    "status_line",
]


class StatusFields(TypedDict, total=False):
    """The keywords of every :class:`APIStatusError` constructor: what the
    reply said, each the attribute of that name (documented there)."""

    status_code: Required[int]
    headers: Required[Mapping[str, str]]
    body: Required[Any]
    code: str | None
    request_id: str | None
    retry_after: float | None


_REQUIRED_FIELDS = StatusFields.__required_keys__
_FIELDS = frozenset(StatusFields.__annotations__)


def _check_fields(cls: type, fields: Mapping[str, object]) -> None:
    """What Python checks of declared keywords, for ``**fields``: a
    misspelt or missing one is a TypeError, as it was before they were
    declared once."""
    given = fields.keys()
    if _REQUIRED_FIELDS <= given <= _FIELDS:
        return
    missing = sorted(_REQUIRED_FIELDS - given)
    if missing:
        raise TypeError(f"{cls.__name__}() missing keyword arguments: {', '.join(missing)}")
    unknown = sorted(given - _FIELDS)
    raise TypeError(f"{cls.__name__}() got unexpected keyword arguments: {', '.join(unknown)}")


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

    def __init__(self, message: str, **fields: Unpack[StatusFields]) -> None:
        """The client makes one from each non-2xx reply; make one yourself
        (or one of its subclasses) only to test code that handles it.

        Args:
            message: a readable message, from the body where it has one.
            **fields: ``status_code``, ``headers`` and ``body`` (required),
                ``code``, ``request_id`` and ``retry_after`` (None when left
                out): each the attribute of that name. Every subclass takes
                them too.

        Raises:
            TypeError: a field missing or unknown (as for any keyword).
        """
        _check_fields(type(self), fields)
        super().__init__(message)
        self.status_code = fields["status_code"]
        self.headers = fields["headers"]
        self.body = fields["body"]
        self.code = fields.get("code")
        self.request_id = fields.get("request_id")
        self.retry_after = fields.get("retry_after")
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
        errors: Sequence[ValidationErrorItem] = (),
        **fields: Unpack[StatusFields],
    ) -> None:
        """Made from each 422 reply, with the problems its body lists.

        Args:
            message: the message, as :class:`APIStatusError` takes it.
            errors: each problem the body lists.
            **fields: the reply's fields, as :class:`APIStatusError` takes them.
        """
        super().__init__(message, **fields)
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
        current_concurrent_requests: int | None = None,
        maximum_concurrent_requests: int | None = None,
        **fields: Unpack[StatusFields],
    ) -> None:
        """Made from each 429 reply, with its concurrency headers.

        Args:
            message: the message, as :class:`APIStatusError` takes it.
            current_concurrent_requests: the ``current-concurrent-requests``
                header, if present.
            maximum_concurrent_requests: the ``maximum-concurrent-requests``
                header, if present.
            **fields: the reply's fields, as :class:`APIStatusError` takes them.
        """
        super().__init__(message, **fields)
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
