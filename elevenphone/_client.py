"""The client: configuration, the session's lifetime, and sending one call
with retries."""

from __future__ import annotations

import logging
import os
import platform
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TypeVar

import aiohttp
from msgspec import UNSET, UnsetType
from yarl import URL

from ._exceptions import ElevenPhoneError
from ._phone_numbers import PhoneNumbers
from ._retry import RetryPolicy, logger
from ._transport import DEFAULT_MAX_RESPONSE_BYTES, HTTPTransport, RawResponse
from ._version import __version__
from ._wire import error_from_response, redact_error, too_large_error

T = TypeVar("T")

__all__ = ["REGIONS", "ElevenPhone"]

REGIONS: Mapping[str, str] = {
    "default": "https://api.elevenlabs.io",
    "us": "https://api.us.elevenlabs.io",
    "eu": "https://api.eu.residency.elevenlabs.io",
    "in": "https://api.in.residency.elevenlabs.io",
    "sg": "https://api.sg.residency.elevenlabs.io",
}
"""The base URL of each region, by the name ``region=`` takes."""

_USER_AGENT = (
    f"elevenphone/{__version__} python/{platform.python_version()} aiohttp/{aiohttp.__version__}"
)


def _resolve_base_url(region: str, base_url: str | None) -> str:
    if region not in REGIONS:
        raise ValueError(f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    if base_url is None and region == "default":
        base_url = os.environ.get("ELEVENLABS_BASE_URL") or None
    url = base_url if base_url is not None else REGIONS[region]
    if not isinstance(url, str):
        raise TypeError(f"base_url must be a str, not {type(url).__name__}")
    try:
        parsed = URL(url)
    except ValueError:
        raise ValueError("base_url is not a URL") from None
    if parsed.user is not None or parsed.password is not None:
        # The URL is not echoed: it holds a password.
        raise ValueError(
            "base_url must not hold credentials (user:password@); the API key is"
            " the only credential sent"
        )
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, not {url!r}")
    if "?" in url or "#" in url:
        # The path of each call is appended to the base URL: after a query or
        # a fragment it would never reach the server.
        raise ValueError(f"base_url must not have a query or a fragment, not {url!r}")
    return url.rstrip("/")


def _check_api_key(api_key: object) -> str | None:
    """The key to send, or None: an empty or blank key means no key."""
    if api_key is None:
        return None
    if not isinstance(api_key, str):
        raise TypeError(f"api_key must be a str, not {type(api_key).__name__}")
    if not api_key.strip():
        return None
    for position, char in enumerate(api_key):
        if not " " <= char <= "~":  # printable ASCII: what a header value can carry
            # The key is never echoed, only where it goes wrong.
            what = "a control character" if char.isascii() else "a non-ASCII character"
            raise ValueError(
                f"api_key holds {what} at position {position}; an HTTP header cannot carry it"
            )
    return api_key


def _secret_forms(api_key: str | None) -> tuple[str, ...]:
    """The key as a server or a parser may echo it: as is, and as Python escapes it
    when quoting bytes or a str (aiohttp's parser errors quote the bad line)."""
    if not api_key:
        return ()
    return tuple(dict.fromkeys((api_key, repr(api_key.encode())[2:-1], repr(api_key)[1:-1])))


def _check_timeout(timeout: float | None) -> float | None:
    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds or None, not {timeout!r}")
    return None if timeout is None else float(timeout)


def _check_max_response_bytes(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"max_response_bytes must be an int >= 1, not {limit!r}")
    return limit


class ElevenPhone:
    """An async client for the ElevenLabs phone-numbers API.

    Use it as ``async with ElevenPhone() as client:``, or call :meth:`close`
    when done. Calls on it may run concurrently.

    Args:
        api_key: the API key, sent as ``xi-api-key``. Defaults to the
            ``ELEVENLABS_API_KEY`` environment variable. An empty or blank key
            (given or from the environment) means no key: none is sent.
        region: ``default``, ``us``, ``eu``, ``in`` or ``sg``: which servers to
            call.
        base_url: overrides ``region``. With neither given,
            ``ELEVENLABS_BASE_URL`` is read. It may have a path prefix, but
            no query, fragment or credentials.
        timeout: seconds one attempt may take, reply included (None: no limit).
        max_retries: retries after a first failed attempt; see
            :class:`RetryPolicy`.
        session: an aiohttp session to use. The client never closes a session
            it was given; it creates and closes its own otherwise.
        retry_policy: how retries wait and what they honour; its retry count
            is always ``max_retries``.
        max_response_bytes: the most bytes of one reply that are read,
            counted after decompression (default 32 MiB). A 2xx reply larger
            than this raises :class:`APIResponseValidationError`; an error
            reply raises its typed error with ``.body`` cut here.

    Raises:
        ValueError: an unknown region; a base URL that is not http(s), or has
            a query, a fragment or credentials; a key holding characters an
            HTTP header cannot carry (control characters, non-ASCII); a
            timeout, retry count or size cap out of range.
        TypeError: ``api_key`` or ``base_url`` is not a str.
    """

    phone_numbers: PhoneNumbers
    """Calls on phone numbers: ``update``, ``get``, ``list``, and the bulk calls
    ``bulk_update``, ``iter_bulk_update``, ``reassign_agent`` and ``undo``."""

    base_url: str
    """The server every call goes to, without a trailing slash."""

    timeout: float | None
    """Seconds one attempt may take, reply included (None: no limit)."""

    retry_policy: RetryPolicy
    """How failed calls are retried."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        region: str = "default",
        base_url: str | None = None,
        timeout: float | None = 60.0,
        max_retries: int = 2,
        session: aiohttp.ClientSession | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get("ELEVENLABS_API_KEY")
        api_key = _check_api_key(api_key)
        policy = (retry_policy or RetryPolicy()).with_max_retries(max_retries)
        self._api_key = api_key
        self._secrets = _secret_forms(api_key)
        self._region = region
        self.base_url = _resolve_base_url(region, base_url)
        self.timeout = _check_timeout(timeout)
        self.retry_policy = policy
        self._transport = HTTPTransport(
            session, max_response_bytes=_check_max_response_bytes(max_response_bytes)
        )
        self._headers = self._build_headers()
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self.phone_numbers = PhoneNumbers(self)

    def _build_headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        if self._api_key:
            headers["xi-api-key"] = self._api_key
        return headers

    @property
    def max_retries(self) -> int:
        """Retries after a first failed attempt."""
        return self.retry_policy.max_retries

    @property
    def max_response_bytes(self) -> int:
        """The most bytes of one reply that are read (after decompression)."""
        return self._transport.max_response_bytes

    @property
    def region(self) -> str:
        """The region this client was configured with."""
        return self._region

    def with_options(
        self,
        *,
        timeout: float | None | UnsetType = UNSET,
        max_retries: int | UnsetType = UNSET,
        retry_policy: RetryPolicy | UnsetType = UNSET,
    ) -> ElevenPhone:
        """A client with other settings that shares this one's session.

        Closing the returned client does not close the shared session; closing
        this client does.

        Raises:
            ValueError: a timeout or retry count out of range.
        """
        clone = object.__new__(ElevenPhone)
        clone.__dict__.update(self.__dict__)
        if not isinstance(timeout, UnsetType):
            clone.timeout = _check_timeout(timeout)
        policy = self.retry_policy if isinstance(retry_policy, UnsetType) else retry_policy
        if not isinstance(max_retries, UnsetType):
            policy = policy.with_max_retries(max_retries)
        clone.retry_policy = policy
        clone._is_derived = True
        clone.phone_numbers = PhoneNumbers(clone)
        return clone

    _is_derived: bool = False

    async def _request(
        self,
        method: str,
        path: str,
        decode: Callable[[bytes, int], T],
        *,
        body: bytes | None = None,
        query: Mapping[str, str] | None = None,
    ) -> T:
        """Send one call with retries and decode its 2xx reply with ``decode``.

        Every error raised here, whatever the server sent, is typed, holds no
        secret and is chained to nothing.
        """
        reply = await self._send(method, path, body=body, query=query)
        try:
            return decode(reply.body, reply.status)
        except ElevenPhoneError as exc:
            error = exc
        raise redact_error(error, self._secrets)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        query: Mapping[str, str] | None = None,
    ) -> RawResponse:
        """Send one call with retries; return the 2xx reply or raise its error."""
        # The path is already percent-encoded: keep yarl from decoding "%2E".
        url = URL(self.base_url + path, encoded=True)
        if query:
            url = url.with_query(query)
        headers = self._headers if body is None else self._json_headers
        transport, timeout, secrets = self._transport, self.timeout, self._secrets

        async def attempt() -> RawResponse:
            debug = logger.isEnabledFor(logging.DEBUG)
            started = time.perf_counter() if debug else 0.0
            failure: ElevenPhoneError
            try:
                reply = await transport.send(
                    method, url, headers=headers, body=body, timeout=timeout
                )
            except ElevenPhoneError as exc:
                failure = redact_error(exc, secrets)
                if debug:
                    elapsed_ms = (time.perf_counter() - started) * 1000
                    logger.debug("%s %s failed in %.1f ms: %s", method, path, elapsed_ms, failure)
                raise failure from None
            if debug:
                elapsed_ms = (time.perf_counter() - started) * 1000
                logger.debug("%s %s -> %d in %.1f ms", method, path, reply.status, elapsed_ms)
            if 200 <= reply.status < 300 and not reply.truncated:
                return reply
            if reply.truncated and 200 <= reply.status < 300:
                limit = transport.max_response_bytes
                failure = too_large_error(reply.status, reply.body, limit)
            else:
                failure = error_from_response(
                    reply.status, reply.headers, reply.body, truncated=reply.truncated
                )
            raise redact_error(failure, secrets)

        # The first attempt runs here rather than in retry_policy.call: a call
        # that succeeds then resumes through two coroutine frames fewer at each
        # of aiohttp's suspensions.
        try:
            return await attempt()
        except ElevenPhoneError as error:
            failure = error
        return await self.retry_policy.retry(failure, attempt, description=f"{method} {path}")

    async def close(self) -> None:
        """Close the session if the client created it. Idempotent.

        A client made by :meth:`with_options` leaves the shared session open.
        """
        if not self._is_derived:
            await self._transport.close()

    async def __aenter__(self) -> ElevenPhone:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return (
            f"ElevenPhone(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries}, api_key={'set' if self._api_key else 'unset'})"
        )
