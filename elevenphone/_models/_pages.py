"""The base of every page of a paged list: its items, whether more follow,
and how to fetch the next page.

A page the client fetched knows how to fetch the next one, with the same
filters and per-call options::

    page = await client.phone_numbers.list_page(page_size=50)
    while page is not None:
        async for number in page:  # this page's items
            ...
        page = await page.next_page()
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from ._base import ResponseModel

__all__ = ["PageModel"]

T = TypeVar("T")
P = TypeVar("P", bound="PageModel[Any]")

_FETCH_NEXT = "_fetch_next"


class PageModel(ResponseModel, Generic[T], kw_only=True, dict=True):
    """A page of a paged list: its items (the field :attr:`items_field`
    names), and whether more follow (``has_more``). Every paged list of the
    client pages this way.

    - ``list_page(...)`` (and ``sip_messages_page(...)``) returns one page.
      ``await page.next_page()`` fetches the page after it, with the same
      filters and per-call options (None after the last); ``async for item
      in page`` takes this page's items.
    - ``iter(...)`` (and ``iter_sip_messages(...)``) takes every item of
      every page. It checks its arguments at once, before anything is sent,
      then fetches each page only once the items before it are taken, so
      memory holds one page however long the list. A cursor given in
      ``extra_query`` (``cursor``, or ``last_doc`` for batches) says where
      its first page starts.
    - A server that would never end the list is not followed: a cursor
      given a second time, or 10 empty pages in a row that each say more
      follow, stop ``iter`` with :class:`APIResponseValidationError`.
    """

    items_field: ClassVar[str]
    """The name of the field that holds the page's items."""
    cursor_field: ClassVar[str] = "next_cursor"
    """The name of the field that says where the next page starts."""

    has_more: bool = False
    """Whether more pages follow."""

    @property
    def items(self) -> Sequence[T]:
        """The items of this page."""
        items: Sequence[T] = getattr(self, self.items_field)
        return items

    @property
    def cursor(self) -> str | None:
        """Where the next page starts (None on the last page)."""
        cursor: str | None = getattr(self, self.cursor_field)
        return cursor

    async def next_page(self: P) -> P | None:
        """The next page, fetched with the same filters and options, or None
        when this is the last one.

        Raises:
            RuntimeError: this page was not fetched through a client (built or
                decoded by hand), so it cannot know how to fetch the next.
            APIStatusError, APIConnectionError, APIResponseValidationError: as
                the method that fetched this page.
        """
        cursor = self.cursor
        if not (self.has_more and cursor):
            return None
        fetch: Callable[[str], Awaitable[P]] | None = self.__dict__.get(_FETCH_NEXT)
        if fetch is None:
            raise RuntimeError(
                f"this {type(self).__name__} was not fetched through a client;"
                " it cannot fetch the next page"
            )
        return await fetch(cursor)

    def __aiter__(self) -> AsyncIterator[T]:
        """The items of this page (only this one: ``iter(...)`` takes every page)."""
        return _each(self.items)


async def _each(items: Sequence[T]) -> AsyncIterator[T]:
    for item in items:
        yield item


def attach_next_page(page: PageModel[Any], fetch: Callable[[str], Awaitable[Any]]) -> None:
    """Give ``page`` the way to fetch the page after it: ``fetch(cursor)``."""
    page.__dict__[_FETCH_NEXT] = fetch
