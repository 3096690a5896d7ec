"""Following a cursor: every item of every page, one page in memory at a time."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from .._exceptions import APIResponseValidationError
from .._request import APIRequest

__all__ = ["MAX_EMPTY_PAGES", "Page", "items_of_pages"]

T = TypeVar("T")
P = TypeVar("P", bound="Page")

MAX_EMPTY_PAGES = 10
"""The most empty pages in a row that are followed while each says more
follow; after as many, paging stops with an error (a server that never
ends would be followed forever)."""


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

    The cursor a page gives wins over a ``cursor`` in the request's
    ``extra_query``: that one says only where the first page starts.

    Raises:
        APIResponseValidationError: the server gave a cursor it had given
            before, or :data:`MAX_EMPTY_PAGES` empty pages in a row that each
            said more follow (following it would never end).
        Whatever ``execute`` raises.
    """
    request = first
    options = first.options
    extra_query = options.extra_query
    if extra_query and "cursor" in extra_query:
        # extra_query is applied over the query: left in, it would ask for
        # the same page again and again.
        extra_query = {name: value for name, value in extra_query.items() if name != "cursor"}
        options = dataclasses.replace(options, extra_query=extra_query)
    used: set[str] = set()
    empty = 0
    while True:
        page = await execute(request)
        found = items(page)
        for item in found:
            yield item
        cursor = page.next_cursor
        if not (page.has_more and cursor):
            return
        empty = 0 if found else empty + 1
        if empty >= MAX_EMPTY_PAGES:
            raise APIResponseValidationError(
                f"the server gave {empty} empty pages in a row, each saying more follow;"
                " paging stopped",
                status_code=200,
                body=b"",
            )
        if cursor in used:
            raise APIResponseValidationError(
                f"the server gave the cursor {cursor!r} a second time; paging stopped",
                status_code=200,
                body=b"",
            )
        used.add(cursor)
        request = dataclasses.replace(
            first, query={**(first.query or {}), "cursor": cursor}, options=options
        )
