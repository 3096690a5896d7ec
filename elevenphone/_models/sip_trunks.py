"""SIP trunks: the trunk settings a number is imported or updated with (the
password among them), the settings as the API returns them (never the
password), and the SIP messages it logged."""

from __future__ import annotations

from typing import ClassVar

import msgspec
from msgspec import UNSET, UnsetType

from ._base import RequestModel, ResponseModel, StrEnum, known, members
from ._pages import PageModel

__all__ = [
    "GetPhoneNumberInboundSIPTrunkConfig",
    "GetPhoneNumberOutboundSIPTrunkConfig",
    "InboundSIPTrunkConfig",
    "InboundSIPTrunkInfo",
    "LivekitStack",
    "MediaCodec",
    "OutboundSIPTrunkConfig",
    "OutboundSIPTrunkInfo",
    "SIPMediaEncryption",
    "SIPMessage",
    "SIPMessageDirection",
    "SIPMessagePage",
    "SIPTrunkCredentials",
    "SIPTrunkTransport",
]


class SIPMediaEncryption(StrEnum):
    """Whether media (the data layer) of a SIP trunk is encrypted."""

    DISABLED = "disabled"
    ALLOWED = "allowed"
    REQUIRED = "required"


class SIPTrunkTransport(StrEnum):
    """The protocol used for SIP signalling."""

    AUTO = "auto"
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class LivekitStack(StrEnum):
    """The LiveKit stack that serves a SIP trunk number."""

    STANDARD = "standard"
    STATIC = "static"


class MediaCodec(StrEnum):
    """A codec an outbound SIP trunk offers in the SDP."""

    G722_8000 = "G722/8000"
    PCMU_8000 = "PCMU/8000"
    PCMA_8000 = "PCMA/8000"


class SIPMessageDirection(StrEnum):
    """Whether a SIP message came in or went out."""

    IN = "in"
    OUT = "out"


# --- requests ---------------------------------------------------------------


class SIPTrunkCredentials(RequestModel):
    """Digest credentials of a SIP trunk.

    Args:
        username: the SIP trunk username.
        password: the SIP trunk password; left unset, the stored password is
            kept unchanged.
    """

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"password"})

    username: str
    password: str | None | UnsetType = UNSET


class InboundSIPTrunkConfig(RequestModel):
    """Inbound SIP trunk settings to apply to a number.

    Args:
        allowed_addresses: IP addresses allowed to use the trunk, each a
            single IP or a CIDR block.
        allowed_numbers: phone numbers allowed to use the trunk.
        media_encryption: whether media (the data layer) is encrypted.
        credentials: digest credentials callers must present.
        remote_domains: domains of the remote SIP servers, used to validate
            their TLS certificates.
        attributes_to_headers: dynamic-variable names mapped to SIP header names.
    """

    allowed_addresses: list[str] | None | UnsetType = UNSET
    allowed_numbers: list[str] | None | UnsetType = UNSET
    media_encryption: SIPMediaEncryption | UnsetType = UNSET
    credentials: SIPTrunkCredentials | None | UnsetType = UNSET
    remote_domains: list[str] | None | UnsetType = UNSET
    attributes_to_headers: dict[str, str] | UnsetType = UNSET


class OutboundSIPTrunkConfig(RequestModel):
    """Outbound SIP trunk settings to apply to a number. ``address`` is required,
    on an update too.

    Args:
        address: the hostname or IP address the SIP INVITE is sent to.
        transport: the protocol of SIP signalling.
        media_encryption: whether media (the data layer) is encrypted.
        headers: SIP ``X-*`` headers sent as they are with the INVITE (they
            may help identify the call).
        attributes_to_headers: dynamic-variable names mapped to SIP header names.
        credentials: digest credentials for the trunk; without them, ACL
            authentication is assumed.
        enabled_codecs: the codecs offered in the SDP for outbound calls; an
            empty list offers every codec the API supports.
    """

    address: str
    transport: SIPTrunkTransport | UnsetType = UNSET
    media_encryption: SIPMediaEncryption | UnsetType = UNSET
    headers: dict[str, str] | UnsetType = UNSET
    attributes_to_headers: dict[str, str] | UnsetType = UNSET
    credentials: SIPTrunkCredentials | None | UnsetType = UNSET
    enabled_codecs: list[MediaCodec] | None | UnsetType = UNSET


_TRANSPORTS = members(SIPTrunkTransport)
_ENCRYPTIONS = members(SIPMediaEncryption)


class GetPhoneNumberOutboundSIPTrunkConfig(ResponseModel):
    """Outbound SIP trunk of a number, as the API returns it (no password)."""

    address: str
    """The hostname or IP address the SIP INVITE is sent to."""
    transport: str
    """The SIP transport: a :class:`SIPTrunkTransport` member, or the string of a newer value."""
    media_encryption: str
    """Whether media is encrypted: a :class:`SIPMediaEncryption` member, or the
    string of a newer value."""
    has_auth_credentials: bool
    """Whether credentials are configured (the password is never returned)."""
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    """SIP headers sent with the INVITE."""
    attributes_to_headers: dict[str, str] = msgspec.field(default_factory=dict)
    """Dynamic-variable names mapped to the SIP headers that carry them."""
    username: str | None = None
    """The trunk's username, when credentials are configured."""
    has_outbound_trunk: bool = False
    """Whether a LiveKit SIP outbound trunk is configured."""
    enabled_codecs: list[str] | None = None
    """The codecs offered in the SDP of outbound calls (:class:`MediaCodec`
    values); empty or None: every supported codec."""

    def __post_init__(self) -> None:
        self.transport = known(_TRANSPORTS, self.transport)
        self.media_encryption = known(_ENCRYPTIONS, self.media_encryption)


class GetPhoneNumberInboundSIPTrunkConfig(ResponseModel):
    """Inbound SIP trunk of a number, as the API returns it (no password)."""

    allowed_addresses: list[str]
    """The IP addresses (each one address or a CIDR block) allowed to use the trunk."""
    allowed_numbers: list[str] | None
    """The phone numbers allowed to use the trunk (None: any)."""
    media_encryption: str
    """Whether media is encrypted: a :class:`SIPMediaEncryption` member, or the
    string of a newer value."""
    has_auth_credentials: bool
    """Whether credentials are configured (the password is never returned)."""
    username: str | None = None
    """The trunk's username, when credentials are configured."""
    remote_domains: list[str] | None = None
    """The domains of the remote SIP servers, used to validate TLS certificates."""
    attributes_to_headers: dict[str, str] = msgspec.field(default_factory=dict)
    """Dynamic-variable names mapped to the SIP headers that carry them."""

    def __post_init__(self) -> None:
        self.media_encryption = known(_ENCRYPTIONS, self.media_encryption)


OutboundSIPTrunkInfo = GetPhoneNumberOutboundSIPTrunkConfig
InboundSIPTrunkInfo = GetPhoneNumberInboundSIPTrunkConfig


class SIPMessage(ResponseModel):
    """One SIP message of a phone number, as the API logged it."""

    call_id: str
    """The SIP Call-ID of the call the message belongs to."""
    phone_numbers: list[str]
    """The phone numbers the message concerns."""
    local_address: str
    """The address on ElevenLabs' side."""
    remote_address: str
    """The address of the other SIP endpoint."""
    transport: str
    """The SIP transport, as a free string (``udp``, ``tcp``, ``tls``, ...)."""
    raw_message: str
    """The SIP message as it went over the wire."""
    error_message: str
    """What went wrong with the message, if anything (else empty)."""
    direction: str
    """A :class:`SIPMessageDirection` member, or the string of a newer value."""
    created_at_unix_micro: int
    """When it was logged, in microseconds since the Unix epoch."""

    def __post_init__(self) -> None:
        self.direction = known(_DIRECTIONS, self.direction)


_DIRECTIONS = members(SIPMessageDirection)


class SIPMessagePage(PageModel[SIPMessage], kw_only=True):
    """One page of SIP messages; ``await page.next_page()`` fetches the next
    (None after the last)."""

    items_field: ClassVar[str] = "sip_messages"

    sip_messages: list[SIPMessage]
    """The messages of this page."""
    next_cursor: str | None = None
    """Pass it as ``cursor`` for the next page; None on the last page."""
