"""The local API the end-to-end benchmarks call: aiohttp, on 127.0.0.1 only.

``python -m bench.server`` binds a free port, prints ``READY <port>`` and serves
``PATCH /v1/convai/phone-numbers/{id}`` until it is terminated. The reply is
the whole number, as the API answers, about the number of the path (a client
checks that a reply is about the number it asked for): the body is encoded
once, around the id, so the server spends as little CPU per call as it can.
The clients, in other processes, are what is measured.

``GET /v1/convai/phone-numbers/{id}`` answers with a chunked reply of
:data:`HUGE_REPLY_BYTES` (300 MiB), for the benchmark of the client's size cap
(:mod:`bench.big_reply`), or less if the client hangs up first.

``GET /v1/convai/agents/{id}`` answers with that agent, not archived: a bulk
run checks the agent its updates assign once, before the first of them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket

from aiohttp import web

from bench.fixtures import PHONE_NUMBER_ID, REPLY_BODIES

HOST = "127.0.0.1"
HUGE_REPLY_BYTES = 300 * 2**20


def make_app(provider: str) -> web.Application:
    """An app whose update route reads the body and sends ``provider``'s reply."""
    before, _, after = REPLY_BODIES[provider].partition(PHONE_NUMBER_ID.encode())

    async def update(request: web.Request) -> web.Response:
        if not request.headers.get("xi-api-key"):
            return web.json_response({"detail": "missing xi-api-key"}, status=401)
        await request.read()
        body = before + request.match_info["phone_number_id"].encode() + after
        return web.Response(body=body, content_type="application/json")

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_type = "application/json"
        await response.prepare(request)
        chunk = b"0," * 32768
        with contextlib.suppress(ConnectionError, RuntimeError):
            for _ in range(HUGE_REPLY_BYTES // len(chunk)):
                await response.write(chunk)
        return response

    async def agent(request: web.Request) -> web.Response:
        return web.json_response({"agent_id": request.match_info["agent_id"], "name": "Bench"})

    app = web.Application()
    app.router.add_get("/v1/convai/agents/{agent_id}", agent)
    app.router.add_patch("/v1/convai/phone-numbers/{phone_number_id}", update)
    app.router.add_get("/v1/convai/phone-numbers/{phone_number_id}", huge)
    return app


async def serve(provider: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    runner = web.AppRunner(make_app(provider), access_log=None, handle_signals=True)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=1024).start()
    print(f"READY {sock.getsockname()[1]}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--provider", default="twilio", choices=sorted(REPLY_BODIES))
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.provider))


if __name__ == "__main__":
    main()
