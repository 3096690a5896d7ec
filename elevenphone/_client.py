"""The client: configuration, the session's lifetime, and the one send path.

Every call of every resource reaches the server through :meth:`ElevenPhone._execute`
(or ``_execute_raw``): an :class:`~elevenphone._request.APIRequest` in, the
decoded reply (or a typed, redacted, unchained error) out, with one retry loop.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from collections.abc import Awaitable, Mapping
from types import TracebackType
from typing import Any, Protocol, TypeVar

import aiohttp
from msgspec import UNSET, UnsetType
from multidict import CIMultiDict
from yarl import URL

from ._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    ElevenPhoneError,
    InvalidRequestError,
)
from ._logs import logger
from ._request import DEFAULT_OPTIONS, APIRequest, Operation, check_timeout
from ._response import APIResponse
from ._retry import BulkRunState, RetryPolicy
from ._transport import DEFAULT_MAX_RESPONSE_BYTES, HTTPReply, HTTPTransport
from ._version import __version__
from ._wire import (
    Secrets,
    check_header_value,
    error_from_response,
    raise_unchained,
    redact_error,
    secret_forms,
    too_large_error,
)
from .resources.calls import Calls
from .resources.phone_numbers import PhoneNumbers

T = TypeVar("T")


class Gate(BulkRunState, Protocol):
    """What a bulk run puts around every attempt of its requests (permit, rate,
    adaptive limit): hooks in the one send path, so no layer wraps it, and
    what it tells their retries."""

    def enter(self) -> object | None:
        """A permit if one is free now, else None (then :meth:`wait`)."""

    async def wait(self) -> object:
        """Wait for a permit."""

    def leave(self, permit: object, error: BaseException | None) -> None:
        """Give the permit back: the attempt succeeded (None) or failed with ``error``."""


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
    """The key to send, or None: an empty or blank key means no key.

    Raises:
        InvalidRequestError: no key at all, neither given nor in the environment.
    """
    if api_key is None:
        api_key = os.environ.get("ELEVENLABS_API_KEY")
    if api_key is None:
        # Refused here, not answered by a 401 (or a DNS error) at the first call.
        raise InvalidRequestError(
            "no API key: pass api_key= or set ELEVENLABS_API_KEY"
            " (an empty key sends none, for a proxy that adds it)",
            field="api_key",
        )
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


def _check_default_headers(headers: Mapping[str, str | None] | None) -> dict[str, str | None]:
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise TypeError(f"default_headers must be a mapping, not {type(headers).__name__}")
    for name, value in headers.items():
        # An InvalidRequestError: a ValueError, as every refused setting here.
        check_header_value(str(name), value, field=f"default_headers.{name}")
    return dict(headers)


def _merged_headers(base: Mapping[str, str], extra: Mapping[str, str | None]) -> CIMultiDict[str]:
    """``base`` with ``extra`` over it, by name whatever its case; ``None`` removes."""
    merged = CIMultiDict(base)
    for name, value in extra.items():
        merged.popall(name, None)
        if value is not None:
            merged[name] = value
    return merged


def _outcome_unknown(error: ElevenPhoneError, operation: Operation | None) -> ElevenPhoneError:
    """``error`` of a request that is not idempotent and that the server may
    have acted on, marked ``outcome_unknown`` and worded for ``operation``: a
    2xx that cannot be read says the server accepted it; any other, that it
    may have acted. Neither invites sending it again."""
    name, if_acted = operation or ("request", "it may have taken effect")
    error.outcome_unknown = True
    if isinstance(error, APIResponseValidationError):
        error.message = (
            f"the server accepted the {name} ({error.status_code}) but its reply cannot be"
            f" read: {error.message}; do not send it again: {if_acted}"
        )
    else:
        error.message += f"; not retried, as the server may have acted on the {name}: {if_acted}"
    error.args = (str(error) if isinstance(error, APIStatusError) else error.message,)
    return error


def _unreadable(
    error: ElevenPhoneError, request: APIRequest[Any], secrets: tuple[str, ...]
) -> ElevenPhoneError:
    """``error`` raised reading the 2xx reply to ``request``, redacted; for a
    request that is not idempotent, worded as one the server accepted."""
    error = redact_error(error, secrets)
    return error if request.idempotent else _outcome_unknown(error, request.operation)


def _api_key_in(headers: Mapping[str, str | None]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "xi-api-key":
            return value
    return None


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
            (given or from the environment) means no key: none is sent (for a
            proxy that adds it).
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
        default_headers: headers sent with every request, over the client's
            own (``Accept``, ``User-Agent``); ``None`` as a value removes one.
            A call's ``extra_headers`` go over these.

    Raises:
        InvalidRequestError: no key at all: ``api_key`` not given and
            ``ELEVENLABS_API_KEY`` not set (``field="api_key"``).
        ValueError: an unknown region; a base URL that is not http(s), or has
            a query, a fragment or credentials; a key or default header
            holding characters an HTTP header cannot carry (control
            characters, and non-ASCII in the key); a retry count or size cap
            out of range. A timeout that is not a positive, finite number or
            None, and a default header that cannot be sent (a bad value, or
            ``Content-Length``, ``Transfer-Encoding`` or ``Host``, which the
            transport sets) raise :class:`InvalidRequestError` naming it in
            ``.field``, which is a ``ValueError``.
        TypeError: ``api_key``, ``base_url`` or ``default_headers`` of the
            wrong type.
    """

    phone_numbers: PhoneNumbers
    """Phone numbers: import, get, update, delete, list and page through them,
    read their SIP messages, and update many at once."""

    calls: Calls
    """Outbound calls from an imported number, through its provider."""

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
        default_headers: Mapping[str, str | None] | None = None,
    ) -> None:
        api_key = _check_api_key(api_key)
        policy = (retry_policy or RetryPolicy()).with_max_retries(max_retries)
        extra = _check_default_headers(default_headers)
        self._api_key = api_key
        self._secrets = secret_forms(api_key, _api_key_in(extra))
        self._region = region
        self.base_url = _resolve_base_url(region, base_url)
        self.timeout = check_timeout(timeout)
        self.retry_policy = policy
        self._transport = HTTPTransport(
            session, max_response_bytes=_check_max_response_bytes(max_response_bytes)
        )
        own = {"Accept": "application/json", "User-Agent": _USER_AGENT}
        if api_key:
            own["xi-api-key"] = api_key
        self._headers = _merged_headers(own, extra)
        self._json_headers = _merged_headers(self._headers, {"Content-Type": "application/json"})
        self.phone_numbers = PhoneNumbers(self)
        self.calls = Calls(self)

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
        this client does. A setting not given keeps this client's value.

        Args:
            timeout: seconds one attempt may take, reply included (None: no limit).
            max_retries: retries after a first failed attempt.
            retry_policy: how retries wait and what they honour; its retry
                count is replaced by ``max_retries`` when that is given.

        Raises:
            ValueError: a retry count out of range; an
                :class:`InvalidRequestError` (a ``ValueError``) for a timeout
                that is not a positive, finite number or None.
        """
        clone = object.__new__(ElevenPhone)
        clone.__dict__.update(self.__dict__)
        if not isinstance(timeout, UnsetType):
            clone.timeout = check_timeout(timeout)
        policy = self.retry_policy if isinstance(retry_policy, UnsetType) else retry_policy
        if not isinstance(max_retries, UnsetType):
            policy = policy.with_max_retries(max_retries)
        clone.retry_policy = policy
        clone._is_derived = True
        clone.phone_numbers = PhoneNumbers(clone)
        clone.calls = Calls(clone)
        return clone

    _is_derived: bool = False

    # --- the one send path ---------------------------------------------------------

    def _execute(self, request: APIRequest[T], *, gate: Gate | None = None) -> Awaitable[T]:
        """Send ``request`` with retries and return its decoded 2xx reply.

        ``gate``, from a bulk run, wraps every attempt. Every error raised
        here, whatever the server sent, is typed, holds no secret and is
        chained to nothing. (A plain function returning the coroutine: one
        frame fewer for every suspension of every request.)
        """
        return self._send(request, gate, raw=False)

    def _execute_raw(self, request: APIRequest[T]) -> Awaitable[APIResponse[T]]:
        """Send ``request`` with retries; return the raw 2xx reply, not yet decoded."""
        return self._send(request, None, raw=True)

    def _secrets_of(self, request: APIRequest[Any]) -> Secrets:
        """What no error of ``request`` may show: the client's key, a key in
        its ``extra_headers``, and the secrets of its body."""
        extra = request.options.extra_headers
        key = None if extra is None else _api_key_in(extra)
        return Secrets(self._secrets + secret_forms(key, *request.secrets))

    async def _send(self, request: APIRequest[Any], gate: Gate | None, *, raw: bool) -> Any:
        """Send ``request`` with retries; return its decoded 2xx reply, or with
        ``raw`` an :class:`APIResponse` of it."""
        method, path, options = request.method, request.path, request.options
        # The path is already percent-encoded: keep yarl from decoding "%2E".
        url = URL(self.base_url + path, encoded=True)
        timeout, secrets = self.timeout, self._secrets
        if options is DEFAULT_OPTIONS:  # the common case, without per-call options
            query, body = request.query, request.body
            headers: Mapping[str, str] = self._headers if body is None else self._json_headers
            if request.secrets:  # a body with a password or a token
                secrets = self._secrets_of(request)
        else:
            query, body = request.final_query(), request.final_body()
            headers = self._headers if body is None else self._json_headers
            if options.extra_headers:
                headers = _merged_headers(headers, options.extra_headers)
            if not isinstance(options.timeout, UnsetType):
                timeout = options.timeout
            secrets = self._secrets_of(request)
        if query:
            url = url.with_query(query)
        transport = self._transport
        debug = logger.isEnabledFor(logging.DEBUG)
        attempts = 0

        async def attempt() -> HTTPReply:
            nonlocal attempts
            attempts += 1
            permit = None
            if gate is not None:
                permit = gate.enter()
                if permit is None:
                    permit = await gate.wait()
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
                if gate is not None:
                    gate.leave(permit, failure)
                raise failure from None
            except BaseException as exc:  # cancelled: the permit goes back all the same
                if gate is not None:
                    gate.leave(permit, exc)
                raise
            if debug:
                elapsed_ms = (time.perf_counter() - started) * 1000
                logger.debug("%s %s -> %d in %.1f ms", method, path, reply.status, elapsed_ms)
            if 200 <= reply.status < 300 and not reply.truncated:
                if gate is not None:
                    gate.leave(permit, None)
                return reply
            if reply.truncated and 200 <= reply.status < 300:
                limit = transport.max_response_bytes
                failure = too_large_error(reply.status, reply.body, limit)
            else:
                failure = error_from_response(
                    reply.status, reply.headers, reply.body, truncated=reply.truncated
                )
            failure = redact_error(failure, secrets)
            if gate is not None:
                gate.leave(permit, failure)
            raise failure

        # The first attempt runs here rather than in retry_policy.call: a call
        # that succeeds then resumes through two coroutine frames fewer at each
        # of aiohttp's suspensions.
        first_failure: ElevenPhoneError | None = None
        try:
            reply = await attempt()
        except ElevenPhoneError as error:
            first_failure = error
        # Retried outside the except block: no error raised is chained to another.
        if first_failure is not None:
            idempotent = bool(request.idempotent)  # a bool once built
            final: ElevenPhoneError | None = None
            try:
                reply = await self.retry_policy.retry(
                    first_failure,
                    attempt,
                    description=request.description,
                    idempotent=idempotent,
                    run=gate,
                )
            except ElevenPhoneError as error:
                final = error
                if not idempotent and self.retry_policy.may_have_acted(error):
                    final = _outcome_unknown(error, request.operation)
            if final is not None:
                raise_unchained(final)
        if raw:
            return APIResponse(
                request,
                reply,
                retries_taken=attempts - 1,
                redact=lambda error: _unreadable(error, request, secrets),
            )
        try:
            return request.decode(reply.body, reply.status)
        except ElevenPhoneError as exc:
            undecodable = exc
        raise_unchained(_unreadable(undecodable, request, secrets))

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
