"""What every resource shares: the client it sends through, how a method turns
into a request, and raw responses derived from its methods.

A resource method is its endpoint: a method, a path, the decoder of the reply
(and for a body, the model it is checked against) and the caller's options,
made into a request by :func:`~elevenphone._request.build_request` and handed
to ``self._send``::

    @endpoint
    async def get(self, phone_number_id: str, **options: Unpack[RequestOptions]) -> PhoneNumber:
        path = phone_number_path(phone_number_id)
        return await self._send(build_request("GET", path, decode_phone_number, options))

A resource made for ``with_raw_response`` runs the same methods, and hands
each request to the client's raw path instead; which methods it offers is read
from the ``@endpoint`` marks, never listed again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from msgspec import UNSET

from .._base_client import BaseClient
from .._request import APIRequest
from .._response import APIResponse

__all__ = ["RawResponses", "Resource", "endpoint", "endpoints_of", "given"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound="Resource")

_ENDPOINT = "__elevenphone_endpoint__"


class Send(Protocol):
    """Hands a request to the client: its decoded reply (or, for a raw
    resource, an :class:`APIResponse` of it, which the raw wrappers' types say)."""

    def __call__(self, request: APIRequest[T], /) -> Awaitable[T]: ...


def given(**fields: object) -> dict[str, object]:
    """The fields a method was given, for its body: those not left out
    (``UNSET``, which ``NOT_GIVEN`` is); None stays, sent as null."""
    return {name: value for name, value in fields.items() if value is not UNSET}


def endpoint(method: F) -> F:
    """Mark a resource method that sends one request and returns its decoded
    reply: ``with_raw_response`` offers it, returning the raw reply."""
    setattr(method, _ENDPOINT, True)
    return method


def endpoints_of(resource: type[Resource]) -> Iterator[str]:
    """The names of the ``@endpoint`` methods of ``resource``, in the order defined."""
    seen: set[str] = set()
    for cls in resource.__mro__:
        for name, value in vars(cls).items():
            if getattr(value, _ENDPOINT, False) and name not in seen:
                seen.add(name)
                yield name


class Resource:
    """Base of ``client.phone_numbers`` and the other resources."""

    def __init__(self, client: BaseClient, *, raw: bool = False) -> None:
        """Reached as an attribute of the client, not built by hand.

        Args:
            client: the send path its calls use (session, settings, retries).
            raw: whether each call returns an :class:`APIResponse` of its reply
                (what ``with_raw_response`` gives) instead of the parsed value.
        """
        self._client = client
        self._raw = raw
        # What a method hands its request to: the client's dispatch, whose
        # coroutine it awaits (one frame fewer at every suspension than a
        # coroutine of its own would add), or the raw path.
        self._send: Send = client.send_raw if raw else client.dispatch  # type: ignore[assignment]


class RawResponses(Generic[R]):
    """The ``@endpoint`` methods of a resource, each with the same parameters,
    returning an :class:`APIResponse` of what the plain method returns
    (``status_code``, ``headers``, ``content``, ``parse()``, ...).
    """

    def __init__(self, resource: R) -> None:
        """Reached as a resource's ``with_raw_response``, not built by hand.

        Args:
            resource: the resource whose calls these are.
        """
        raw = type(resource)(resource._client, raw=True)
        for name in endpoints_of(type(resource)):
            setattr(self, name, getattr(raw, name))

    def __getattr__(self, name: str) -> Callable[..., Awaitable[APIResponse[Any]]]:
        # Only for names that are not endpoints: those are set in __init__.
        raise AttributeError(f"{type(self).__name__!r} has no endpoint {name!r}")
