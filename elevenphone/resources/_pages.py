"""Paged lists: a page that knows how to fetch the next, and every item of
every page, one page in memory at a time.

A resource declares each paged list once, as a :class:`PagedList`; its
``list_page`` sends the list's first request, its ``iter`` follows the pages::

    _PAGES = PagedList(AGENTS_PATH, decode_agent_page, AgentFilters)

    async def list_page(self, *, cursor=None, **filters):
        return await self._send(_PAGES.request(self._client, dict(filters, cursor=cursor)))

    def iter(self, **filters):
        return _PAGES.items(self._client, filters)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

from .._base_client import BaseClient
from .._exceptions import APIResponseValidationError
from .._models._pages import PageModel, attach_next_page
from .._options import split_options
from .._request import APIRequest, Decoder, build_request
from .._wire import query_kinds, query_of

__all__ = ["MAX_EMPTY_PAGES", "PagedList", "items_of_pages", "paged"]

T = TypeVar("T")
P = TypeVar("P", bound=PageModel[Any])
P_co = TypeVar("P_co", bound=PageModel[Any], covariant=True)

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


class PagedList(Generic[P_co]):
    """One paged list of the API: where it is, how its pages decode, the
    filters it takes and the query parameter that says where a page starts.

    Args:
        path: the list's path, or a function of the ids in it (the SIP
            messages of a phone number) that gives the path, checking them.
        decode: reads a page.
        filters: the ``TypedDict`` of the list's own keyword arguments (read
            with :func:`query_kinds`); the per-call options are told apart
            from them.
        cursor: the query parameter that says where a page starts
            (``cursor``, or ``last_doc`` for batch calls).
    """

    __slots__ = ("_cursor", "_decode", "_kinds", "_path")

    def __init__(
        self,
        path: str | Callable[..., str],
        decode: Decoder[P_co],
        filters: type,
        cursor: str = "cursor",
    ) -> None:
        self._path = path
        self._decode = decode
        self._kinds = query_kinds(filters)
        self._cursor = cursor

    def request(
        self, client: BaseClient, arguments: Mapping[str, object], *ids: str
    ) -> APIRequest[P_co]:
        """The request of a page (the first, unless ``arguments`` holds a
        cursor), whose page fetches the next ones through ``client`` with the
        same filters and options.

        Args:
            client: the client that fetches the next pages.
            arguments: the method's keyword arguments: filters, the cursor
                (under its parameter's name) and the per-call options.
            *ids: the ids the path takes, if it is a function.

        Raises:
            InvalidRequestError: a bad id, filter, cursor or option (nothing is sent).
        """
        path = self._path if isinstance(self._path, str) else self._path(*ids)
        filters, options = split_options(arguments)
        query = query_of(filters, self._kinds)
        request = build_request("GET", path, self._decode, options, query=query)
        return paged(client, request, self._cursor)

    def items(
        self: PagedList[PageModel[T]],
        client: BaseClient,
        arguments: Mapping[str, object],
        *ids: str,
    ) -> AsyncIterator[T]:
        """Every item of every page, from the page :meth:`request` asks for.

        Raises:
            InvalidRequestError: at once, as :meth:`request`.
            Whatever fetching a page raises, while iterating (see
            :func:`items_of_pages`).
        """
        return items_of_pages(client.send(self.request(client, arguments, *ids)))
