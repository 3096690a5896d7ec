"""The client against a real aiohttp server on 127.0.0.1: failures on the wire."""

from __future__ import annotations

import asyncio
import gc
import json
import warnings

import aiohttp
import pytest
from aiohttp import web

from elevenphone import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ElevenPhone,
    InternalServerError,
    RetryPolicy,
    TwilioPhoneNumber,
)
from tests.conftest import API_KEY, RecordingSleep
from tests.holds import until
from tests.loopback import ScriptedServer, start_server

PID = "phnum_2701kacmjq23fzaacdgqwt0qty0b"


def client_for(server: ScriptedServer, **kwargs: object) -> ElevenPhone:
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=RecordingSleep()))
    return ElevenPhone(API_KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


async def test_a_reset_connection_is_retried(server: ScriptedServer) -> None:
    server.reset()
    async with client_for(server) as client:
        number = await client.phone_numbers.update(PID, agent_id="agent_b")
    assert number.assigned_agent is not None
    assert number.assigned_agent.agent_id == "agent_b"
    assert len(server.seen) == 2


async def test_resets_on_every_attempt_raise_a_connection_error(server: ScriptedServer) -> None:
    for _ in range(3):
        server.reset()
    async with client_for(server) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.phone_numbers.update(PID, agent_id="agent_b")
    assert not isinstance(caught.value, APITimeoutError)
    assert len(server.seen) == 3


async def test_a_truncated_reply_is_a_connection_error_and_retried(server: ScriptedServer) -> None:
    server.truncate()
    server.truncate()
    async with client_for(server, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.phone_numbers.update(PID, agent_id="a")
    # aiohttp tells a cut-short reply as a payload error or a disconnect,
    # depending on its release: either way the request was sent.
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.request_sent
    assert len(server.seen) == 2


async def test_a_stalled_reply_times_out_and_is_retried(server: ScriptedServer) -> None:
    server.stall()
    async with client_for(server, timeout=0.2) as client:
        number = await client.phone_numbers.get(PID)
    assert isinstance(number, TwilioPhoneNumber)
    assert len(server.seen) == 2


async def test_stalls_on_every_attempt_raise_a_timeout_error(server: ScriptedServer) -> None:
    server.stall()
    server.stall()
    async with client_for(server, timeout=0.2, max_retries=1) as client:
        with pytest.raises(APITimeoutError):
            await client.phone_numbers.get(PID)
    assert len(server.seen) == 2


async def test_an_html_page_from_a_proxy_becomes_a_typed_error(server: ScriptedServer) -> None:
    page = "<html><head><title>503 Service Temporarily Unavailable</title></head></html>"
    for _ in range(3):
        server.reply(503, page, {"Content-Type": "text/html"})
    async with client_for(server) as client:
        with pytest.raises(InternalServerError) as caught:
            await client.phone_numbers.get(PID)
    assert caught.value.message == "503 Service Temporarily Unavailable"
    assert caught.value.body == page


async def test_a_redirect_to_another_host_is_not_followed(server: ScriptedServer) -> None:
    stolen: list[dict[str, str]] = []

    async def other_host(request: web.Request) -> web.Response:
        stolen.append(dict(request.headers))
        return web.json_response({})

    runner, other_url = await start_server(other_host)
    try:
        other_url = other_url.replace("127.0.0.1", "localhost")
        server.reply(302, b"", {"Location": f"{other_url}/v1/user"})
        async with client_for(server) as client:
            with pytest.raises(APIStatusError) as caught:
                await client.phone_numbers.update(PID, agent_id="a")
    finally:
        await runner.cleanup()
    assert caught.value.status_code == 302
    assert caught.value.headers["Location"] == f"{other_url}/v1/user"
    assert API_KEY not in str(caught.value)
    assert stolen == []
    assert len(server.seen) == 1


async def test_ids_cannot_reach_another_path(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        number = await client.phone_numbers.update("../../user", agent_id="a")
    assert [s.raw_path for s in server.seen] == ["/v1/convai/phone-numbers/%2E%2E%2F%2E%2E%2Fuser"]
    assert number.phone_number_id == "../../user"


async def test_the_wire_request_is_exact(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        await client.phone_numbers.update(PID, agent_id=None, label="Night line")
    [seen] = server.seen
    assert seen.method == "PATCH"
    assert seen.raw_path == f"/v1/convai/phone-numbers/{PID}"
    assert seen.body == b'{"agent_id":null,"label":"Night line"}'
    assert seen.headers["xi-api-key"] == API_KEY
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["User-Agent"].startswith("elevenphone/")


async def test_a_callers_session_defaults_do_not_change_the_request(server: ScriptedServer) -> None:
    server.reply(404, json.dumps({"detail": {"status": "phone_number_not_found", "message": "no"}}))
    async with aiohttp.ClientSession(
        raise_for_status=True, headers={"Content-Type": "text/plain", "X-Trace": "t1"}
    ) as session:
        client = client_for(server, session=session)
        with pytest.raises(APIStatusError) as caught:
            await client.phone_numbers.update(PID, agent_id="a")
        assert caught.value.status_code == 404
        await client.phone_numbers.update(PID, agent_id="a")
        await client.close()
        assert not session.closed
    assert server.seen[0].headers["Content-Type"] == "application/json"
    assert server.seen[0].headers["X-Trace"] == "t1"


async def test_hundreds_of_concurrent_calls_on_one_client(server: ScriptedServer) -> None:
    ids = [f"phnum_{i:028d}" for i in range(300)]
    async with client_for(server) as client:
        numbers = await asyncio.gather(
            *(client.phone_numbers.update(pid, agent_id=f"agent_{pid[-3:]}") for pid in ids)
        )
    assert [n.phone_number_id for n in numbers] == ids
    assert all(
        n.assigned_agent is not None
        and n.assigned_agent.agent_id == f"agent_{n.phone_number_id[-3:]}"
        for n in numbers
    )
    assert len(server.seen) == 300


async def test_cancellation_mid_request_ends_at_once_and_leaves_nothing(
    server: ScriptedServer,
) -> None:
    server.stall()
    before = asyncio.all_tasks()
    async with client_for(server) as client:
        task = asyncio.create_task(client.phone_numbers.update(PID, agent_id="a"))
        await server.arrived.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await until(lambda: server.disconnected > 0)
    assert server.disconnected == 1  # the client dropped the connection
    assert len(server.seen) == 1  # and did not retry
    leftover = {t for t in asyncio.all_tasks() - before if not t.done()}
    leftover = {t for t in leftover if "handle" not in repr(t.get_coro())}
    assert leftover == set()


async def test_no_unclosed_session_warning_on_error_paths(server: ScriptedServer) -> None:
    server.reply(500, "boom")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = client_for(server, max_retries=0)
        with pytest.raises(InternalServerError):
            await client.phone_numbers.get(PID)
        await client.close()
        del client
        gc.collect()
    assert [str(w.message) for w in caught] == []
