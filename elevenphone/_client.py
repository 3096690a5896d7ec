"""The client: its settings, the session's lifetime, and its resources.

:class:`ElevenPhone` is the front object: it checks the settings, builds the
send path (:class:`~elevenphone._base_client.BaseClient`) and gives it to each
resource. It sends nothing itself.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

import aiohttp
from msgspec import UNSET, UnsetType
from yarl import URL

from ._base_client import BaseClient, merged_headers
from ._exceptions import InvalidRequestError
from ._options import check_timeout
from ._retry import RetryPolicy
from ._transport import DEFAULT_MAX_RESPONSE_BYTES, HTTPTransport
from ._version import __version__
from ._wire import check_header_value, secret_forms
from .resources.calls import Calls
from .resources.phone_numbers import PhoneNumbers

if TYPE_CHECKING:
    from .resources.agents import Agents
    from .resources.batch_calls import BatchCalls
    from .resources.conversations import Conversations

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
        self._region = region
        self._transport = HTTPTransport(
            session, max_response_bytes=_check_max_response_bytes(max_response_bytes)
        )
        own = {"Accept": "application/json", "User-Agent": _USER_AGENT}
        if api_key:
            own["xi-api-key"] = api_key
        self._is_derived = False
        self._use(
            BaseClient(
                self._transport,
                base_url=_resolve_base_url(region, base_url),
                headers=merged_headers(own, extra),
                secrets=secret_forms(api_key, _api_key_in(extra)),
                timeout=check_timeout(timeout),
                retry_policy=policy,
            )
        )

    def _use(self, sender: BaseClient) -> None:
        """Send through ``sender``: the resources are built on it (once per
        client: a clone of :meth:`with_options` is a new client)."""
        self._sender = sender
        self.phone_numbers = PhoneNumbers(sender)
        self.calls = Calls(sender)

    # The resources of the call's life are built, and their modules loaded,
    # on first use: a program that only manages numbers never pays for them.

    @cached_property
    def agents(self) -> Agents:
        """Agents: get one (name, archived, branches, numbers, call limits) and
        page through the workspace's."""
        from .resources.agents import Agents

        return Agents(self._sender)

    @cached_property
    def conversations(self) -> Conversations:
        """Conversations, what became of each call: get one, wait until it is
        over, page through them, read their SIP messages."""
        from .resources.conversations import Conversations

        return Conversations(self._sender)

    @cached_property
    def batch_calls(self) -> BatchCalls:
        """Batch calling: submit many calls for the server to place, follow,
        cancel, retry, delete and export them."""
        from .resources.batch_calls import BatchCalls

        return BatchCalls(self._sender)

    @property
    def base_url(self) -> str:
        """The server every call goes to, without a trailing slash."""
        return self._sender.base_url

    @property
    def timeout(self) -> float | None:
        """Seconds one attempt may take, reply included (None: no limit)."""
        return self._sender.timeout

    @property
    def retry_policy(self) -> RetryPolicy:
        """How failed calls are retried."""
        return self._sender.retry_policy

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
        policy = self.retry_policy if isinstance(retry_policy, UnsetType) else retry_policy
        if not isinstance(max_retries, UnsetType):
            policy = policy.with_max_retries(max_retries)
        seconds = self.timeout if isinstance(timeout, UnsetType) else check_timeout(timeout)
        clone = object.__new__(ElevenPhone)
        clone._api_key = self._api_key
        clone._region = self._region
        clone._transport = self._transport
        clone._is_derived = True
        clone._use(self._sender.with_settings(timeout=seconds, retry_policy=policy))
        return clone

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
