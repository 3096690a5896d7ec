"""The per-call options, declared once: :class:`RequestOptions`, which every
method takes as ``**options``, and the checked value the send path reads.

::

    await client.phone_numbers.get(pid, timeout=5, max_retries=0)
    await client.phone_numbers.update(pid, agent_id="agent_x", extra_headers={"X-Trace": "1"})
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict, cast

from msgspec import UNSET, UnsetType

from ._exceptions import InvalidRequestError
from ._typing import Unpack
from ._wire import check_header_value, check_sendable, query_value

__all__ = [
    "DEFAULT_OPTIONS",
    "CallOptions",
    "Headers",
    "RequestOptions",
    "Unpack",
    "call_options",
    "check_max_retries",
    "check_timeout",
    "split_options",
]

Headers = Mapping[str, str | None]
"""Headers to send; ``None`` as a value removes a header the client would send."""


class RequestOptions(TypedDict, total=False):
    """The per-call options: every method of every resource takes them as
    keyword arguments, after its own (the names openai-python uses)::

        await client.phone_numbers.get(pid, timeout=5, extra_headers={"X-Trace": "1"})

    Each is checked before anything is sent; a misspelt one is a type error
    under mypy and an :class:`InvalidRequestError` at run time. A method that
    sends no body refuses ``extra_body``. A method that sends several requests
    (``iter``, the bulk runs) gives the options to each of them.
    """

    extra_headers: Headers | None
    """Headers sent with this call, over the client's; a value of ``None``
    removes that header. ``Host``, ``Content-Length`` and
    ``Transfer-Encoding`` belong to the transport and are refused."""
    extra_query: Mapping[str, object] | None
    """Query parameters added to this call's URL (a bool is sent as
    ``true``/``false``)."""
    extra_body: Mapping[str, object] | None
    """Fields merged into this call's JSON body, over the ones the method
    sets. Sent as given, without the SDK's schema checks: the way to send a
    field the API takes and this version does not know yet. Only what JSON
    cannot carry is refused."""
    timeout: float | None
    """Seconds one attempt of this call may take, reply included, instead of
    the client's (None: no limit)."""
    max_retries: int
    """Retries after a first failed attempt of this call, instead of the
    client's (0: none)."""


_NAMES = frozenset(RequestOptions.__annotations__)


def check_timeout(timeout: object) -> float | None:
    """A timeout in seconds (None: no limit).

    Raises:
        InvalidRequestError: not a positive, finite number or None (infinity
            and NaN included: aiohttp would fail on them only at send time);
            ``.field`` is ``timeout``. It is a ``ValueError``.
    """
    if timeout is None:
        return None
    seconds = math.nan
    if not isinstance(timeout, bool) and isinstance(timeout, int | float):
        with contextlib.suppress(OverflowError):  # an int beyond any float
            seconds = float(timeout)
    if not 0 < seconds < math.inf:
        raise InvalidRequestError(
            f"timeout must be a positive, finite number of seconds or None, not {timeout!r}",
            field="timeout",
        )
    return seconds


def check_max_retries(max_retries: object) -> int:
    """A retry count.

    Raises:
        InvalidRequestError: not an int >= 0; ``.field`` is ``max_retries``.
    """
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidRequestError(
            f"max_retries must be an int >= 0, not {max_retries!r}", field="max_retries"
        )
    return max_retries


@dataclass(frozen=True, slots=True)
class CallOptions:
    """:class:`RequestOptions`, checked: what the send path reads.

    Attributes:
        extra_headers: as given.
        extra_query: as given, each value already its query string.
        extra_body: as given, checked sendable.
        timeout: seconds, or None; UNSET: the client's.
        max_retries: a count; UNSET: the client's.
    """

    extra_headers: Headers | None = None
    extra_query: Mapping[str, str] | None = None
    extra_body: Mapping[str, object] | None = None
    timeout: float | None | UnsetType = UNSET
    max_retries: int | UnsetType = UNSET

    def without_body(self) -> CallOptions:
        """These options for a request of the same call that sends no body
        (the lookup of an outbound call, the state read of a bulk item)."""
        if self.extra_body is None:
            return self
        return CallOptions(
            self.extra_headers, self.extra_query, None, self.timeout, self.max_retries
        )


DEFAULT_OPTIONS = CallOptions()
"""No per-call options: the client's settings apply."""


def call_options(options: Mapping[str, object]) -> CallOptions:
    """``options`` (a method's ``**options``) checked; :data:`DEFAULT_OPTIONS`
    when none is given.

    Raises:
        InvalidRequestError: an unknown option; a header, query value or body
            value that cannot be sent; a timeout that is not a positive,
            finite number or None; a retry count that is not an int >= 0.
    """
    if not options:
        return DEFAULT_OPTIONS
    unknown = options.keys() - _NAMES
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidRequestError(
            f"unexpected keyword argument {name!r}; the per-call options are"
            f" {', '.join(sorted(_NAMES))}",
            field=name,
        )
    headers = cast("Headers | None", options.get("extra_headers"))
    if headers is not None:
        _check_mapping(headers, "extra_headers")
        for name, header in headers.items():
            check_header_value(name, header, field=f"extra_headers.{name}")
    given_query = cast("Mapping[str, object] | None", options.get("extra_query"))
    query = None
    if given_query is not None:
        _check_mapping(given_query, "extra_query")
        query = {
            name: query_value(v, field=f"extra_query.{name}") for name, v in given_query.items()
        }
    body = cast("Mapping[str, object] | None", options.get("extra_body"))
    if body is not None:
        _check_mapping(body, "extra_body")
        check_sendable(body, "extra_body")
    timeout: float | None | UnsetType = UNSET
    if "timeout" in options:
        timeout = check_timeout(options["timeout"])
    retries: int | UnsetType = UNSET
    if "max_retries" in options:
        retries = check_max_retries(options["max_retries"])
    return CallOptions(headers, query, body, timeout, retries)


def _check_mapping(value: object, name: str) -> None:
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"{name} must be a mapping, not {type(value).__name__}", field=name
        )
    for key in value:
        if not isinstance(key, str):
            raise InvalidRequestError(
                f"{name} keys must be str, not {type(key).__name__}", field=name
            )


def split_options(arguments: Mapping[str, object]) -> tuple[dict[str, object], CallOptions]:
    """A method's keyword arguments, split into its own and the per-call
    options (checked, as :func:`call_options` does)."""
    own = {name: value for name, value in arguments.items() if name not in _NAMES}
    options = {name: value for name, value in arguments.items() if name in _NAMES}
    return own, call_options(options)
