"""The v2 list (GET /v1/convai/v2/phone-numbers): filters, search, sort, cursor pages."""

from __future__ import annotations

from typing import Any

import pytest

from elevenphone.testing import FakeElevenLabs
from elevenphone.testing._pages import CursorError, decode_cursor, encode_cursor
from tests.testing.helpers import Api

V2 = "/v1/convai/v2/phone-numbers"


async def walk(api: Api, **params: str) -> tuple[list[dict[str, Any]], int]:
    """Follow the cursor to the end; return every number and the number of pages."""
    numbers: list[dict[str, Any]] = []
    pages = 0
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        status, body = await api.call("GET", V2, params=query)
        assert status == 200, body
        assert body.keys() == {"phone_numbers", "next_cursor", "has_more"}
        assert body["has_more"] is (body["next_cursor"] is not None)
        numbers += body["phone_numbers"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return numbers, pages


def ids(numbers: list[dict[str, Any]]) -> list[str]:
    return [number["phone_number_id"] for number in numbers]


async def test_default_page_is_30_full_numbers_in_creation_order(
    api: Api, fake: FakeElevenLabs
) -> None:
    for _ in range(5):
        fake.add_number()
    status, body = await api.call("GET", V2)
    assert status == 200
    assert body["phone_numbers"] == list(fake.numbers.values())[:30]  # the full objects
    assert body["has_more"] is True
    assert isinstance(body["next_cursor"], str)
    status, body = await api.call("GET", V2, params={"cursor": body["next_cursor"]})
    assert ids(body["phone_numbers"]) == list(fake.numbers)[30:]
    assert (body["next_cursor"], body["has_more"]) == (None, False)


@pytest.mark.parametrize("size", ["1", "7", "30", "100"])
async def test_walking_the_cursor_gives_every_number_once(
    api: Api, fake: FakeElevenLabs, size: str
) -> None:
    numbers, pages = await walk(api, page_size=size)
    assert ids(numbers) == list(fake.numbers)
    assert pages == -(-len(fake.numbers) // int(size))


async def test_a_page_that_ends_exactly_has_no_cursor(api: Api, fake: FakeElevenLabs) -> None:
    _, body = await api.call("GET", V2, params={"page_size": "30"})
    assert len(fake.numbers) == 30
    assert (len(body["phone_numbers"]), body["next_cursor"], body["has_more"]) == (30, None, False)
    fake.numbers.clear()
    assert await api.call("GET", V2) == (
        200,
        {"phone_numbers": [], "next_cursor": None, "has_more": False},
    )


async def test_search(api: Api, fake: FakeElevenLabs) -> None:
    a = fake.add_number(label="Night Shift Desk", phone_number="+14155550177")
    b = fake.add_number(label="Billing", phone_number="+14155559911")
    c = fake.add_number(label="Other", phone_number="+442071830000", phone_number_id="phnum_shift")

    async def found(search: str) -> list[str]:
        numbers, _ = await walk(api, search=search, page_size="100")
        return ids(numbers)

    assert await found("shift") == [a]  # label, case-insensitive; the ID must match whole
    assert await found("SHIFT DESK") == [a]
    assert await found("0177") == [a]  # a substring of the phone number
    assert await found("+14155559") == [b]
    assert await found("phnum_shift") == [c]
    assert await found(b) == [b]
    assert await found(b[:-1]) == []  # part of an ID is no match
    assert await found("nowhere") == []


async def test_filters(api: Api, fake: FakeElevenLabs) -> None:
    a = fake.add_number(
        provider="sip_trunk", label="Team Alpha", phone_number="+15550100001", agent_id="agent_q"
    )
    b = fake.add_number(
        provider="exotel",
        label="alpha two",
        phone_number="+15550100002",
        agent_id="agent_q",
        branch_id="agtbrch_q",
    )
    fake.numbers[b]["supports_outbound"] = False

    async def found(**params: str) -> list[str]:
        numbers, _ = await walk(api, page_size="100", **params)
        return ids(numbers)

    assert await found(label="ALPHA") == [a, b]
    assert await found(phone_number="+15550100001") == [a]
    assert await found(phone_number="+1555010000") == []  # the whole number, not a part
    assert await found(agent_id="agent_q") == [a, b]
    assert await found(branch_id="agtbrch_q") == [b]
    assert await found(supports_outbound="false") == [b]
    assert b not in await found(supports_outbound="true")
    assert await found(provider="exotel", label="alpha") == [b]
    expected_sip = [pid for pid, n in fake.numbers.items() if n["provider"] == "sip_trunk"]
    assert await found(provider="sip_trunk") == expected_sip


async def test_sort(api: Api, fake: FakeElevenLabs) -> None:
    def by(field: str, reverse: bool = False) -> list[str]:
        serials = {pid: index for index, pid in enumerate(fake.numbers)}
        return sorted(
            fake.numbers,
            key=lambda pid: (fake.numbers[pid][field], serials[pid]),
            reverse=reverse,
        )

    fake.add_number(label="Support US 1")  # a label the seeded data may also hold
    numbers, _ = await walk(api, sort_by="label", page_size="4")
    assert ids(numbers) == by("label")
    numbers, _ = await walk(api, sort_by="phone_number", sort_direction="desc", page_size="6")
    assert ids(numbers) == by("phone_number", reverse=True)
    numbers, _ = await walk(api, sort_direction="desc", page_size="9")
    assert ids(numbers) == list(reversed(fake.numbers))


async def test_numbers_deleted_or_added_between_pages(api: Api, fake: FakeElevenLabs) -> None:
    _, first = await api.call("GET", V2, params={"page_size": "10", "sort_by": "label"})
    seen = ids(first["phone_numbers"])
    del fake.numbers[seen[-1]]  # the very number the cursor points after
    del fake.numbers[next(p for p in fake.numbers if p not in seen)]
    early = fake.add_number(label="")  # sorts before the cursor: not on later pages
    late = fake.add_number(label="zzz")  # sorts after it: on a later page
    rest, _ = await walk(api, page_size="10", sort_by="label")
    _, second = await api.call(
        "GET", V2, params={"page_size": "100", "sort_by": "label", "cursor": first["next_cursor"]}
    )
    assert ids(rest)[0] == early
    remaining = [pid for pid in ids(rest) if pid not in seen and pid != early]
    assert ids(second["phone_numbers"]) == remaining
    assert late in remaining


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (
            {"page_size": "0"},
            {
                "type": "greater_than_equal",
                "loc": ["query", "page_size"],
                "msg": "Input should be greater than or equal to 1",
                "input": "0",
                "ctx": {"ge": 1},
            },
        ),
        (
            {"page_size": "101"},
            {
                "type": "less_than_equal",
                "loc": ["query", "page_size"],
                "msg": "Input should be less than or equal to 100",
                "input": "101",
                "ctx": {"le": 100},
            },
        ),
        (
            {"page_size": "ten"},
            {
                "type": "int_parsing",
                "loc": ["query", "page_size"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "ten",
            },
        ),
        (
            {"supports_outbound": "sometimes"},
            {
                "type": "bool_parsing",
                "loc": ["query", "supports_outbound"],
                "msg": "Input should be a valid boolean, unable to interpret input",
                "input": "sometimes",
            },
        ),
        (
            {"sort_by": "created"},
            {
                "type": "enum",
                "loc": ["query", "sort_by"],
                "msg": "Input should be 'label' or 'phone_number'",
                "input": "created",
                "ctx": {"expected": "'label' or 'phone_number'"},
            },
        ),
        (
            {"sort_direction": "up"},
            {
                "type": "enum",
                "loc": ["query", "sort_direction"],
                "msg": "Input should be 'asc' or 'desc'",
                "input": "up",
                "ctx": {"expected": "'asc' or 'desc'"},
            },
        ),
        (
            {"provider": "vonage"},
            {
                "type": "enum",
                "loc": ["query", "provider"],
                "msg": "Input should be 'twilio', 'sip_trunk' or 'exotel'",
                "input": "vonage",
                "ctx": {"expected": "'twilio', 'sip_trunk' or 'exotel'"},
            },
        ),
        (
            {"cursor": "not-a-cursor"},
            {
                "type": "value_error",
                "loc": ["query", "cursor"],
                "msg": "Value error, invalid cursor",
                "input": "not-a-cursor",
                "ctx": {"error": {}},
            },
        ),
    ],
)
async def test_bad_query_values_are_422(
    api: Api, params: dict[str, str], error: dict[str, Any]
) -> None:
    assert await api.call("GET", V2, params=params) == (422, {"detail": [error]})


async def test_lax_query_values_like_pydantic(api: Api) -> None:
    status, body = await api.call("GET", V2, params={"page_size": " 2.0", "supports_outbound": "1"})
    assert status == 200
    assert len(body["phone_numbers"]) == 2


async def test_every_bad_value_is_reported(api: Api) -> None:
    status, body = await api.call(
        "GET", V2, params={"page_size": "-1", "sort_by": "x", "cursor": "garbled"}
    )
    assert status == 422
    # The cursor is only judged once the query it belongs to is valid.
    assert [item["loc"][1] for item in body["detail"]] == ["page_size", "sort_by"]


async def test_a_cursor_only_fits_its_own_query(api: Api) -> None:
    _, body = await api.call("GET", V2, params={"page_size": "5", "label": "a"})
    cursor = body["next_cursor"]
    assert cursor is not None
    # page_size may change between pages...
    assert (await api.call("GET", V2, params={"label": "a", "cursor": cursor}))[0] == 200
    # ...the filters and the sort may not.
    for other in ({"label": "b"}, {"label": "a", "sort_by": "label"}, {}):
        status, answer = await api.call("GET", V2, params={**other, "cursor": cursor})
        assert status == 422
        assert answer["detail"][0]["msg"] == "Value error, cursor does not belong to this query"


def test_cursor_round_trip_and_garbage() -> None:
    cursor = encode_cursor("scope", ("label", 3))
    assert "label" not in cursor  # opaque
    assert decode_cursor(cursor, "scope", (str, int)) == ("label", 3)
    with pytest.raises(CursorError, match="does not belong"):
        decode_cursor(cursor, "other", (str, int))
    with pytest.raises(CursorError, match="invalid"):
        decode_cursor(cursor, "scope", (int,))
    for garbage in ("", "!!!", "e30", encode_cursor("scope", ("label", 3))[:-3]):
        with pytest.raises(CursorError):
            decode_cursor(garbage, "scope", (str, int))


async def test_v2_list_needs_the_key_and_only_gets(api: Api) -> None:
    status, _ = await api.call("GET", V2, headers={"xi-api-key": "nope"})
    assert status == 401
    status, body = await api.call("POST", V2, json={})
    assert (status, body) == (405, {"detail": "Method Not Allowed"})
    assert (await api.call("GET", V2 + "/phnum_x"))[0] == 404
