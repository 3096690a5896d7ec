"""A request is one value: what to send, how to read the reply, and how it may
be retried.

A resource method names its endpoint (a method, a path, the decoder of its
reply and, for a body, the model it is checked against) and
:func:`build_request` makes the request: the body validated and encoded once,
``extra_body`` merged before that one encode, ``extra_query`` merged into the
query, the secrets of the body read. The send path
(:class:`~elevenphone._base_client.BaseClient`) only moves it; nothing there
knows which endpoint it is sending.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from ._exceptions import InvalidRequestError
from ._options import DEFAULT_OPTIONS, CallOptions, call_options
from ._wire import NO_SECRETS, Secrets, encode_body, secret_values

__all__ = [
    "NOT_IDEMPOTENT_METHODS",
    "APIRequest",
    "Decoder",
    "Operation",
    "Query",
    "build_request",
]

T = TypeVar("T")

Decoder = Callable[[bytes, int], T]
"""Reads a 2xx reply: ``decode(body, status_code)``; raises
:class:`APIResponseValidationError` when the body does not fit."""

Query = Mapping[str, str | Sequence[str]]
"""Query parameters as a URL carries them: a value, or values (repeated)."""

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


class APIRequest(Generic[T]):
    """One call, ready to send: a value, never changed once built.

    Attributes:
        method: the HTTP method.
        path: the path, percent-encoded, from the base URL.
        decode: reads a 2xx reply; see :data:`Decoder`.
        query: the query parameters as strings, ``extra_query`` merged in.
        body: the encoded JSON body, ``extra_body`` merged in, or None.
        operation: what a request that is not idempotent does, for its
            errors; None: they speak of "the request" in general words.
        options: the per-call options (the send path reads the headers,
            timeout and retries of them).
        sent: what the body was encoded from, read with ``model`` for its
            secrets (:meth:`secrets`) only when an error must be redacted.
        model: the type ``sent`` was validated against (None: no body, or
            none that can hold a secret).

    Args:
        idempotent: whether sending it twice does no harm; see :attr:`idempotent`.
    """

    __slots__ = (
        "_idempotent",
        "body",
        "decode",
        "method",
        "model",
        "operation",
        "options",
        "path",
        "query",
        "sent",
    )

    def __init__(
        self,
        method: str,
        path: str,
        decode: Decoder[T],
        query: Query | None = None,
        body: bytes | None = None,
        idempotent: bool | None = None,
        operation: Operation | None = None,
        options: CallOptions = DEFAULT_OPTIONS,
        sent: object = None,
        model: Any = None,
    ) -> None:
        self.method = method
        self.path = path
        self.decode = decode
        self.query = query
        self.body = body
        self._idempotent = idempotent
        self.operation = operation
        self.options = options
        self.sent = sent
        self.model = model

    @property
    def idempotent(self) -> bool:
        """Whether sending it twice does no harm. Unless the request says, the
        method decides: a POST is not idempotent, a GET, PATCH or DELETE is. A
        request that is not (an outbound call, an import) is retried only when
        the server certainly did not act on it."""
        given = self._idempotent
        return self.method not in NOT_IDEMPOTENT_METHODS if given is None else given

    @property
    def secrets(self) -> Secrets:
        """The secrets the body holds: every error of this call is redacted of
        them (read only when an error is)."""
        model = self.model
        return NO_SECRETS if model is None else secret_values(self.sent, model)

    @property
    def description(self) -> str:
        """``METHOD /path``, as logs name the call."""
        return f"{self.method} {self.path}"

    def replace(self, **changes: Any) -> APIRequest[T]:
        """A copy with the attributes named changed (``query=``, ``decode=``, ...)."""
        fields = {name.lstrip("_"): getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return APIRequest(**fields)

    def __repr__(self) -> str:
        # Never the body: it may hold a password.
        return f"<APIRequest {self.method} {self.path}>"


def build_request(
    method: str,
    path: str,
    decode: Decoder[T],
    options: Mapping[str, object] | CallOptions = DEFAULT_OPTIONS,
    query: Query | None = None,
    body: object = None,
    model: Any = None,
    what: str = "",
    operation: Operation | None = None,
    idempotent: bool | None = None,
) -> APIRequest[T]:
    """The request of one endpoint: ``method`` and ``path`` (percent-encoded),
    ``decode`` for its reply, and the caller's ``options``.

    Args:
        method: the HTTP method.
        path: the path, its ids already percent-encoded.
        decode: reads the 2xx reply.
        options: the per-call options: a method's ``**options`` (checked
            here), or options checked already.
        query: the endpoint's own query parameters, as strings.
        body: the body: a request Struct or mapping checked against
            ``model``, or bytes already encoded (``extra_body`` merged).
        model: the type ``body`` is validated against.
        what: the body in words, for its errors (``"update"``).
        operation: what a request that is not idempotent does, for its errors.
        idempotent: overrides what the method says.

    Raises:
        InvalidRequestError: the body does not fit ``model``, or cannot be
            sent; ``extra_body`` on a request without a body.
    """
    if not isinstance(options, CallOptions):
        options = call_options(options) if options else DEFAULT_OPTIONS
    extra_body = options.extra_body
    encoded: bytes | None
    if body is None:
        encoded = None
        if extra_body is not None:
            raise InvalidRequestError(
                f"extra_body: {method} {path} sends no body", field="extra_body"
            )
    elif type(body) is bytes:
        encoded, model = body, None
    else:
        encoded = encode_body(body, model, what=what, extra=extra_body)
    extra_query = options.extra_query
    if extra_query:
        query = {**query, **extra_query} if query else extra_query
    return APIRequest(
        method, path, decode, query, encoded, idempotent, operation, options, body, model
    )
