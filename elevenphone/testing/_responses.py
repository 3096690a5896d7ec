"""The answers of the API as values: :class:`ApiResponse` and the error bodies.

Pure: the server turns an ``ApiResponse`` into bytes on the wire. Error bodies
follow the API: ``{"detail": {"status": ..., "message": ...}}`` for errors the
service raises, ``{"detail": [...]}`` for 422s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._validation import ErrorItem

JSON = "application/json"


@dataclass(frozen=True)
class ApiResponse:
    """What the API answers: a status, a body and extra headers.

    ``body`` is JSON-able when ``media_type`` is JSON, and text otherwise;
    ``None`` sends no body at all (a 204).
    """

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    media_type: str = JSON


def detail(status: int, code: str, message: str) -> ApiResponse:
    """An error the service raises: ``{"detail": {"status": code, "message": message}}``."""
    return ApiResponse(status, {"detail": {"status": code, "message": message}})


def invalid_api_key() -> ApiResponse:
    """The 401 answer for a wrong or missing ``xi-api-key``."""
    return detail(401, "invalid_api_key", "Invalid API key")


def not_found(phone_number_id: str) -> ApiResponse:
    """The 404 answer for a phone number ID nobody holds."""
    return detail(
        404, "phone_number_not_found", f"Phone number with id {phone_number_id} not found"
    )


def invalid_request(message: str) -> ApiResponse:
    """The 400 answer for a well-formed request that makes no sense here."""
    return detail(400, "invalid_request", message)


def unprocessable(errors: list[ErrorItem]) -> ApiResponse:
    """The 422 answer listing every validation error."""
    return ApiResponse(422, {"detail": errors})


def concurrency_limited(current: int, maximum: int) -> ApiResponse:
    """The 429 answer for a request beyond the account's concurrency limit."""
    body = {
        "status": "too_many_concurrent_requests",
        "code": "concurrent_limit_exceeded",
        "message": (
            f"Too many concurrent requests: {current} in flight, the limit is {maximum}."
            " Wait for some requests to finish."
        ),
    }
    headers = {
        "current-concurrent-requests": str(current),
        "maximum-concurrent-requests": str(maximum),
    }
    return ApiResponse(429, {"detail": body}, headers)


def rate_limited(retry_after: int | float | None = None) -> ApiResponse:
    """The 429 answer for a request beyond the rate limit, with ``Retry-After`` if given."""
    body = {
        "status": "rate_limit_exceeded",
        "code": "rate_limit_exceeded",
        "message": "You have exceeded the rate limit. Please slow down.",
    }
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return ApiResponse(429, {"detail": body}, headers)
