"""The aiohttp edge: one session, bytes out, ``(status, headers, body)`` in.

This is the only module that talks to aiohttp. It owns the session it creates
and closes it; a session the caller passed in is used as given and never
closed. aiohttp's exceptions become elevenphone's here, unchained: aiohttp's
hold the request, and so the API key, in their ``request_info``.

A reply is read in chunks up to a size cap, counted after decompression;
beyond the cap reading stops and the connection is closed, so a hostile or
broken server cannot make the client hold more than the cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import NamedTuple

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from ._exceptions import APIConnectionError, APITimeoutError

__all__ = ["HTTPReply", "HTTPTransport"]


DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The default cap on a reply's size: 32 MiB, decompressed. The largest real
reply, a v1 list of every number of a large account, is a few MiB (about
0.5 KiB per number)."""

_CHUNK = 64 * 1024
_new_reply = tuple.__new__
_HTTP_11 = (1, 1)


class HTTPReply(NamedTuple):
    """A reply: status, headers and the body, whole unless ``truncated``.

    ``truncated``: the body was larger than the size cap; ``body`` holds the
    bytes up to the cap (none, for a 2xx, which is refused whatever it holds).
    ``version``: the protocol's (major, minor) version.
    """

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    truncated: bool = False
    version: tuple[int, int] = (1, 1)

    @property
    def http_version(self) -> str:
        """The protocol, as ``"HTTP/1.1"``."""
        major, minor = self.version
        return f"HTTP/{major}.{minor}"


class HTTPTransport:
    """Sends requests over one aiohttp session.

    The session is created on first use, inside the running event loop, unless
    the caller gave one. Redirects are never followed (aiohttp would forward
    the API key header to whatever host a ``Location`` names), and the
    session's ``raise_for_status`` default is overridden: statuses are the wire
    layer's to interpret.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._session = session
        self.max_response_bytes = max_response_bytes
        self._loop: asyncio.AbstractEventLoop | None = None
        self._owns_session = session is None
        self._closed = False
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("this elevenphone client is closed")
        loop = asyncio.get_running_loop()
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._loop = loop
        elif self._loop is not loop and self._owns_session:
            # aiohttp would fail deep inside with "Event loop is closed".
            raise RuntimeError(
                "this elevenphone client was first used in another event loop; "
                "create one client per event loop (per asyncio.run)"
            )
        return self._session

    def _timeout(self, seconds: float | None) -> aiohttp.ClientTimeout:
        timeout = self._timeouts.get(seconds)
        if timeout is None:
            timeout = self._timeouts[seconds] = aiohttp.ClientTimeout(total=seconds)
        return timeout

    async def send(
        self,
        method: str,
        url: URL,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float | None,
    ) -> HTTPReply:
        """Send one request and read the reply, up to ``max_response_bytes``.

        Raises:
            APITimeoutError: no complete reply within ``timeout`` seconds.
            APIConnectionError: the connection failed, was reset, or the reply
                was cut short or malformed.
            RuntimeError: the transport is closed.
        """
        session = self._session
        if (
            session is None
            or self._closed
            or (self._owns_session and self._loop is not asyncio.get_running_loop())
        ):
            session = self._get_session()
        error: APIConnectionError
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                data=body,
                timeout=self._timeouts.get(timeout) or self._timeout(timeout),
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                declared = response.content_length
                if (
                    declared is not None
                    and declared <= self.max_response_bytes
                    and "Content-Encoding" not in response.headers
                ):
                    # The common case, read here as declared, in one buffer:
                    # no copies, and no coroutine frame for _read_capped.
                    body = await response.read()
                    version = response.version or _HTTP_11
                    # tuple.__new__, not HTTPReply(...): no Python frame per reply.
                    return _new_reply(
                        HTTPReply, (response.status, response.headers, body, False, version)
                    )
                return await self._read_capped(response)
        except asyncio.TimeoutError:
            error = APITimeoutError(f"no complete reply within {timeout} s")
        except aiohttp.ClientConnectorError as exc:
            # The connection could not be made: nothing of the request was sent.
            error = APIConnectionError(f"cannot connect: {_describe(exc)}", request_sent=False)
        except aiohttp.ClientPayloadError as exc:
            error = APIConnectionError(f"the reply was cut short: {_describe(exc)}")
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            # ValueError: aiohttp refuses some malformed replies with it.
            error = APIConnectionError(f"connection error: {_describe(exc)}")
        # Raised outside the except blocks, so that it has no __context__.
        raise error

    async def _read_capped(self, response: aiohttp.ClientResponse) -> HTTPReply:
        """The body, in chunks, up to the cap; beyond it, stop and close the connection."""
        limit = self.max_response_bytes
        status, headers = response.status, response.headers
        version = response.version or _HTTP_11
        success = 200 <= status < 300
        declared = response.content_length
        if success and declared is not None and declared > limit:
            response.close()  # refused whatever it holds: read none of it
            return HTTPReply(status, headers, b"", True, version)
        buffer = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            room = limit - len(buffer)
            if len(chunk) > room:
                response.close()
                if success:
                    return HTTPReply(status, headers, b"", True, version)
                buffer += chunk[:room]
                return HTTPReply(status, headers, bytes(buffer), True, version)
            buffer += chunk
        return HTTPReply(status, headers, bytes(buffer), False, version)

    async def close(self) -> None:
        """Close the session if this transport created it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()


_MAX_DESCRIPTION = 300


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > _MAX_DESCRIPTION:  # a parser error may quote a whole malformed reply
        text = text[: _MAX_DESCRIPTION - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
