"""The fake's routes: which paths exist, which methods they take, their path parameter.

Pure string work on the raw (still percent-encoded) path, so that an encoded
``/`` or ``..`` inside an ID can never reach another resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

NUMBERS_PATH = "/v1/convai/phone-numbers"
NUMBERS_PAGE_PATH = "/v1/convai/v2/phone-numbers"


@dataclass(frozen=True)
class Route:
    """A matched route.

    Attributes:
        name: ``numbers``, ``number``, ``sip_messages``, ``numbers_page``,
            ``outbound_call`` or ``register_call``.
        methods: the methods it accepts (anything else is 405).
        phone_number_id: the decoded ID of ``number`` and ``sip_messages``.
        provider: the telephony provider of ``outbound_call``.
    """

    name: str
    methods: tuple[str, ...]
    phone_number_id: str | None = None
    provider: str | None = None


_STATIC = {
    NUMBERS_PATH: Route("numbers", ("GET", "POST")),
    # The collection as it has always been served, slash or not.
    NUMBERS_PATH + "/": Route("numbers", ("GET", "POST")),
    NUMBERS_PAGE_PATH: Route("numbers_page", ("GET",)),
    "/v1/convai/twilio/outbound-call": Route("outbound_call", ("POST",), provider="twilio"),
    "/v1/convai/sip-trunk/outbound-call": Route("outbound_call", ("POST",), provider="sip_trunk"),
    "/v1/convai/exotel/outbound-call": Route("outbound_call", ("POST",), provider="exotel"),
    "/v1/convai/twilio/register-call": Route("register_call", ("POST",)),
}

#: The path of each provider's outbound-call endpoint.
OUTBOUND_CALL_PATHS = {
    route.provider: path for path, route in _STATIC.items() if route.name == "outbound_call"
}


def match(raw_path: str) -> Route | None:
    """Return the route of ``raw_path`` (no query string), or ``None`` (404).

    A phone number ID is decoded from a single raw path segment, so ``%2F`` or
    ``%2E%2E`` become part of the ID.
    """
    static = _STATIC.get(raw_path)
    if static is not None:
        return static
    prefix = NUMBERS_PATH + "/"
    if not raw_path.startswith(prefix):
        return None
    segments = raw_path[len(prefix) :].split("/")
    phone_number_id = unquote(segments[0], errors="replace")
    if len(segments) == 1:
        return Route("number", ("GET", "PATCH", "DELETE"), phone_number_id)
    if len(segments) == 2 and segments[1] == "sip-messages":
        return Route("sip_messages", ("GET",), phone_number_id)
    return None
