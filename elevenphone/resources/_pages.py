"""Following a cursor: every item of every page, one page in memory at a time."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from .._exceptions import APIResponseValidationError
from .._request import APIRequest

__all__ = ["Page", "items_of_pages"]

T = TypeVar("T")
P = TypeVar("P", bound="Page")


class Page(Protocol):
    """A page of a cursor-paged list."""

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def has_more(self) -> bool: ...


async def items_of_pages(
    execute: Callable[[APIRequest[P]], Awaitable[P]],
    first: APIRequest[P],
    items: Callable[[P], Sequence[T]],
) -> AsyncIterator[T]:
    """Yield every item of every page: ``execute`` sends the request of the
    ``first`` page, then the same request with each next page's ``cursor``;
    ``items(page)`` gives a page's items. The next page is fetched only once
    the caller has taken every item of this one.

    Raises:
        APIResponseValidationError: the server gave a cursor it had given
            before (following it would never end).
        Whatever ``execute`` raises.
    """
    request = first
    used: set[str] = set()
    while True:
        page = await execute(request)
        for item in items(page):
            yield item
        cursor = page.next_cursor
        if not (page.has_more and cursor):
            return
        if cursor in used:
            raise APIResponseValidationError(
                f"the server gave the cursor {cursor!r} a second time; paging stopped",
                status_code=200,
                body=b"",
            )
        used.add(cursor)
        request = dataclasses.replace(first, query={**(first.query or {}), "cursor": cursor})
