"""Writing answers to the socket: API responses, and faults that break the wire.

The aiohttp edge, beside :mod:`._server`: it turns an
:class:`~elevenphone.testing._responses.ApiResponse` into a response, and
applies a status, truncation or reset fault to the connection.
"""

from __future__ import annotations

import json
import socket
import struct

from aiohttp import web
from multidict import CIMultiDict

from ._faults import Fault, ResetFault, StatusFault, TruncateFault
from ._responses import JSON, ApiResponse


def response(answer: ApiResponse) -> web.Response:
    """The aiohttp response for ``answer``, encoded as Starlette would."""
    if answer.body is None:  # 204 No Content
        return web.Response(status=answer.status, headers=answer.headers)
    if answer.media_type == JSON:
        # Starlette's JSONResponse encoding: compact, UTF-8.
        payload = json.dumps(answer.body, ensure_ascii=False, separators=(",", ":"))
        return web.Response(
            status=answer.status, body=payload.encode(), content_type=JSON, headers=answer.headers
        )
    # Starlette adds the charset to every text/* media type.
    return web.Response(
        status=answer.status,
        text=answer.body,
        content_type=answer.media_type,
        charset="utf-8",
        headers=answer.headers,
    )


async def inject(fault: Fault, request: web.Request) -> web.StreamResponse:
    """Answer ``request`` with a status fault, or break its connection.

    Raises ``TypeError`` for a fault that is not applied to the wire.
    """
    if isinstance(fault, StatusFault):
        headers = CIMultiDict(fault.headers)
        return web.Response(status=fault.http_status, body=fault.body, headers=headers)
    transport = request.transport
    if isinstance(fault, TruncateFault):
        reply = web.StreamResponse(status=fault.http_status)
        reply.content_type = "application/json"
        reply.content_length = fault.declared_length
        reply.force_close()
        await reply.prepare(request)
        await reply.write(fault.body)
        if transport is not None:
            transport.close()  # flushes what was written, then closes
        return reply
    if not isinstance(fault, ResetFault):
        raise TypeError(f"unknown fault {fault!r}")
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0: closing sends a TCP RST, as a crashed proxy would.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    # Never sent: writing to the aborted transport fails and aiohttp drops it quietly.
    return web.Response(status=500)
