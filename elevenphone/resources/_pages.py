"""Following a cursor: every item of every page, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from .._exceptions import APIResponseValidationError

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
    fetch: Callable[[str | None], Awaitable[P]], items: Callable[[P], Sequence[T]]
) -> AsyncIterator[T]:
    """Yield every item of every page: ``fetch(cursor)`` gets a page (None: the
    first), ``items(page)`` its items. The next page is fetched only once the
    caller has taken every item of this one.

    Raises:
        APIResponseValidationError: the server gave a cursor it had given
            before (following it would never end).
        Whatever ``fetch`` raises.
    """
    cursor: str | None = None
    used: set[str] = set()
    while True:
        page = await fetch(cursor)
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
