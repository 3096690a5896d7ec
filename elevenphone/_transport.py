"""The aiohttp edge: one session, bytes out, ``(status, headers, body)`` in.

This is the only module that talks to aiohttp. It owns the session it creates
and closes it; a session the caller passed in is used as given and never
closed. aiohttp's exceptions become elevenphone's here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import NamedTuple

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from ._exceptions import APIConnectionError, APITimeoutError

__all__ = ["HTTPTransport", "RawResponse"]


class RawResponse(NamedTuple):
    """A complete reply: status, headers and the whole body."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


class HTTPTransport:
    """Sends requests over one aiohttp session.

    The session is created on first use, inside the running event loop, unless
    the caller gave one. Redirects are never followed (aiohttp would forward
    the API key header to whatever host a ``Location`` names), and the
    session's ``raise_for_status`` default is overridden: statuses are the wire
    layer's to interpret.
    """

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session
        self._loop: asyncio.AbstractEventLoop | None = None
        self._owns_session = session is None
        self._closed = False
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    @property
    def owns_session(self) -> bool:
        """Whether :meth:`close` closes the session (it did not come from the caller)."""
        return self._owns_session

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

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
        *,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float | None,
    ) -> RawResponse:
        """Send one request and read the whole reply.

        Raises:
            APITimeoutError: no complete reply within ``timeout`` seconds.
            APIConnectionError: the connection failed, was reset, or the reply
                was cut short.
            RuntimeError: the transport is closed.
        """
        session = self._get_session()
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                data=body,
                timeout=self._timeout(timeout),
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                payload = await response.read()
                return RawResponse(response.status, response.headers, payload)
        except asyncio.TimeoutError:
            raise APITimeoutError(f"no complete reply within {timeout} s") from None
        except aiohttp.ClientPayloadError as exc:
            raise APIConnectionError(f"the reply was cut short: {exc}") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(f"connection error: {_describe(exc)}") from None

    async def close(self) -> None:
        """Close the session if this transport created it. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._owns_session and self._session is not None:
            await self._session.close()


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
