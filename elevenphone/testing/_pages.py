"""The paged endpoints: the v2 list of phone numbers and a number's SIP
messages, and the keyset pagination every list of the fake shares.

Lists page behind an opaque cursor: the cursor names the last item sent (its
sort key), so items added or deleted between two pages never make a page
repeat or skip one of the others. A cursor is bound to the query that
produced it (the filters and the sort, not ``page_size``): sent with another
query, or garbled, it is a 422 at ``["query", "cursor"]`` (``last_doc`` for
batch calls).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from ._bodies import PROVIDER_FILTER
from ._responses import ApiResponse, not_found, unprocessable
from ._validation import (
    ErrorItem,
    Field,
    boolean,
    bounded,
    enum,
    integer,
    string,
    validate_query,
    value_error,
)


class PhoneNumberStore(Protocol):
    """What the pages of numbers read of the store (the store's own module
    builds on this one: a Protocol, not an import, keeps them apart)."""

    numbers: dict[str, dict[str, Any]]
    sip_messages: dict[str, list[dict[str, Any]]]

    def creation_order(self) -> list[tuple[int, dict[str, Any]]]: ...


DEFAULT_PAGE_SIZE = 30
MAX_PAGE_SIZE = 100

Key = tuple[Any, ...]

#: The ``page_size`` and ``cursor`` query fields of every cursor-paged list.
PAGE_SIZE = Field(bounded(integer, ge=1, le=MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE)
CURSOR = Field(string, None)

_NUMBERS_QUERY = {
    "page_size": PAGE_SIZE,
    "search": Field(string, None),
    "label": Field(string, None),
    "phone_number": Field(string, None),
    "provider": Field(PROVIDER_FILTER, None),
    "supports_outbound": Field(boolean, None),
    "agent_id": Field(string, None),
    "branch_id": Field(string, None),
    "sort_by": Field(enum("label", "phone_number"), None),
    "sort_direction": Field(enum("asc", "desc"), "asc"),
    "cursor": CURSOR,
}
_SIP_QUERY = {"page_size": PAGE_SIZE, "cursor": CURSOR}


class CursorError(ValueError):
    """The cursor was not made by this fake for this query."""


def encode_cursor(scope: str, key: Key) -> str:
    """Return an opaque cursor pointing after ``key`` within ``scope``."""
    payload = json.dumps({"s": _digest(scope), "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, scope: str, shape: Sequence[type]) -> Key:
    """Return the key in ``cursor``. Raises :class:`CursorError` if garbled or for another scope."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        key = tuple(payload["k"])
        made_for = payload["s"]
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise CursorError("invalid cursor") from exc
    if made_for != _digest(scope):
        raise CursorError("cursor does not belong to this query")
    if len(key) != len(shape) or not all(
        type(part) is kind for part, kind in zip(key, shape, strict=True)
    ):
        raise CursorError("invalid cursor")
    return key


def _digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


def paginate(
    items: Sequence[tuple[Key, Any]],
    *,
    size: int,
    after: Key | None,
    descending: bool,
    scope: str,
) -> tuple[list[Any], str | None]:
    """Return one page of ``items`` (``(key, item)`` pairs) and the next cursor, or ``None``."""
    ordered = sorted(items, key=lambda pair: pair[0], reverse=descending)
    if after is not None:
        ordered = [p for p in ordered if (p[0] < after if descending else p[0] > after)]
    page = ordered[:size]
    next_cursor = encode_cursor(scope, page[-1][0]) if len(ordered) > size else None
    return [item for _, item in page], next_cursor


def page_reply(
    items_key: str, page: list[Any], next_cursor: str | None, *, cursor_key: str = "next_cursor"
) -> ApiResponse:
    """A 200 with one page, shaped as the API's lists are: the items under
    ``items_key``, the next cursor under ``cursor_key``, and ``has_more``."""
    body = {items_key: page, cursor_key: next_cursor, "has_more": next_cursor is not None}
    return ApiResponse(200, body)


def read_cursor(
    query: Mapping[str, Any],
    scope: str,
    shape: Sequence[type],
    errors: list[ErrorItem],
    name: str = "cursor",
) -> Key | None:
    """Return the key in the query's cursor (the parameter ``name``), or None.

    A garbled cursor, or one made for another scope, appends a 422
    ``value_error`` at ``["query", name]``; it is only judged when the rest
    of the query found no error.
    """
    cursor = query.get(name)
    if cursor is None or errors:
        return None
    try:
        return decode_cursor(cursor, scope, shape)
    except CursorError as exc:
        errors.append(value_error(("query", name), str(exc), cursor))
        return None


_T = TypeVar("_T")


class CreationOrder:
    """Serial numbers of items by ID, fixed when each is first seen.

    They survive deletions, so a cursor made before one still points to the
    right place; items a test put into a store directly get theirs when next
    listed.
    """

    def __init__(self) -> None:
        self._serials: dict[str, int] = {}
        self._next = itertools.count()

    def serial(self, item_id: str) -> int:
        """Return the serial of ``item_id``, giving it the next one if new."""
        if item_id not in self._serials:
            self._serials[item_id] = next(self._next)
        return self._serials[item_id]

    def of(self, items: Mapping[str, _T]) -> list[tuple[int, _T]]:
        """Return ``(serial, item)`` for every item, oldest first."""
        return sorted(
            ((self.serial(item_id), item) for item_id, item in items.items()),
            key=lambda pair: pair[0],
        )


def _matches(number: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    agent = number.get("assigned_agent") or {}
    label = str(number.get("label") or "")
    phone_number = str(number.get("phone_number") or "")
    search = query["search"]
    if search is not None and not (
        number.get("phone_number_id") == search
        or search.lower() in label.lower()
        or search.lower() in phone_number.lower()
    ):
        return False
    checks: tuple[tuple[str, Callable[[Any], bool]], ...] = (
        ("label", lambda wanted: wanted.lower() in label.lower()),
        ("phone_number", lambda wanted: wanted == phone_number),
        ("provider", lambda wanted: number.get("provider") == wanted),
        ("supports_outbound", lambda wanted: number.get("supports_outbound") is wanted),
        ("agent_id", lambda wanted: agent.get("agent_id") == wanted),
        ("branch_id", lambda wanted: agent.get("branch_id") == wanted),
    )
    return all(query[name] is None or check(query[name]) for name, check in checks)


def numbers_page(store: PhoneNumberStore, raw_query: Mapping[str, str]) -> ApiResponse:
    """Answer ``GET /v1/convai/v2/phone-numbers``."""
    query, errors = validate_query(_NUMBERS_QUERY, raw_query)
    scope = json.dumps(
        {name: query.get(name) for name in _NUMBERS_QUERY if name not in ("page_size", "cursor")},
        sort_keys=True,
    )
    sort_by = query.get("sort_by")
    shape = (str, int) if sort_by else (int,)
    after = read_cursor(query, scope, shape, errors)
    if errors:
        return unprocessable(errors)
    keyed = [
        ((str(number.get(sort_by) or ""), serial) if sort_by else (serial,), number)
        for serial, number in store.creation_order()
        if _matches(number, query)
    ]
    page, next_cursor = paginate(
        keyed,
        size=query["page_size"],
        after=after,
        descending=query["sort_direction"] == "desc",
        scope=scope,
    )
    return page_reply("phone_numbers", page, next_cursor)


def sip_messages_page(
    store: PhoneNumberStore, phone_number_id: str, raw_query: Mapping[str, str]
) -> ApiResponse:
    """Answer ``GET /v1/convai/phone-numbers/{id}/sip-messages``: newest first."""

    def log() -> list[dict[str, Any]] | ApiResponse:
        if phone_number_id not in store.numbers:
            return not_found(phone_number_id)
        return store.sip_messages.get(phone_number_id, [])

    return sip_log_page(raw_query, f"sip-messages:{phone_number_id}", log)


def sip_log_page(
    raw_query: Mapping[str, str],
    scope: str,
    log: Callable[[], Sequence[Mapping[str, Any]] | ApiResponse],
) -> ApiResponse:
    """Answer a page of SIP messages, newest first, once the query is valid.

    ``log`` returns the messages, oldest added first, or the answer when the
    resource they belong to does not exist (judged after the query).
    """
    query, errors = validate_query(_SIP_QUERY, raw_query)
    after = read_cursor(query, scope, (int, int), errors)
    if errors:
        return unprocessable(errors)
    messages = log()
    if isinstance(messages, ApiResponse):
        return messages
    keyed = [((_created_at(message), index), message) for index, message in enumerate(messages)]
    page, next_cursor = paginate(
        keyed, size=query["page_size"], after=after, descending=True, scope=scope
    )
    return page_reply("sip_messages", page, next_cursor)


def _created_at(message: Mapping[str, Any]) -> int:
    created = message.get("created_at_unix_micro")
    return created if type(created) is int else 0
