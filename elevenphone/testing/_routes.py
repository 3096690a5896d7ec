"""The fake's routes: which paths exist, which methods they take, their path parameters.

Pure string work on the raw (still percent-encoded) path, so that an encoded
``/`` or ``..`` inside an ID can never reach another resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

NUMBERS_PATH = "/v1/convai/phone-numbers"
NUMBERS_PAGE_PATH = "/v1/convai/v2/phone-numbers"
AGENTS_PATH = "/v1/convai/agents"
CONVERSATIONS_PATH = "/v1/convai/conversations"
BATCH_CALLING_PATH = "/v1/convai/batch-calling"


@dataclass(frozen=True)
class Route:
    """A matched route.

    Attributes:
        name: ``numbers``, ``number``, ``sip_messages``, ``numbers_page``,
            ``outbound_call``, ``register_call``, ``agents``, ``agent``,
            ``agent_branch``, ``conversations``, ``conversation``,
            ``conversation_sip_messages``, ``batch_submit``, ``batches``,
            ``batch``, ``batch_cancel``, ``batch_retry`` or ``batch_export``.
        methods: the methods it accepts (anything else is 405).
        phone_number_id: the decoded ID of ``number`` and ``sip_messages``.
        provider: the telephony provider of ``outbound_call``.
        ids: the decoded IDs in the path, in order (the agent and branch of
            ``agent_branch``, the conversation, the batch...).
    """

    name: str
    methods: tuple[str, ...]
    phone_number_id: str | None = None
    provider: str | None = None
    ids: tuple[str, ...] = ()


_STATIC = {
    NUMBERS_PATH: Route("numbers", ("GET", "POST")),
    # The collection as it has always been served, slash or not.
    NUMBERS_PATH + "/": Route("numbers", ("GET", "POST")),
    NUMBERS_PAGE_PATH: Route("numbers_page", ("GET",)),
    "/v1/convai/twilio/outbound-call": Route("outbound_call", ("POST",), provider="twilio"),
    "/v1/convai/sip-trunk/outbound-call": Route("outbound_call", ("POST",), provider="sip_trunk"),
    "/v1/convai/exotel/outbound-call": Route("outbound_call", ("POST",), provider="exotel"),
    "/v1/convai/twilio/register-call": Route("register_call", ("POST",)),
    AGENTS_PATH: Route("agents", ("GET",)),
    CONVERSATIONS_PATH: Route("conversations", ("GET",)),
    # Matched before "{batch_id}": these two names are never a batch's ID.
    BATCH_CALLING_PATH + "/submit": Route("batch_submit", ("POST",)),
    BATCH_CALLING_PATH + "/workspace": Route("batches", ("GET",)),
}

#: The path of each provider's outbound-call endpoint.
OUTBOUND_CALL_PATHS = {
    route.provider: path for path, route in _STATIC.items() if route.name == "outbound_call"
}

_ID = None  # a path segment that is an ID
#: Under each prefix: the segments after its first ID (``_ID`` for another
#: ID), and the route they make with its methods.
_NESTED: dict[str, dict[tuple[str | None, ...], tuple[str, tuple[str, ...]]]] = {
    NUMBERS_PATH + "/": {
        (): ("number", ("GET", "PATCH", "DELETE")),
        ("sip-messages",): ("sip_messages", ("GET",)),
    },
    AGENTS_PATH + "/": {
        (): ("agent", ("GET",)),
        ("branches", _ID): ("agent_branch", ("GET",)),
    },
    CONVERSATIONS_PATH + "/": {
        (): ("conversation", ("GET",)),
        ("sip-messages",): ("conversation_sip_messages", ("GET",)),
    },
    BATCH_CALLING_PATH + "/": {
        (): ("batch", ("GET", "DELETE")),
        ("cancel",): ("batch_cancel", ("POST",)),
        ("retry",): ("batch_retry", ("POST",)),
        ("export",): ("batch_export", ("GET",)),
    },
}


def match(raw_path: str) -> Route | None:
    """Return the route of ``raw_path`` (no query string), or ``None`` (404).

    Each ID is decoded from a single raw path segment, so ``%2F`` or
    ``%2E%2E`` become part of the ID. An empty ID segment matches nothing,
    except a phone number's, as it always has.
    """
    static = _STATIC.get(raw_path)
    if static is not None:
        return static
    for prefix, shapes in _NESTED.items():
        if raw_path.startswith(prefix):
            return _nested(raw_path[len(prefix) :].split("/"), shapes, prefix)
    return None


def _nested(
    segments: list[str],
    shapes: dict[tuple[str | None, ...], tuple[str, tuple[str, ...]]],
    prefix: str,
) -> Route | None:
    ids = [segments[0]]
    for shape, (name, methods) in shapes.items():
        rest = segments[1:]
        if len(rest) != len(shape):
            continue
        if all(part is _ID or part == given for part, given in zip(shape, rest, strict=True)):
            ids += [given for part, given in zip(shape, rest, strict=True) if part is _ID]
            if prefix != NUMBERS_PATH + "/" and not all(ids):
                return None
            decoded = tuple(unquote(segment, errors="replace") for segment in ids)
            if prefix == NUMBERS_PATH + "/":
                return Route(name, methods, phone_number_id=decoded[0], ids=decoded)
            return Route(name, methods, ids=decoded)
    return None
