"""Raw-HTTP helpers for testing the fake (never through the SDK)."""

from __future__ import annotations

import asyncio
import json as jsonlib
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
from yarl import URL

from elevenphone.testing import FakeElevenLabs

NUMBERS = "/v1/convai/phone-numbers"
AGENTS = "/v1/convai/agents"
CONVERSATIONS = "/v1/convai/conversations"
BATCHES = "/v1/convai/batch-calling"
CALL_PATHS = {
    "twilio": "/v1/convai/twilio/outbound-call",
    "sip_trunk": "/v1/convai/sip-trunk/outbound-call",
    "exotel": "/v1/convai/exotel/outbound-call",
}

Params = dict[str, str] | Sequence[tuple[str, str]]


class Api:
    """A thin raw-HTTP helper bound to one fake: ``await api.call("GET", path)``."""

    def __init__(self, fake: FakeElevenLabs, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: Params | None = None,
    ) -> tuple[int, Any]:
        """Send one request with the right key (unless ``headers`` say otherwise).

        ``path`` is sent exactly as written (already percent-encoded);
        ``params`` may repeat a name as ``(name, value)`` pairs. Returns
        ``(status, decoded JSON body)``.
        """
        status, _, body = await self.raw(
            method, path, json=json, data=data, headers=headers, params=params
        )
        return status, jsonlib.loads(body) if body else None

    async def raw(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: Params | None = None,
    ) -> tuple[int, str, bytes]:
        """Like :meth:`call`; returns ``(status, Content-Type, body bytes)``."""
        sent = {"xi-api-key": self.fake.api_key, **(headers or {})}
        url = URL(self.fake.base_url + path, encoded=True)
        if params:
            url = url.with_query(params)
        async with self.session.request(
            method, url, json=json, data=data, headers=sent
        ) as response:
            return response.status, response.headers.get("Content-Type", ""), await response.read()

    async def patch(self, phone_number_id: str, body: Any) -> tuple[int, Any]:
        """PATCH ``body`` as JSON to one number."""
        return await self.call("PATCH", f"{NUMBERS}/{phone_number_id}", json=body)


def first_of(fake: FakeElevenLabs, provider: str, *, assigned: bool | None = None) -> str:
    """Return the ID of the first seeded number of ``provider`` (optionally (un)assigned)."""
    for pid, number in fake.numbers.items():
        if number["provider"] != provider:
            continue
        if assigned is None or (number["assigned_agent"] is not None) == assigned:
            return pid
    raise LookupError(provider)


def call_body(pid: str, to_number: str, agent_id: str, **extra: Any) -> dict[str, Any]:
    """The body of an outbound call from ``pid`` to ``to_number``."""
    return {"agent_id": agent_id, "agent_phone_number_id": pid, "to_number": to_number, **extra}


def caller(fake: FakeElevenLabs, provider: str) -> str:
    """The ID of the first seeded number of ``provider`` that can place calls."""
    for pid, number in fake.numbers.items():
        if number["provider"] == provider and (
            provider != "sip_trunk" or number["outbound_trunk"] is not None
        ):
            return pid
    raise LookupError(provider)


async def place_call(
    api: Api, provider: str, to_number: str, *, agent_id: str = "agent_caller", **extra: Any
) -> str:
    """Place one outbound call from a seeded number of ``provider``; return its conversation."""
    pid = caller(api.fake, provider)
    body = call_body(pid, to_number, agent_id, **extra)
    status, answer = await api.call("POST", CALL_PATHS[provider], json=body)
    assert status == 200, answer
    return str(answer["conversation_id"])


async def within_turns(condition: Callable[[], bool], turns: int = 100) -> None:
    """Wait until ``condition()`` holds, for at most ``turns`` turns of the event loop."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"still false after {turns} turns of the event loop")


async def all_pages(
    api: Api, path: str, items: str, params: dict[str, str], cursor: str = "cursor"
) -> list[list[Any]]:
    """Every page of a list, following its cursor (``next_cursor``, or ``next_doc``)."""
    pages, sent = [], dict(params)
    next_name = "next_doc" if cursor == "last_doc" else "next_cursor"
    while True:
        status, body = await api.call("GET", path, params=sent)
        assert status == 200, body
        pages.append(body[items])
        assert body["has_more"] is (body[next_name] is not None)
        if body[next_name] is None:
            return pages
        sent[cursor] = body[next_name]
