"""What the fake remembers of each request: :class:`RecordedRequest`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it.

    This is the one place where what a client sent, secrets included, can be
    read back. Each argument is the attribute of that name.

    Args:
        method: the HTTP method, upper case.
        path: the path, percent-decoded.
        raw_path: the path as sent, still percent-encoded.
        query: query parameters (the last value wins for a repeated name).
        headers: request headers, looked up case-insensitively.
        body: the raw body bytes.
        json: the body decoded as JSON, or ``None`` if empty or not JSON.
    """

    method: str
    path: str
    raw_path: str
    query: Mapping[str, str]
    headers: CIMultiDictProxy[str]
    body: bytes
    json: Any


def record(request: web.Request, body: bytes) -> RecordedRequest:
    """Return the record of ``request``, whose body ``body`` has been read."""
    return RecordedRequest(
        method=request.method,
        path=request.path,
        raw_path=request.rel_url.raw_path,
        query=dict(request.query),
        headers=CIMultiDictProxy(CIMultiDict(request.headers)),
        body=body,
        json=_decode_json(body) if body else None,
    )


def _decode_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
