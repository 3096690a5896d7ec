"""The reply decision, pure: ``(status, headers, body)`` in, the decoded value
or a typed error out, in the manner of gidgethub's ``sansio.decipher_response``.

The send path moves bytes and runs retries; whether a reply is good, too
large or an error, and which error, is decided here alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

from .errors import error_from_response, too_large_error

__all__ = ["decipher"]

T = TypeVar("T")


class Reply(Protocol):
    """A reply as the transport read it."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...
    @property
    def truncated(self) -> bool: ...


def decipher(reply: Reply, decode: Callable[[bytes, int], T] | None, limit: int = 0) -> T | None:
    """What a reply means.

    Args:
        reply: its status, headers and body (whole unless ``truncated``: the
            body was larger than the size cap, ``limit`` bytes).
        decode: reads a 2xx body (None: the caller reads it later, as a raw
            response does; None is returned).
        limit: the size cap the body was read under.

    Returns:
        ``decode(body, status)`` of a whole 2xx reply.

    Raises:
        APIResponseValidationError: a 2xx over the size cap, or one whose body
            ``decode`` refuses.
        APIStatusError: the typed error of any other status (see
            :func:`error_from_response`).
    """
    status = reply.status
    if 200 <= status < 300:
        if reply.truncated:
            raise too_large_error(status, reply.body, limit)
        return None if decode is None else decode(reply.body, status)
    raise error_from_response(status, reply.headers, reply.body, truncated=reply.truncated)
