"""The phone-numbers API as a pure function: request parts in, status and JSON out.

No sockets here (faults, latency and concurrency live in the server), so the
API's rules can be read, and tested, in one place. Order of checks, as on the
real service: route (404/405), API key (401), body and query validation (422),
then the phone number itself (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from . import _validation
from ._state import PhoneNumberNotFound, PhoneNumberStore, UpdateRejected

COLLECTION_PATH = "/v1/convai/phone-numbers"


@dataclass(frozen=True)
class ApiResponse:
    """What the API answers: a status, a JSON-able body and extra headers."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


def _detail(status: int, code: str, message: str) -> ApiResponse:
    return ApiResponse(status, {"detail": {"status": code, "message": message}})


def invalid_api_key() -> ApiResponse:
    """The 401 answer for a wrong or missing ``xi-api-key``."""
    return _detail(401, "invalid_api_key", "Invalid API key")


def concurrency_limited(current: int, maximum: int) -> ApiResponse:
    """The 429 answer for a request beyond the concurrency limit."""
    detail = {
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
    return ApiResponse(429, {"detail": detail}, headers)


def _not_found(phone_number_id: str) -> ApiResponse:
    return _detail(
        404, "phone_number_not_found", f"Phone number with id {phone_number_id} not found"
    )


def _unprocessable(errors: list[_validation.ErrorItem]) -> ApiResponse:
    return ApiResponse(422, {"detail": errors})


@dataclass(frozen=True)
class PhoneNumbersApi:
    """Answers requests against ``store`` for clients holding ``api_key``."""

    store: PhoneNumberStore
    api_key: str

    def handle(
        self,
        method: str,
        raw_path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> ApiResponse:
        """Answer one request.

        ``raw_path`` is the path as sent (still percent-encoded, no query) and
        ``headers`` must look names up case-insensitively.
        """
        route = _route(raw_path)
        if route is None:
            return ApiResponse(404, {"detail": "Not Found"})
        allowed = ("GET", "POST") if route == "" else ("GET", "PATCH", "DELETE")
        if method not in allowed:
            return ApiResponse(405, {"detail": "Method Not Allowed"}, {"Allow": ", ".join(allowed)})
        if headers.get("xi-api-key") != self.api_key:
            return invalid_api_key()
        if route == "":
            if method == "GET":
                return self._list(query)
            return self._import(body, headers.get("content-type"))
        phone_number_id = route
        if method == "PATCH":
            return self._update(phone_number_id, body, headers.get("content-type"))
        try:
            if method == "DELETE":
                self.store.delete(phone_number_id)
                return ApiResponse(200, {})
            return ApiResponse(200, self.store.get(phone_number_id))
        except PhoneNumberNotFound:
            return _not_found(phone_number_id)

    def _list(self, query: Mapping[str, str]) -> ApiResponse:
        errors: list[_validation.ErrorItem] = []
        provider = query.get("provider")
        if provider is not None:
            _validation.PROVIDER_FILTER(provider, ("query", "provider"), errors)
        if errors:
            return _unprocessable(errors)
        found = self.store.list(
            provider=provider, agent_id=query.get("agent_id"), branch_id=query.get("branch_id")
        )
        return ApiResponse(200, found)

    def _import(self, body: bytes, content_type: str | None) -> ApiResponse:
        decoded = _decode(body, content_type)
        if isinstance(decoded, ApiResponse):
            return decoded
        fields, errors = _validation.validate_import(decoded)
        if errors:
            return _unprocessable(errors)
        return ApiResponse(200, {"phone_number_id": self.store.import_number(fields)})

    def _update(self, phone_number_id: str, body: bytes, content_type: str | None) -> ApiResponse:
        decoded = _decode(body, content_type)
        if isinstance(decoded, ApiResponse):
            return decoded
        fields, errors = _validation.validate_update(decoded)
        if errors:
            return _unprocessable(errors)
        try:
            return ApiResponse(200, self.store.update(phone_number_id, fields))
        except PhoneNumberNotFound:
            return _not_found(phone_number_id)
        except UpdateRejected as exc:
            return _detail(400, "invalid_request", str(exc))


def _decode(body: bytes, content_type: str | None) -> Any:
    """Decode the body, or return the error answer (422 bad JSON, 400 not text)."""
    try:
        decoded, errors = _validation.decode_body(body, content_type)
    except _validation.BodyParseError as exc:
        return ApiResponse(400, {"detail": str(exc)})
    return _unprocessable(errors) if errors else decoded


def _route(raw_path: str) -> str | None:
    """Return ``""`` for the collection, the decoded ID for one number, else ``None``.

    The ID is decoded from a single raw path segment, so ``%2F`` or ``%2E%2E``
    become part of the ID and can never reach another resource.
    """
    if raw_path in (COLLECTION_PATH, COLLECTION_PATH + "/"):
        return ""
    prefix = COLLECTION_PATH + "/"
    if not raw_path.startswith(prefix):
        return None
    segment = raw_path[len(prefix) :]
    if "/" in segment:
        return None
    return unquote(segment, errors="replace")
