"""A loopback server that echoes everything it receives, and the secrets the
tests send to it.

Each request with a body (a PATCH, a POST) gets the next scripted status; a
non-2xx reply echoes the request (its body as text and as parsed JSON, every
header, the key among them) in each field an error is read from: the
message, the code, the request id, and a 422's items. A scripted 2xx to a
PATCH is a phone number whose label is the echo. Requests without a body,
and those past the script, get a phone number.
"""

from __future__ import annotations

import contextlib
import json
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.conftest import twilio_number
from tests.loopback import answer_with_number, start_server

# Each holds a quote, a backslash and a non-ASCII letter: echoed inside JSON
# text or a Python repr, it is escaped, and must be found all the same.
SIP_PASSWORD = 'sip-pa"ss\\word-é-7f3a9c'
INBOUND_PASSWORD = "inbound-password-5d1e88"
TWILIO_TOKEN = "twilio-token-9b2c4471"
ACCOUNT_AUTH_TOKEN = "account-auth-token-1a6f0d"
REGION_TOKEN = "region-token-e4c58b20"
EXOTEL_API_KEY = "exotel-api-key-03bd7f"
EXOTEL_API_TOKEN = "exotel-api-token-a9e211"
SECRETS = (
    SIP_PASSWORD,
    INBOUND_PASSWORD,
    TWILIO_TOKEN,
    ACCOUNT_AUTH_TOKEN,
    REGION_TOKEN,
    EXOTEL_API_KEY,
    EXOTEL_API_TOKEN,
)

OUTBOUND_CONFIG: dict[str, Any] = {
    "address": "sip.example.com",
    "credentials": {"username": "trunk-user", "password": SIP_PASSWORD},
}
INBOUND_CONFIG: dict[str, Any] = {
    "allowed_addresses": ["203.0.113.0/24"],
    "credentials": {"username": "in-user", "password": INBOUND_PASSWORD},
}


def _forms(secret: str) -> set[str]:
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
    }


def shown_secrets(text: str) -> list[str]:
    """The secrets ``text`` shows, as they are or escaped (as JSON or Python quote them)."""
    return sorted(form for secret in SECRETS for form in _forms(secret) if form in text)


@dataclass
class EchoingServer:
    base_url: str = ""
    statuses: deque[int] = field(default_factory=deque)
    bodies: list[bytes] = field(default_factory=list)

    def answer(self, *statuses: int) -> None:
        """The statuses of the next requests with a body, in order."""
        self.statuses.extend(statuses)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if not body or not self.statuses:
            if request.method == "POST":
                return web.json_response({"phone_number_id": "phnum_created"})
            return await answer_with_number(request)
        self.bodies.append(body)
        status = self.statuses.popleft()
        text = body.decode()
        everything = (
            f"you sent {text} that is {json.loads(text)!r} to {request.method}"
            f" {request.path} with {dict(request.headers)!r}"
        )
        if status < 300:  # a number whose label is the echo
            number = twilio_number(phone_number_id=request.match_info["phone_number_id"])
            return web.json_response({**number, "label": everything}, status=status)
        detail: Any
        if status == 422:
            detail = [{"loc": ["body", text], "msg": everything, "type": text}]
        else:
            detail = {"status": text, "message": everything, "request_id": text}
        return web.json_response({"detail": detail, "echo": everything}, status=status)


@contextlib.asynccontextmanager
async def echoing_server() -> AsyncIterator[EchoingServer]:
    """An :class:`EchoingServer` on 127.0.0.1, for the block's duration."""
    server = EchoingServer()
    runner, server.base_url = await start_server(server.handle)
    try:
        yield server
    finally:
        await runner.cleanup()
