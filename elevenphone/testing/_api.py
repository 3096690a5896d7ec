"""The API as a pure function: request parts in, an :class:`ApiResponse` out.

No sockets here (faults, latency and limits live in the server), so the API's
rules can be read, and tested, in one place. Order of checks, as on the real
service: route (404) and method (405), API key (401), body and query
validation (422), then the resources named (404 ``phone_number_not_found``),
then the rules between them (400 ``invalid_request``, 409 on import).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _pages, _validation
from ._bodies import PROVIDER_FILTER, validate_import, validate_update
from ._calls import CallLog
from ._responses import (
    ApiResponse,
    detail,
    invalid_api_key,
    invalid_request,
    not_found,
    unprocessable,
)
from ._routes import match
from ._state import PhoneNumberExists, PhoneNumberNotFound, PhoneNumberStore, UpdateRejected


@dataclass(frozen=True)
class ElevenLabsApi:
    """Answers requests against ``store`` and ``calls`` for clients holding ``api_key``."""

    store: PhoneNumberStore
    calls: CallLog
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

        ``raw_path`` is the path as sent (still percent-encoded, no query),
        ``query`` holds one value per name (the last one sent) and ``headers``
        must look names up case-insensitively.
        """
        route = match(raw_path)
        if route is None:
            return ApiResponse(404, {"detail": "Not Found"})
        if method not in route.methods:
            allow = {"Allow": ", ".join(route.methods)}
            return ApiResponse(405, {"detail": "Method Not Allowed"}, allow)
        if headers.get("xi-api-key") != self.api_key:
            return invalid_api_key()
        if route.name == "numbers_page":
            return _pages.numbers_page(self.store, query)
        if route.name == "numbers":
            return self._list(query) if method == "GET" else self._import(body, headers)
        pid = route.phone_number_id
        if route.name == "sip_messages" and pid is not None:
            return _pages.sip_messages_page(self.store, pid, query)
        if route.name == "number" and pid is not None:
            return self._number(method, pid, body, headers)
        decoded = _decode(body, headers.get("content-type"))
        if isinstance(decoded, ApiResponse):
            return decoded
        if route.name == "outbound_call" and route.provider is not None:
            return self.calls.place(self.store, route.provider, decoded)
        return self.calls.register(self.store, decoded)

    def _number(
        self, method: str, pid: str, body: bytes, headers: Mapping[str, str]
    ) -> ApiResponse:
        if method == "PATCH":
            return self._update(pid, body, headers.get("content-type"))
        try:
            if method == "DELETE":
                self.store.delete(pid)
                return ApiResponse(200, {})
            return ApiResponse(200, self.store.get(pid))
        except PhoneNumberNotFound:
            return not_found(pid)

    def _list(self, query: Mapping[str, str]) -> ApiResponse:
        errors: list[_validation.ErrorItem] = []
        provider = query.get("provider")
        if provider is not None:
            PROVIDER_FILTER(provider, ("query", "provider"), errors)
        if errors:
            return unprocessable(errors)
        found = self.store.find(
            provider=provider, agent_id=query.get("agent_id"), branch_id=query.get("branch_id")
        )
        return ApiResponse(200, found)

    def _import(self, body: bytes, headers: Mapping[str, str]) -> ApiResponse:
        decoded = _decode(body, headers.get("content-type"))
        if isinstance(decoded, ApiResponse):
            return decoded
        fields, errors = validate_import(decoded)
        if errors:
            return unprocessable(errors)
        try:
            return ApiResponse(200, {"phone_number_id": self.store.import_number(fields)})
        except PhoneNumberExists as exc:
            return detail(409, "phone_number_already_exists", str(exc))

    def _update(self, phone_number_id: str, body: bytes, content_type: str | None) -> ApiResponse:
        decoded = _decode(body, content_type)
        if isinstance(decoded, ApiResponse):
            return decoded
        fields, errors = validate_update(decoded)
        if errors:
            return unprocessable(errors)
        try:
            return ApiResponse(200, self.store.update(phone_number_id, fields))
        except PhoneNumberNotFound:
            return not_found(phone_number_id)
        except UpdateRejected as exc:
            return invalid_request(str(exc))


def _decode(body: bytes, content_type: str | None) -> Any:
    """Decode the body, or return the error answer (422 bad JSON, 400 not text)."""
    try:
        decoded, errors = _validation.decode_body(body, content_type)
    except _validation.BodyParseError as exc:
        return ApiResponse(400, {"detail": str(exc)})
    return unprocessable(errors) if errors else decoded
