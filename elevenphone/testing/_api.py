"""The API as a pure function: request parts in, an :class:`ApiResponse` out.

No sockets here (faults, latency, limits and the calls' progress live in the
server), so the API's rules can be read, and tested, in one place. Order of
checks, as on the real service: route (404) and method (405), API key (401),
body and query validation (422), then the resources named (404
``phone_number_not_found``, ``agent_not_found``...), then the rules between
them (400 ``invalid_request``, 409 on import).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _agents, _pages, _validation
from ._batches import BatchStore
from ._bodies import PROVIDER_FILTER, validate_import, validate_update
from ._calls import CallLog
from ._conversations import ConversationStore
from ._responses import (
    ApiResponse,
    detail,
    invalid_api_key,
    invalid_request,
    not_found,
    unprocessable,
)
from ._routes import Route, match
from ._state import PhoneNumberExists, PhoneNumberNotFound, PhoneNumberStore, UpdateRejected


@dataclass(frozen=True)
class ElevenLabsApi:
    """Answers requests against the fake's state for clients holding ``api_key``."""

    store: PhoneNumberStore
    calls: CallLog
    conversations: ConversationStore
    batches: BatchStore
    api_key: str

    def handle(
        self,
        method: str,
        raw_path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        repeated: Mapping[str, Sequence[str]] | None = None,
    ) -> ApiResponse:
        """Answer one request.

        ``raw_path`` is the path as sent (still percent-encoded, no query),
        ``query`` holds one value per name (the last one sent), ``repeated``
        every value of each name (for list parameters such as
        ``phone_number_ids``) and ``headers`` must look names up
        case-insensitively.
        """
        route = match(raw_path)
        if route is None:
            return ApiResponse(404, {"detail": "Not Found"})
        if method not in route.methods:
            allow = {"Allow": ", ".join(route.methods)}
            return ApiResponse(405, {"detail": "Method Not Allowed"}, allow)
        if headers.get("xi-api-key") != self.api_key:
            return invalid_api_key()
        lifecycle = self._lifecycle(route, method, query, headers, body, repeated or {})
        if lifecycle is not None:
            return lifecycle
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

    def _lifecycle(
        self,
        route: Route,
        method: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        repeated: Mapping[str, Sequence[str]],
    ) -> ApiResponse | None:
        """Answer a request to the agents, conversations or batch calling; None for others."""
        name, ids = route.name, route.ids
        store, conversations, batches = self.store, self.conversations, self.batches
        if name == "agents":
            now = conversations.clock()
            return _agents.agents_page(
                store.agent_registry, conversations.call_starts(), query, now
            )
        if name == "agent":
            return _agents.get_agent(store.agent_registry, store.numbers, ids[0], query)
        if name == "agent_branch":
            return _agents.get_branch(store.agent_registry, ids[0], ids[1])
        if name == "conversations":
            return conversations.page(query, repeated.get("phone_number_ids", ()))
        if name == "conversation":
            return conversations.get(ids[0])
        if name == "conversation_sip_messages":
            return conversations.sip_messages(ids[0], query, store.sip_messages)
        if name == "batches":
            return batches.page(query)
        if name == "batch":
            return batches.get(ids[0]) if method == "GET" else batches.delete(ids[0])
        if name == "batch_cancel":
            return batches.cancel(ids[0])
        if name == "batch_retry":
            return batches.retry(ids[0])
        if name == "batch_export":
            return batches.export(ids[0], query)
        if name != "batch_submit":
            return None
        decoded = _decode(body, headers.get("content-type"))
        if isinstance(decoded, ApiResponse):
            return decoded
        return batches.submit(store, decoded)

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
