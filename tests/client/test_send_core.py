"""The send core of issue 18: options declared once (max_retries among them),
raw responses that say how the reply came, pages that fetch the next one, and
a body encoded once with extra_body merged before."""

from __future__ import annotations

import datetime
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from yarl import URL

from elevenphone import (
    ElevenPhone,
    InternalServerError,
    InvalidRequestError,
    PhoneNumberPage,
    RequestOptions,
    RetryPolicy,
    TwilioPhoneNumber,
)
from tests.conftest import API_KEY, RecordingSleep, twilio_number
from tests.loopback import ScriptedServer

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"


def client_for(server: ScriptedServer, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(API_KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


def page_body(ids: list[str], cursor: str | None) -> bytes:
    numbers = [twilio_number(phone_number_id=pid) for pid in ids]
    return json.dumps(
        {"phone_numbers": numbers, "next_cursor": cursor, "has_more": cursor is not None}
    ).encode()


# --- max_retries, a per-call option ----------------------------------------------------------


async def test_max_retries_per_call_overrides_the_clients(server: ScriptedServer) -> None:
    for _ in range(4):
        server.reply(503, b"{}")
    async with client_for(server, max_retries=3) as client:
        with pytest.raises(InternalServerError):
            await client.phone_numbers.get(PID, max_retries=0)
        assert len(server.seen) == 1  # no retry for this call
        server.seen.clear()
        server.script.clear()
        for _ in range(2):
            server.reply(503, b"{}")
        number = await client.phone_numbers.get(PID, max_retries=2)
    assert number.phone_number_id == PID
    assert len(server.seen) == 3  # two refused, the third answered


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
async def test_a_bad_max_retries_is_refused_before_sending(
    server: ScriptedServer, bad: object
) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as refused:
            await client.phone_numbers.get(PID, max_retries=bad)  # type: ignore[arg-type]
    assert refused.value.field == "max_retries"
    assert server.seen == []


async def test_an_unknown_option_is_refused_naming_it(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as refused:
            await client.phone_numbers.get(PID, timout=5)  # type: ignore[call-arg]
    assert refused.value.field == "timout"
    assert "timeout" in str(refused.value)  # the message lists the real options
    assert server.seen == []


def test_the_options_are_declared_once() -> None:
    assert set(RequestOptions.__annotations__) == {
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "max_retries",
    }


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="needs mypy (the typecheck group)"
)
def test_mypy_catches_a_misspelt_option(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        from elevenphone import ElevenPhone

        async def main(client: ElevenPhone) -> None:
            await client.phone_numbers.get("phnum_x", timout=5)
            await client.phone_numbers.get("phnum_x", timeout=5, max_retries=1)
        """
    )
    (tmp_path / "snippet.py").write_text(code)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "snippet.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert len(lines) == 1, checked.stdout
    assert "snippet.py:5:" in lines[0]
    assert '"timout"' in lines[0]


# --- raw responses ---------------------------------------------------------------------------


async def test_a_raw_response_says_how_the_reply_came(server: ScriptedServer) -> None:
    server.reply(503, b"{}")
    async with client_for(server) as client:
        raw = await client.phone_numbers.with_raw_response.get(PID, extra_query={"a": "1"})
    assert raw.method == "GET"
    assert isinstance(raw.url, URL)
    assert raw.url.path == f"/v1/convai/phone-numbers/{PID}"
    assert raw.url.query["a"] == "1"
    assert raw.http_version == "HTTP/1.1"
    assert isinstance(raw.elapsed, datetime.timedelta)
    assert raw.elapsed >= datetime.timedelta(0)
    assert raw.retries_taken == 1
    assert raw.status_code == 200
    parsed = raw.parse()
    assert isinstance(parsed, TwilioPhoneNumber)
    assert parsed.phone_number_id == PID


async def test_raw_wrappers_are_derived_from_the_endpoints() -> None:
    async with ElevenPhone(API_KEY, base_url="http://127.0.0.1:9") as client:
        raw = client.phone_numbers.with_raw_response
        for name in ("update", "get", "list", "create", "delete", "list_page"):
            assert callable(getattr(raw, name))
        # Not an endpoint: iterators and bulk runs send many requests.
        for name in ("iter", "bulk_update", "reassign_agent"):
            with pytest.raises(AttributeError):
                getattr(raw, name)
        assert callable(client.calls.with_raw_response.outbound)


# --- pages -------------------------------------------------------------------------------------


async def test_a_page_fetches_the_next_with_the_same_filters(server: ScriptedServer) -> None:
    server.reply(200, page_body(["phnum_a", "phnum_b"], "c1"))
    server.reply(200, page_body(["phnum_c"], None))
    async with client_for(server) as client:
        page: PhoneNumberPage | None = await client.phone_numbers.list_page(
            search="x", page_size=2, extra_headers={"X-Trace": "t"}
        )
        seen = []
        while page is not None:
            seen.extend([number.phone_number_id async for number in page])
            page = await page.next_page()
    assert seen == ["phnum_a", "phnum_b", "phnum_c"]
    first, second = (URL(seen.raw_path) for seen in server.seen)
    assert dict(first.query) == {"search": "x", "page_size": "2"}
    assert dict(second.query) == {"search": "x", "page_size": "2", "cursor": "c1"}
    assert server.seen[1].headers["X-Trace"] == "t"


async def test_the_last_page_has_no_next_and_iter_still_takes_every_item(
    server: ScriptedServer,
) -> None:
    server.reply(200, page_body(["phnum_a"], "c1"))
    server.reply(200, page_body(["phnum_b"], None))
    async with client_for(server) as client:
        every = [number.phone_number_id async for number in client.phone_numbers.iter()]
        server.reply(200, page_body(["phnum_z"], None))
        last = await client.phone_numbers.list_page()
        assert await last.next_page() is None
    assert every == ["phnum_a", "phnum_b"]


async def test_a_page_decoded_by_hand_cannot_fetch_the_next() -> None:
    page = PhoneNumberPage(phone_numbers=[], next_cursor="c1", has_more=True)
    with pytest.raises(RuntimeError):
        await page.next_page()


@pytest.mark.parametrize(
    "filters",
    [{"provider": "vonage"}, {"sort_by": "color"}, {"page_size": 0}, {"supports_outbound": "y"}],
)
async def test_list_page_and_iter_check_filters_alike(
    server: ScriptedServer, filters: dict[str, object]
) -> None:
    (field,) = filters
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as by_page:
            await client.phone_numbers.list_page(**filters)  # type: ignore[arg-type]
        with pytest.raises(InvalidRequestError) as by_iter:
            client.phone_numbers.iter(**filters)  # type: ignore[arg-type]
        if field == "provider":
            with pytest.raises(InvalidRequestError) as by_list:
                await client.phone_numbers.list(provider="vonage")
            assert by_list.value.field == field
    assert by_page.value.field == by_iter.value.field == field
    assert str(by_page.value) == str(by_iter.value)
    assert server.seen == []


async def test_the_provider_filter_names_its_values(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        with pytest.raises(InvalidRequestError) as refused:
            await client.phone_numbers.list(provider="vonage")
    for allowed in ("twilio", "sip_trunk", "exotel"):
        assert allowed in str(refused.value)


# --- one encode -------------------------------------------------------------------------------


async def test_extra_body_is_merged_before_the_one_encode(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        await client.phone_numbers.update(
            PID, agent_id="agent_b", label="x", extra_body={"label": "y", "future": [1]}
        )
    assert json.loads(server.seen[0].body) == {"agent_id": "agent_b", "label": "y", "future": [1]}
