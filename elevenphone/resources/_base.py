"""What every resource shares: the client it sends through, how a method turns
into a request, and raw responses derived from its methods.

A resource method is its endpoint: a method, a path, the decoder of the reply
(and for a body, the model it is checked against) and the caller's options,
handed to :meth:`Resource._request`::

    @endpoint
    async def get(self, phone_number_id: str, **options: Unpack[RequestOptions]) -> PhoneNumber:
        path = phone_number_path(phone_number_id)
        return await self._request("GET", path, phone_number_decoder(phone_number_id), options)

A resource made for ``with_raw_response`` runs the same methods, and hands
each request to the client's raw path instead; which methods it offers is read
from the ``@endpoint`` marks, never listed again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from .._base_client import BaseClient
from .._options import DEFAULT_OPTIONS, CallOptions, call_options
from .._request import APIRequest, Decoder, Operation, Query, build_request
from .._response import APIResponse

__all__ = ["RawResponses", "Resource", "endpoint", "endpoints_of"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound="Resource")

_ENDPOINT = "__elevenphone_endpoint__"


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
        self._send: Callable[[APIRequest[Any]], Awaitable[Any]] = (
            client.send_raw if raw else client.send
        )

    def _request(
        self,
        method: str,
        path: str,
        decode: Decoder[T],
        options: Mapping[str, object] | CallOptions,
        query: Query | None = None,
        body: object = None,
        model: Any = None,
        what: str = "",
        operation: Operation | None = None,
    ) -> Awaitable[T]:
        """Send the request of one endpoint (see :func:`build_request`) with the
        caller's ``options`` (a method's ``**options``, or already checked)."""
        if not options:
            checked = DEFAULT_OPTIONS
        elif isinstance(options, CallOptions):
            checked = options
        else:
            checked = call_options(options)
        request = build_request(method, path, decode, checked, query, body, model, what, operation)
        # The client's coroutine is returned, not awaited here: one frame fewer
        # at every suspension of the request.
        sending: Awaitable[T] = self._client.dispatch(request, None, self._raw)
        return sending


class RawResponses(Generic[R]):
    """The ``@endpoint`` methods of a resource, each with the same parameters,
    returning an :class:`APIResponse` of what the plain method returns
    (``status_code``, ``headers``, ``content``, ``parse()``, ...).

    Args:
        resource: the resource whose methods these are.
    """

    def __init__(self, resource: R) -> None:
        raw = type(resource)(resource._client, raw=True)
        for name in endpoints_of(type(resource)):
            setattr(self, name, getattr(raw, name))

    def __getattr__(self, name: str) -> Callable[..., Awaitable[APIResponse[Any]]]:
        # Only for names that are not endpoints: those are set in __init__.
        raise AttributeError(f"{type(self).__name__!r} has no endpoint {name!r}")
