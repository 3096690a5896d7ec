"""The send path: one :class:`APIRequest` in, its decoded reply (or a typed,
redacted, unchained error) out, with one retry loop.

:class:`BaseClient` holds what sending needs (the transport, the base URL,
the headers, the secrets, the timeout and the retry policy) and nothing of the
front object (:class:`~elevenphone.ElevenPhone`) that builds the resources:
resources and bulk runs are given a ``BaseClient``. What it decides is the
wire's: whether a reply is good or an error is :func:`~elevenphone._wire.decipher`'s;
what it adds is the I/O around that, the gate hooks of a bulk run, header
merging, redaction, and what counts as an unknown outcome.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from msgspec import UNSET
from multidict import CIMultiDict
from yarl import URL

from ._exceptions import APIResponseValidationError, APIStatusError, ElevenPhoneError
from ._logs import LEVELS_ENABLED, logger
from ._options import DEFAULT_OPTIONS
from ._request import APIRequest, Operation
from ._response import APIResponse
from ._retry import BulkRunState, RetryPolicy
from ._transport import HTTPReply, HTTPTransport
from ._wire import Secrets, decipher, raise_unchained, redact_error, secret_forms

__all__ = ["BaseClient", "Gate", "merged_headers", "outcome_unknown"]

T = TypeVar("T")

_DEBUG = logging.DEBUG
_debug_cached = LEVELS_ENABLED.get


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


def merged_headers(base: Mapping[str, str], extra: Mapping[str, str | None]) -> CIMultiDict[str]:
    """``base`` with ``extra`` over it, by name whatever its case; ``None`` removes."""
    merged = CIMultiDict(base)
    for name, value in extra.items():
        merged.popall(name, None)
        if value is not None:
            merged[name] = value
    return merged


def outcome_unknown(error: ElevenPhoneError, operation: Operation | None) -> ElevenPhoneError:
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


def _api_key_in(headers: Mapping[str, str | None]) -> str | None:
    for name, value in headers.items():
        if name.lower() == "xi-api-key":
            return value
    return None


class BaseClient:
    """Sends requests: the client's settings and its one send path.

    Args:
        transport: the aiohttp edge (shared by clients made with other settings).
        base_url: the server every call goes to, without a trailing slash.
        headers: what every request carries (the key, ``Accept``,
            ``User-Agent``, the caller's default headers).
        secrets: what no error may show (the key in every form a server may
            echo it).
        timeout: seconds one attempt may take, reply included (None: no limit).
        retry_policy: how failed attempts are retried.
    """

    __slots__ = (
        "_base_path",
        "_base_url",
        "_headers",
        "_json_headers",
        "_secrets",
        "_transport",
        "base_url",
        "retry_policy",
        "timeout",
    )

    def __init__(
        self,
        transport: HTTPTransport,
        *,
        base_url: str,
        headers: CIMultiDict[str],
        secrets: Secrets,
        timeout: float | None,
        retry_policy: RetryPolicy,
    ) -> None:
        self._transport = transport
        self.base_url = base_url
        self._base_url = URL(base_url)
        self._base_path = self._base_url.raw_path.rstrip("/")
        self._headers = headers
        self._json_headers = merged_headers(headers, {"Content-Type": "application/json"})
        self._secrets = secrets
        self.timeout = timeout
        self.retry_policy = retry_policy

    def with_settings(self, *, timeout: float | None, retry_policy: RetryPolicy) -> BaseClient:
        """A client with another timeout and retry policy, on the same transport."""
        return BaseClient(
            self._transport,
            base_url=self.base_url,
            headers=self._headers,
            secrets=self._secrets,
            timeout=timeout,
            retry_policy=retry_policy,
        )

    @property
    def transport(self) -> HTTPTransport:
        """The aiohttp edge this client sends through."""
        return self._transport

    def send(self, request: APIRequest[T], gate: Gate | None = None) -> Awaitable[T]:
        """Send ``request`` with retries and return its decoded 2xx reply.

        ``gate``, from a bulk run, wraps every attempt. Every error raised
        here, whatever the server sent, is typed, holds no secret and is
        chained to nothing.
        """
        sending: Awaitable[T] = self.dispatch(request, gate)
        return sending

    def send_raw(self, request: APIRequest[T]) -> Awaitable[APIResponse[T]]:
        """Send ``request`` with retries; return the raw 2xx reply, decoded on demand."""
        sending: Awaitable[APIResponse[T]] = self.dispatch(request, None, True)
        return sending

    def secrets_of(self, request: APIRequest[Any]) -> Secrets:
        """What no error of ``request`` may show: the client's key, a key in
        its ``extra_headers``, and the secrets of its body (read only now:
        a call that succeeds never looks for them)."""
        extra = request.options.extra_headers
        key = None if extra is None else _api_key_in(extra)
        found = request.secrets
        if key is None and not found:
            return self._secrets
        return Secrets(self._secrets + secret_forms(key, *found))

    def dispatch(
        self, request: APIRequest[Any], gate: Gate | None = None, raw: bool = False
    ) -> Awaitable[Any]:
        """:meth:`send` (or, ``raw``, :meth:`send_raw`) in one Python frame:
        what sending ``request`` needs, worked out once, then the coroutine of
        its first attempt, which goes on with retries when it fails. (Plain,
        returning the coroutine: a call that succeeds runs in one coroutine
        frame of the client's.)"""
        options = request.options
        timeout = self.timeout
        policy = self.retry_policy
        headers = self._json_headers if request.body is not None else self._headers
        if options is not DEFAULT_OPTIONS:
            if options.extra_headers:
                headers = merged_headers(headers, options.extra_headers)
            if options.timeout is not UNSET:
                timeout = options.timeout
            if options.max_retries is not UNSET:
                policy = policy.with_max_retries(options.max_retries)
        # The path is already percent-encoded: keep yarl from decoding "%2E".
        url = self._base_url.with_path(self._base_path + request.path, encoded=True)
        query = request.query
        if query:
            url = url.with_query(query)
        if raw:
            return self._send_raw(request, url, headers, timeout, policy)
        return self._attempt(request, url, headers, timeout, gate, request.decode, policy)

    async def _retry(
        self,
        request: APIRequest[Any],
        policy: RetryPolicy,
        first_failure: ElevenPhoneError,
        attempt: Callable[[], Awaitable[Any]],
        gate: Gate | None,
    ) -> Any:
        """Go on from a failed first attempt by ``policy``; the error raised at
        the end is unchained, and worded as an unknown outcome where the server
        may have acted on a request that is not idempotent."""
        idempotent = request.idempotent
        final: ElevenPhoneError | None = None
        try:
            return await policy.retry(
                first_failure,
                attempt,
                description=request.description,
                idempotent=idempotent,
                run=gate,
            )
        except ElevenPhoneError as error:
            final = error
            if not idempotent and policy.may_have_acted(error):
                final = outcome_unknown(error, request.operation)
        # Raised outside the except block: no error raised is chained to another.
        raise_unchained(final)

    async def _attempt(
        self,
        request: APIRequest[Any],
        url: URL,
        headers: Mapping[str, str],
        timeout: float | None,
        gate: Gate | None,
        decode: Callable[[bytes, int], Any] | None,
        policy: RetryPolicy | None = None,
    ) -> Any:
        """Send ``request`` once, through ``gate``; its decoded 2xx reply, or
        the reply itself when ``decode`` is None (a raw response).

        ``policy``, on a first attempt only: when it fails, the retries
        go on by it (without, the failure is raised: a retry's own).
        """
        permit = None
        if gate is not None:
            permit = gate.enter()
            if permit is None:
                permit = await gate.wait()
        debug = _debug_cached(_DEBUG)
        if debug is None:
            debug = logger.isEnabledFor(_DEBUG)
        started = time.perf_counter() if debug else 0.0
        transport = self._transport
        failure: ElevenPhoneError
        try:
            reply = await transport.send(request.method, url, headers, request.body, timeout)
        except ElevenPhoneError as exc:
            failure = redact_error(exc, self.secrets_of(request))
            if debug:
                logger.debug(
                    "%s %s failed in %.1f ms: %s",
                    request.method,
                    request.path,
                    (time.perf_counter() - started) * 1000,
                    failure,
                )
            if gate is not None:
                gate.leave(permit, failure)
        except BaseException as exc:  # cancelled: the permit goes back all the same
            if gate is not None:
                gate.leave(permit, exc)
            raise
        else:
            if debug:
                elapsed_ms = (time.perf_counter() - started) * 1000
                logger.debug(
                    "%s %s -> %d in %.1f ms", request.method, request.path, reply.status, elapsed_ms
                )
            try:
                value = decipher(reply, decode, transport.max_response_bytes)
            except APIStatusError as exc:
                failure = redact_error(exc, self.secrets_of(request))
                if gate is not None:
                    gate.leave(permit, failure)
            except ElevenPhoneError as exc:  # a 2xx that cannot be read: the attempt went through
                failure = redact_error(exc, self.secrets_of(request))
                if gate is not None:
                    gate.leave(permit, None)
            else:
                if gate is not None:
                    gate.leave(permit, None)
                return reply if decode is None else value
        # Failed: raised, or retried, outside the except blocks (unchained).
        if policy is None:
            raise failure
        again = functools.partial(self._attempt, request, url, headers, timeout, gate, decode)
        return await self._retry(request, policy, failure, again, gate)

    async def _send_raw(
        self,
        request: APIRequest[T],
        url: URL,
        headers: Mapping[str, str],
        timeout: float | None,
        policy: RetryPolicy,
    ) -> APIResponse[T]:
        """Send ``request`` with retries; its 2xx reply as an :class:`APIResponse`."""
        attempts = 0
        elapsed = 0.0

        async def timed_attempt() -> HTTPReply:
            nonlocal attempts, elapsed
            attempts += 1
            started = time.monotonic()
            try:
                reply: HTTPReply = await self._attempt(request, url, headers, timeout, None, None)
            finally:
                elapsed = time.monotonic() - started
            return reply

        failed: ElevenPhoneError | None = None
        try:
            reply = await timed_attempt()
        except ElevenPhoneError as error:
            failed = error
        if failed is not None:  # retried outside the except block: unchained
            reply = await self._retry(request, policy, failed, timed_attempt, None)

        def unreadable(error: ElevenPhoneError) -> ElevenPhoneError:
            error = redact_error(error, self.secrets_of(request))
            return error if request.idempotent else outcome_unknown(error, request.operation)

        return APIResponse(
            request,
            reply,
            url=url,
            elapsed=datetime.timedelta(seconds=elapsed),
            retries_taken=attempts - 1,
            redact=unreadable,
        )
