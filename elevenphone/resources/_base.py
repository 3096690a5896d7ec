"""What every resource shares: the client it sends through, and raw responses.

A resource method builds an :class:`~elevenphone._request.APIRequest` and hands
it to :meth:`Resource._execute`. A resource made for ``with_raw_response``
hands the same request to the client's raw path instead, so each method is
written once and serves both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar, cast

from .._request import APIRequest
from .._response import APIResponse

if TYPE_CHECKING:
    from .._client import ElevenPhone

__all__ = ["Resource", "raw_response"]

T = TypeVar("T")
P = ParamSpec("P")


class Resource:
    """Base of ``client.phone_numbers`` and the other resources."""

    def __init__(self, client: ElevenPhone, *, raw: bool = False) -> None:
        """Reached as an attribute of the client, not built by hand.

        Args:
            client: the client whose session, settings and retries its calls use.
            raw: whether each call returns an :class:`APIResponse` of its reply
                (what ``with_raw_response`` gives) instead of the parsed value.
        """
        self._client = client
        self._raw = raw

    def _execute(self, request: APIRequest[T]) -> Awaitable[T]:
        # Returns the client's coroutine rather than awaiting it: one frame
        # fewer at every suspension of the request.
        if self._raw:
            # Seen through raw_response(), whose type says so.
            return cast(Awaitable[T], self._client._execute_raw(request))
        return self._client._execute(request)


def raw_response(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    """``method`` of a resource made with ``raw=True``, typed as what it returns:
    the same parameters, an :class:`APIResponse` of what the method returns."""
    return cast(Callable[P, Awaitable[APIResponse[T]]], method)
