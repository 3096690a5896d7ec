"""A request is one value: what to send, how to read the reply, and how it may
be retried.

Resource methods build an :class:`APIRequest` from the pure wire functions and
hand it to the client's one send path (:meth:`ElevenPhone._execute`), which
sends it with retries and decodes the reply with ``request.decode``. Nothing
in the send path knows which endpoint it is sending.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

from msgspec import UNSET, UnsetType

from ._exceptions import InvalidRequestError
from ._wire import check_header_value, check_sendable, merge_extra_body, query_value

__all__ = ["DEFAULT_OPTIONS", "APIRequest", "Operation", "RequestOptions", "check_timeout"]

T = TypeVar("T")

Headers = Mapping[str, str | None]
"""Headers to send; ``None`` as a value removes a header the client would send."""


def check_timeout(timeout: object) -> float | None:
    """A timeout in seconds (None: no limit).

    Raises:
        InvalidRequestError: not a positive, finite number or None (infinity
            and NaN included: aiohttp would fail on them only at send time);
            ``.field`` is ``timeout``. It is a ``ValueError``.
    """
    if timeout is None:
        return None
    seconds = math.nan
    if not isinstance(timeout, bool) and isinstance(timeout, int | float):
        with contextlib.suppress(OverflowError):  # an int beyond any float
            seconds = float(timeout)
    if not 0 < seconds < math.inf:
        raise InvalidRequestError(
            f"timeout must be a positive, finite number of seconds or None, not {timeout!r}",
            field="timeout",
        )
    return seconds


@dataclass(frozen=True)
class RequestOptions:
    """Per-call options, the same on every method (the Stainless names).

    Attributes:
        extra_headers: headers sent with this call, over the client's; a value
            of ``None`` removes that header.
        extra_query: query parameters added to this call's URL.
        extra_body: fields merged into this call's JSON body, over the ones
            the method sets. Sent as given, without the SDK's schema checks:
            the way to send a field the API takes and this version does not
            know yet.
        timeout: seconds one attempt of this call may take (None: no limit),
            instead of the client's.
    """

    extra_headers: Headers | None = None
    extra_query: Mapping[str, object] | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: float | None | UnsetType = UNSET

    @classmethod
    def of(
        cls,
        extra_headers: Headers | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: float | None | UnsetType = UNSET,
    ) -> RequestOptions:
        """Checked options; :data:`DEFAULT_OPTIONS` when none is given.

        Raises:
            InvalidRequestError: a header, query value or body value that
                cannot be sent (see :func:`check_header_value` and
                :func:`merge_extra_body`), or a timeout that is not a
                positive, finite number or None.
        """
        if (
            extra_headers is None
            and extra_query is None
            and extra_body is None
            and timeout is UNSET
        ):
            return DEFAULT_OPTIONS
        if extra_headers is not None:
            _check_mapping(extra_headers, "extra_headers")
            for name, header in extra_headers.items():
                check_header_value(name, header, field=f"extra_headers.{name}")
        if extra_query is not None:
            _check_mapping(extra_query, "extra_query")
            for name, parameter in extra_query.items():
                query_value(parameter, field=f"extra_query.{name}")
        if extra_body is not None:
            _check_mapping(extra_body, "extra_body")
            check_sendable(extra_body, "extra_body")  # now, not on the first attempt
        if not isinstance(timeout, UnsetType):
            timeout = check_timeout(timeout)
        return cls(extra_headers, extra_query, extra_body, timeout)


def _check_mapping(value: object, name: str) -> None:
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"{name} must be a mapping, not {type(value).__name__}", field=name
        )
    for key in value:
        if not isinstance(key, str):
            raise InvalidRequestError(
                f"{name} keys must be str, not {type(key).__name__}", field=name
            )


DEFAULT_OPTIONS = RequestOptions()
"""No per-call options: the client's settings apply."""

NOT_IDEMPOTENT_METHODS = frozenset({"POST"})
"""The methods whose requests are not idempotent unless a request says so:
the API has no idempotency key, and its POSTs place calls and import numbers."""


class Operation(NamedTuple):
    """What a request that is not idempotent does, in the words of the errors
    that say the server may have acted on it (``outcome_unknown``).

    Attributes:
        name: what the request is, as a noun: ``"call"``, ``"import"``.
        if_acted: what it means if the server did act, for a person:
            ``"the call may already be ringing"``.
    """

    name: str
    if_acted: str


@dataclass(slots=True)
class APIRequest(Generic[T]):
    """One call, ready to send: a value, never changed once built (not frozen
    only because a frozen dataclass costs a ``setattr`` per field on every call).

    Attributes:
        method: the HTTP method.
        path: the path, percent-encoded, from the base URL.
        decode: reads a 2xx reply: ``decode(body, status_code)``; raises
            :class:`APIResponseValidationError` when the body does not fit.
        query: query parameters, already as strings.
        body: the encoded JSON body, or None.
        idempotent: whether sending it twice does no harm. Not given, the
            method decides: a POST is not idempotent, a GET, PATCH or DELETE
            is; always a bool once built. A request that is not (an outbound
            call, an import) is retried only when the server certainly did
            not act on it.
        operation: what a request that is not idempotent does, for its
            errors; None: they speak of "the request" in general words.
        options: the per-call options.
        secrets: the secrets the body holds (:func:`~elevenphone._wire.secret_values`,
            where the body is encoded): every error of this call is redacted
            of them.
    """

    method: str
    path: str
    decode: Callable[[bytes, int], T]
    query: Mapping[str, str] | None = None
    body: bytes | None = None
    idempotent: bool | None = None
    operation: Operation | None = None
    options: RequestOptions = field(default=DEFAULT_OPTIONS)
    secrets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.idempotent is None:
            self.idempotent = self.method not in NOT_IDEMPOTENT_METHODS

    @property
    def description(self) -> str:
        """``METHOD /path``, as logs name the call."""
        return f"{self.method} {self.path}"

    def final_query(self) -> Mapping[str, str] | None:
        """The query with ``extra_query`` added."""
        extra = self.options.extra_query
        if not extra:
            return self.query
        merged = dict(self.query or {})
        merged.update((name, query_value(value, field=name)) for name, value in extra.items())
        return merged

    def final_body(self) -> bytes | None:
        """The body with ``extra_body`` merged in.

        Raises:
            InvalidRequestError: ``extra_body`` on a call that sends no body,
                or a value JSON cannot carry.
        """
        extra = self.options.extra_body
        if extra is None:
            return self.body
        if self.body is None:
            raise InvalidRequestError(
                f"extra_body: {self.method} {self.path} sends no body", field="extra_body"
            )
        return merge_extra_body(self.body, extra)
