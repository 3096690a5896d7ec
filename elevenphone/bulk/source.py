"""Where a run's items come from: pulled one at a time, each number once.

A run takes a mapping, a list or tuple, or any sync or async iterable, and
pulls its items lazily, so a stream of any length runs in constant memory.
A number met a second time in one run is a caller error
(:class:`InvalidRequestError`, a ``ValueError``): items known up front are
checked before anything is sent, a stream as it comes.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping

from .._exceptions import InvalidRequestError

__all__ = ["END", "ItemSource", "SeenIds", "check_no_repeats", "length_of", "repeated"]

END: object = object()
"""What a source gives once it has no more items."""


def repeated(key: str, index: int, first: int) -> InvalidRequestError:
    """The error for a number named again in one run."""
    return InvalidRequestError(
        f"phone number {key!r} is repeated in the updates: at index {index},"
        f" first at index {first}; each number may appear once in a run",
        field="phone_number_id",
    )


def check_no_repeats(pairs: list[object] | tuple[object, ...]) -> None:
    """Refuse a list of ``(key, ...)`` pairs that names a key twice, before
    anything is sent. Malformed pairs are left to fail when pulled.

    Raises:
        InvalidRequestError: a key named twice.
    """
    firsts: dict[str, int] = {}
    for index, pair in enumerate(pairs):
        if isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str):
            first = firsts.setdefault(pair[0], index)
            if first != index:
                raise repeated(pair[0], index, first)


def length_of(items: object) -> int | None:
    """How many items, when known in advance."""
    if isinstance(items, (Mapping, list, tuple)):
        return len(items)
    return None


class SeenIds:
    """The keys a streamed run has met, in little memory whatever its length.

    A key is kept as its ``hash`` (64 bits). The first :data:`SMALL` keys are
    in a dict of hash to index (a lookup in C: most runs never grow past
    it); beyond, in a flat open-addressing table, plus the hashes in the
    order met, which give the index of a first occurrence: about 24 bytes per
    key. In ``bench/bulk_rss.py`` (100,000 streamed items) a set of the id
    strings cost 130 bytes per id and a set of their hashes 95, past the bound
    on peak memory. Two keys with the same hash would be taken for a repeat;
    for n keys the odds are about n**2 / 2**65.
    """

    SMALL = 16_384
    """How many keys the dict holds before the table takes them."""

    def __init__(self) -> None:
        self._small: dict[int, int] | None = {}
        self._table = array("q")  # 0 marks an empty slot
        self._order = array("q")

    def __len__(self) -> int:
        small = self._small
        return len(self._order) if small is None else len(small)

    def add(self, key: str) -> int | None:
        """Record ``key``; if it was met before, return the index of its first
        occurrence instead."""
        hashed = hash(key) or 1
        small = self._small
        if small is not None:
            index = len(small)
            first = small.setdefault(hashed, index)
            if first != index:
                return first
            if index + 1 >= self.SMALL:
                self._to_table(small)
            return None
        table = self._table
        mask = len(table) - 1
        slot = hashed & mask
        while table[slot]:
            if table[slot] == hashed:
                return self._order.index(hashed)
            slot = (slot + 1) & mask
        table[slot] = hashed
        self._order.append(hashed)
        if 2 * len(self._order) > len(table):
            self._grow()
        return None

    def _to_table(self, small: dict[int, int]) -> None:
        self._order = array("q", small)  # a dict keeps the order its keys came in
        self._small = None
        self._grow()

    def _grow(self) -> None:
        # A power of two, at least four slots a key: at most half full until the next growth.
        slots = 1 << max(10, (4 * len(self._order)).bit_length())
        table = array("q", bytes(8 * slots))
        mask = len(table) - 1
        for hashed in self._order:
            slot = hashed & mask
            while table[slot]:
                slot = (slot + 1) & mask
            table[slot] = hashed
        self._table = table


class ItemSource:
    """Pulls raw items one at a time from a mapping (its pairs), an iterable or
    an async iterable.

    Raises:
        TypeError: ``items`` is none of those.
    """

    def __init__(self, items: object) -> None:
        self._async: AsyncIterator[object] | None = None
        self._sync: Iterator[object] | None = None
        if isinstance(items, Mapping):
            self._sync = iter(items.items())
        elif isinstance(items, AsyncIterable):
            self._async = aiter(items)
        elif isinstance(items, Iterable):
            self._sync = iter(items)
        else:
            raise TypeError(
                "updates must be a mapping or an iterable of (id, request) pairs,"
                f" not {type(items).__name__}"
            )

    @property
    def is_sync(self) -> bool:
        """Whether items come from a sync iterable: pulled by :meth:`next`."""
        return self._sync is not None

    @property
    def next(self) -> Callable[[], object]:
        """From a sync iterable: a function giving the next item, or
        :data:`END` once there are no more (``next`` itself, with a default:
        no Python frame per item)."""
        assert self._sync is not None
        return functools.partial(next, self._sync, END)

    async def anext(self) -> object:
        """From an async iterable: the next item, or :data:`END`."""
        assert self._async is not None
        return await anext(self._async, END)
