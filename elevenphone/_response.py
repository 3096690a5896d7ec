"""The raw response: what ``client.<resource>.with_raw_response.<method>()`` returns."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from multidict import CIMultiDictProxy
from yarl import URL

from ._exceptions import ElevenPhoneError
from ._request import APIRequest
from ._transport import HTTPReply
from ._wire import decode_reply, raise_unchained
from ._wire._shared import any_decoder

__all__ = ["APIResponse"]

T = TypeVar("T")

_UNPARSED: Any = object()


class APIResponse(Generic[T]):
    """A 2xx reply as it came, and the value the plain method returns.

    Attributes:
        status_code: the HTTP status.
        headers: the reply's headers (case-insensitive).
        content: the body, as bytes.
        retries_taken: how many times the call was sent again before this reply.
        method: the HTTP method of the request.
        url: the URL the request went to, query included.
        http_version: the protocol of the reply, as ``"HTTP/1.1"``.
        elapsed: how long the attempt that got this reply took, from sending
            the request to the end of the body.

    Args:
        request: the request this reply answers; it knows how to decode it.
        reply: the reply as the transport read it.
        url: the URL the request went to.
        elapsed: how long the attempt that got this reply took.
        retries_taken: how many times the call was sent again before this reply.
        redact: takes the secrets out of an error raised while decoding (and,
            for a call or an import, words it as one the server accepted).
    """

    status_code: int
    headers: CIMultiDictProxy[str]
    content: bytes
    retries_taken: int
    method: str
    url: URL
    http_version: str
    elapsed: datetime.timedelta

    def __init__(
        self,
        request: APIRequest[T],
        reply: HTTPReply,
        *,
        url: URL,
        elapsed: datetime.timedelta,
        retries_taken: int,
        redact: Callable[[ElevenPhoneError], ElevenPhoneError],
    ) -> None:
        self.status_code = reply.status
        self.headers = reply.headers
        self.content = reply.body
        self.retries_taken = retries_taken
        self.method = request.method
        self.url = url
        self.http_version = reply.http_version
        self.elapsed = elapsed
        self._request = request
        self._redact = redact
        self._parsed: T = _UNPARSED

    @property
    def request_id(self) -> str | None:
        """The request id the API's headers carry (``request-id``, ``x-request-id``), if any."""
        return self.headers.get("request-id") or self.headers.get("x-request-id")

    @property
    def text(self) -> str:
        """The body as text (invalid UTF-8 replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as plain JSON values (dicts, lists, strs, ...).

        Raises:
            APIResponseValidationError: the body is not JSON.
        """
        return self._checked(
            lambda: decode_reply(
                any_decoder, self.content, what="JSON", status_code=self.status_code
            )
        )

    def parse(self) -> T:
        """What the plain method returns for this reply (decoded once, then kept).

        Raises:
            APIResponseValidationError: the body does not decode.
        """
        if self._parsed is _UNPARSED:
            self._parsed = self._checked(
                lambda: self._request.decode(self.content, self.status_code)
            )
        return self._parsed

    def _checked(self, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except ElevenPhoneError as error:
            failure = error
        raise_unchained(self._redact(failure))

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self._request.description}>"
