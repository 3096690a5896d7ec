"""An aiohttp request handler that receives webhooks: it reads the body up
to a cap, verifies it, and hands the event to your coroutine.

``aiohttp.web`` is imported when a handler is made, not with the package:
verifying a webhook needs none of it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .._exceptions import WebhookPayloadError, WebhookSignatureError
from .._logs import logger
from ._events import AnyWebhookEvent, WebhookEvent
from ._signature import DEFAULT_TOLERANCE, SIGNATURE_HEADER, _check_secret, verify

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["DEFAULT_MAX_BODY_BYTES", "aiohttp_handler"]

DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
"""The largest webhook body a handler reads by default: 64 MiB. A
``post_call_audio`` event carries the whole call as base64 MP3 (about 1.3 MB
a minute of audio), so this admits calls of well over half an hour."""


def aiohttp_handler(
    secret: str,
    on_event: Callable[[AnyWebhookEvent], Awaitable[object]],
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler that verifies each webhook and awaits ``on_event``.

    Route it yourself, e.g. ``app.router.add_post("/webhooks", handler)``. It
    answers:

    - 413 when the body is over ``max_body_bytes`` (by its Content-Length,
      or while reading it, chunked bodies included);
    - 401 when the signature is refused (see :func:`verify`);
    - 400 when the body is not an event;
    - 500 when ``on_event`` raises: the error is logged to the
      ``elevenphone`` logger with the event's type and conversation id
      (never the body or the secret), and the server goes on;
    - 200 once ``on_event`` returns.

    ``on_event`` is never called for a refused request. The API sends each
    event once and disables endpoints that keep failing: answer quickly, and
    hand long work to a task of your own.

    Args:
        secret: the webhook secret.
        on_event: the coroutine function given each verified event.
        max_body_bytes: the largest body read, in bytes.
        tolerance: how many seconds a signature's timestamp may be away from now.

    Returns:
        The request handler.

    Raises:
        ValueError: the secret is empty, ``max_body_bytes`` is below 1 or
            ``tolerance`` is negative.
    """
    from aiohttp import web

    _check_secret(secret)
    if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
        raise ValueError(f"max_body_bytes must be an int, not {type(max_body_bytes).__name__}")
    if max_body_bytes < 1:
        raise ValueError(f"max_body_bytes must be >= 1, not {max_body_bytes}")
    if tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, not {tolerance!r}")

    async def handler(request: web.Request) -> web.Response:
        body = await _read_at_most(request, max_body_bytes)
        if body is None:
            response = web.Response(status=413, text=f"the body is over {max_body_bytes} bytes")
            response.force_close()  # the rest of the body is not wanted on this connection
            return response
        try:
            event = verify(body, request.headers.get(SIGNATURE_HEADER), secret, tolerance=tolerance)
        except WebhookSignatureError as exc:
            return web.Response(status=401, text=exc.message)
        except WebhookPayloadError as exc:
            return web.Response(status=400, text=exc.message)
        try:
            await on_event(event)
        except Exception:
            logger.exception(
                "the webhook handler failed on a %s event (conversation %s)",
                event.type,
                _conversation_id(event),
            )
            return web.Response(status=500, text="the event handler failed")
        return web.Response(status=200)

    return handler


async def _read_at_most(request: web.Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to be over ``limit``."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _conversation_id(event: AnyWebhookEvent) -> str | None:
    if isinstance(event, WebhookEvent):
        found = event.data.get("conversation_id")
        return found if isinstance(found, str) else None
    return event.data.conversation_id
