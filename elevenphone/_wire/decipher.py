"""The reply decision, pure: ``(status, headers, body)`` in, the decoded value
or a typed error out, in the manner of gidgethub's ``sansio.decipher_response``.

The send path moves bytes and runs retries; whether a reply is good, too
large or an error, and which error, is decided here alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from .errors import error_from_response, too_large_error

__all__ = ["decipher"]

T = TypeVar("T")


def decipher(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    decode: Callable[[bytes, int], T] | None,
    *,
    truncated: bool = False,
    limit: int = 0,
) -> T | None:
    """What a reply means.

    Args:
        status: the HTTP status.
        headers: the reply's headers.
        body: the body, whole unless ``truncated``.
        decode: reads a 2xx body (None: the caller reads it later, as a raw
            response does; None is returned).
        truncated: the body was larger than the size cap, ``limit`` bytes.
        limit: the size cap the body was read under.

    Returns:
        ``decode(body, status)`` of a whole 2xx reply.

    Raises:
        APIResponseValidationError: a 2xx over the size cap, or one whose body
            ``decode`` refuses.
        APIStatusError: the typed error of any other status (see
            :func:`error_from_response`).
    """
    if 200 <= status < 300:
        if truncated:
            raise too_large_error(status, body, limit)
        return None if decode is None else decode(body, status)
    raise error_from_response(status, headers, body, truncated=truncated)
