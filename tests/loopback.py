"""A scripted aiohttp server on 127.0.0.1 (the ``server`` fixture of every test).

Each test queues what the next requests get (a reply, a reset, a truncated
reply, a stall); unscripted requests get a phone number built from the path,
with the update they carry applied. A test may also make the server lie about
some numbers: answer for them with another number's id (``answers_for``), or
answer their updates 200 without applying them, with the old state
(``ignores``).
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pytest
from aiohttp import web

Behaviour = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class SeenRequest:
    method: str
    raw_path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedServer:
    base_url: str = ""
    script: deque[Behaviour] = field(default_factory=deque)
    seen: list[SeenRequest] = field(default_factory=list)
    disconnected: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    answers_for: dict[str, str] = field(default_factory=dict)
    """Numbers the server answers for with another number's id: {asked: answered}."""
    ignores: set[str] = field(default_factory=set)
    """Numbers whose updates the server answers 200 without applying them."""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(
            SeenRequest(
                request.method, request.raw_path, dict(request.headers), await request.read()
            )
        )
        self.arrived.set()
        try:
            if self.script:
                return await self.script.popleft()(request)
            return await self.answer_with_number(request)
        except asyncio.CancelledError:
            self.disconnected += 1
            raise

    # --- behaviours ------------------------------------------------------

    def reply(
        self, status: int, body: bytes | str = b"", headers: dict[str, str] | None = None
    ) -> None:
        async def behaviour(request: web.Request) -> web.StreamResponse:
            data = body.encode() if isinstance(body, str) else body
            return web.Response(status=status, body=data, headers=headers)

        self.script.append(behaviour)

    def reset(self) -> None:
        async def behaviour(request: web.Request) -> web.StreamResponse:
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError  # nothing more to send on this connection

        self.script.append(behaviour)

    def truncate(self) -> None:
        async def behaviour(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/json"})
            response.content_length = 1000
            await response.prepare(request)
            await response.write(b'{"provider": "twilio", "phone_')
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError

        self.script.append(behaviour)

    def stall(self) -> None:
        async def behaviour(request: web.Request) -> web.StreamResponse:
            await self.release.wait()
            return await self.answer_with_number(request)

        self.script.append(behaviour)

    async def answer_with_number(self, request: web.Request) -> web.Response:
        """The number of the path, assigned to ``agent_default`` and labelled
        ``Sales``, with the update the request carries applied (unless it
        ``ignores`` the number), under its own id (unless ``answers_for`` it)."""
        from tests.conftest import twilio_number  # conftest imports this module

        phone_number_id = unquote(request.match_info.get("phone_number_id", "phnum_x"))
        body = await request.read()
        fields: dict[str, Any] = json.loads(body) if body else {}
        if phone_number_id in self.ignores:
            fields = {}
        agent_id = fields.get("agent_id", "agent_default")
        agent = {"agent_id": agent_id, "agent_name": f"Agent {agent_id}"}
        agent.update(
            {name: fields[name] for name in ("branch_id", "environment") if name in fields}
        )
        number = twilio_number(
            phone_number_id=self.answers_for.get(phone_number_id, phone_number_id),
            label=fields.get("label") or "Sales",
            assigned_agent=None if agent_id is None else agent,
        )
        return web.json_response(number)


async def answer_with_number(request: web.Request) -> web.Response:
    """What an unscripted server answers: the number of the path, the update applied."""
    return await ScriptedServer().answer_with_number(request)


async def start_server(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_route("*", "/v1/convai/phone-numbers/{phone_number_id}", handler)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    scripted = ScriptedServer()
    runner, scripted.base_url = await start_server(scripted.handle)
    try:
        yield scripted
    finally:
        scripted.release.set()
        await runner.cleanup()
