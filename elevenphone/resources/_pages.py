"""Paged lists: a page that knows how to fetch the next, and every item of
every page, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from .._base_client import BaseClient
from .._exceptions import APIResponseValidationError
from .._models._pages import PageModel, attach_next_page
from .._request import APIRequest

__all__ = ["MAX_EMPTY_PAGES", "items_of_pages", "paged"]

T = TypeVar("T")
P = TypeVar("P", bound=PageModel[Any])

MAX_EMPTY_PAGES = 10
"""How many empty pages in a row, each saying more follow, paging accepts
before it stops: a server that never ends would be followed forever."""


def paged(
    client: BaseClient, request: APIRequest[P], cursor_param: str = "cursor"
) -> APIRequest[P]:
    """``request`` of a page, whose page knows how to fetch the next one: the
    same request (filters, options) with ``cursor_param`` set to the page's
    cursor, which wins over a cursor given in ``extra_query``.

    Args:
        client: the client that fetches the next pages.
        request: the request of the first page.
        cursor_param: the query parameter that says where a page starts.
    """
    decode = request.decode

    def at(cursor: str) -> Awaitable[P]:
        query = {**(request.query or {}), cursor_param: cursor}
        return client.send(first.replace(query=query))

    def decode_page(body: bytes, status_code: int) -> P:
        page = decode(body, status_code)
        attach_next_page(page, at)
        return page

    first = request.replace(decode=decode_page)
    return first


async def items_of_pages(first: Awaitable[PageModel[T]]) -> AsyncIterator[T]:
    """Yield every item of ``first`` (a page being fetched) and of each page
    after it. The next page is fetched only once the caller has taken every
    item of this one.

    Raises:
        APIResponseValidationError: the server gave a cursor it had given
            before, or :data:`MAX_EMPTY_PAGES` empty pages in a row that each
            said more follow (following either would never end).
        Whatever fetching a page raises.
    """
    page: PageModel[T] | None = await first
    used: set[str] = set()
    empty = 0
    while page is not None:
        items = page.items
        for item in items:
            yield item
        cursor = page.cursor
        if not (page.has_more and cursor):
            return
        empty = 0 if items else empty + 1
        if cursor in used or empty >= MAX_EMPTY_PAGES:
            problem = (
                f"the server gave the cursor {cursor!r} a second time"
                if cursor in used
                else f"the server gave {empty} empty pages in a row, each saying more follow"
            )
            raise APIResponseValidationError(
                f"{problem}; paging stopped", status_code=200, body=b""
            )
        used.add(cursor)
        page = await page.next_page()
