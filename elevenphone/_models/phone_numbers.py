"""Phone numbers: the update request and its SIP trunk configs, and the phone
number as the API returns it, for every provider.

A provider the schema does not list decodes into :class:`GenericPhoneNumber`
(see :mod:`elevenphone._wire`).
"""

from __future__ import annotations

from typing import Literal

import msgspec
from msgspec import UNSET, UnsetType

from ._base import RequestModel, ResponseModel, StrEnum, known, members

__all__ = [
    "PHONE_NUMBER_TYPES",
    "ExotelPhoneNumber",
    "GenericPhoneNumber",
    "GetPhoneNumberInboundSIPTrunkConfig",
    "GetPhoneNumberOutboundSIPTrunkConfig",
    "InboundSIPTrunkConfig",
    "InboundSIPTrunkInfo",
    "LivekitStack",
    "OutboundSIPTrunkConfig",
    "OutboundSIPTrunkInfo",
    "PhoneNumber",
    "PhoneNumberAgentInfo",
    "SIPMediaEncryption",
    "SIPTrunkCredentials",
    "SIPTrunkPhoneNumber",
    "SIPTrunkTransport",
    "TwilioPhoneNumber",
    "UpdatePhoneNumberRequest",
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


# --- requests ---------------------------------------------------------------


class SIPTrunkCredentials(RequestModel):
    """Digest credentials of a SIP trunk.

    ``password`` left unset keeps the stored password unchanged.
    """

    username: str
    password: str | None | UnsetType = UNSET


class InboundSIPTrunkConfig(RequestModel):
    """Inbound SIP trunk settings to apply to a number."""

    allowed_addresses: list[str] | None | UnsetType = UNSET
    allowed_numbers: list[str] | None | UnsetType = UNSET
    media_encryption: SIPMediaEncryption | UnsetType = UNSET
    credentials: SIPTrunkCredentials | None | UnsetType = UNSET
    remote_domains: list[str] | None | UnsetType = UNSET
    attributes_to_headers: dict[str, str] | UnsetType = UNSET


class OutboundSIPTrunkConfig(RequestModel):
    """Outbound SIP trunk settings to apply to a number. ``address`` is required."""

    address: str
    transport: SIPTrunkTransport | UnsetType = UNSET
    media_encryption: SIPMediaEncryption | UnsetType = UNSET
    headers: dict[str, str] | UnsetType = UNSET
    attributes_to_headers: dict[str, str] | UnsetType = UNSET
    credentials: SIPTrunkCredentials | None | UnsetType = UNSET


class UpdatePhoneNumberRequest(RequestModel):
    """The body of ``PATCH /v1/convai/phone-numbers/{phone_number_id}``.

    Every field is optional. A field left unset is not sent and the API leaves
    it unchanged; a field set to ``None`` is sent as ``null`` and the API
    clears it (``agent_id=None`` unassigns the number).
    """

    agent_id: str | None | UnsetType = UNSET
    label: str | None | UnsetType = UNSET
    inbound_trunk_config: InboundSIPTrunkConfig | None | UnsetType = UNSET
    outbound_trunk_config: OutboundSIPTrunkConfig | None | UnsetType = UNSET
    livekit_stack: LivekitStack | None | UnsetType = UNSET
    store_sip_messages: bool | None | UnsetType = UNSET
    environment: str | None | UnsetType = UNSET
    branch_id: str | None | UnsetType = UNSET


# --- response -------------------------------------------------------------


# --- responses --------------------------------------------------------------

_TRANSPORTS = members(SIPTrunkTransport)
_ENCRYPTIONS = members(SIPMediaEncryption)
_STACKS = members(LivekitStack)


class PhoneNumberAgentInfo(ResponseModel):
    """The agent assigned to a phone number."""

    agent_id: str
    agent_name: str
    environment: str | None = None
    branch_id: str | None = None


class GetPhoneNumberOutboundSIPTrunkConfig(ResponseModel):
    """Outbound SIP trunk of a number, as the API returns it (no password)."""

    address: str
    transport: str
    """A :class:`SIPTrunkTransport` member, or the string of a newer value."""
    media_encryption: str
    """A :class:`SIPMediaEncryption` member, or the string of a newer value."""
    has_auth_credentials: bool
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    attributes_to_headers: dict[str, str] = msgspec.field(default_factory=dict)
    username: str | None = None
    has_outbound_trunk: bool = False
    enabled_codecs: list[str] | None = None

    def __post_init__(self) -> None:
        self.transport = known(_TRANSPORTS, self.transport)
        self.media_encryption = known(_ENCRYPTIONS, self.media_encryption)


class GetPhoneNumberInboundSIPTrunkConfig(ResponseModel):
    """Inbound SIP trunk of a number, as the API returns it (no password)."""

    allowed_addresses: list[str]
    allowed_numbers: list[str] | None
    media_encryption: str
    """A :class:`SIPMediaEncryption` member, or the string of a newer value."""
    has_auth_credentials: bool
    username: str | None = None
    remote_domains: list[str] | None = None
    attributes_to_headers: dict[str, str] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.media_encryption = known(_ENCRYPTIONS, self.media_encryption)


OutboundSIPTrunkInfo = GetPhoneNumberOutboundSIPTrunkConfig
InboundSIPTrunkInfo = GetPhoneNumberInboundSIPTrunkConfig


class _PhoneNumberBase(ResponseModel):
    """Fields every provider's phone number has."""

    provider: str
    phone_number: str
    label: str
    phone_number_id: str
    supports_inbound: bool = True
    supports_outbound: bool = True
    assigned_agent: PhoneNumberAgentInfo | None = None


class TwilioPhoneNumber(_PhoneNumberBase, kw_only=True):
    """A phone number provided by Twilio."""

    provider: Literal["twilio"] = "twilio"


class ExotelPhoneNumber(_PhoneNumberBase, kw_only=True):
    """A phone number provided by Exotel."""

    provider: Literal["exotel"] = "exotel"


class SIPTrunkPhoneNumber(_PhoneNumberBase, kw_only=True):
    """A phone number reached over a SIP trunk."""

    provider: Literal["sip_trunk"] = "sip_trunk"
    livekit_stack: str
    """A :class:`LivekitStack` member, or the string of a newer value."""
    store_sip_messages: bool = True
    provider_config: GetPhoneNumberOutboundSIPTrunkConfig | None = None
    outbound_trunk: GetPhoneNumberOutboundSIPTrunkConfig | None = None
    inbound_trunk: GetPhoneNumberInboundSIPTrunkConfig | None = None

    def __post_init__(self) -> None:
        self.livekit_stack = known(_STACKS, self.livekit_stack)


class GenericPhoneNumber(_PhoneNumberBase, kw_only=True):
    """A phone number from a provider this version of elevenphone does not know.

    It keeps the fields every provider shares; the rest of the object is
    ignored. ``provider`` holds the provider's name as the API sent it.
    """


KnownPhoneNumber = TwilioPhoneNumber | ExotelPhoneNumber | SIPTrunkPhoneNumber
PhoneNumber = TwilioPhoneNumber | ExotelPhoneNumber | SIPTrunkPhoneNumber | GenericPhoneNumber
"""A phone number as the API returns it, told apart by ``.provider``."""

PHONE_NUMBER_TYPES: dict[str, type[KnownPhoneNumber]] = {
    "twilio": TwilioPhoneNumber,
    "exotel": ExotelPhoneNumber,
    "sip_trunk": SIPTrunkPhoneNumber,
}
"""The phone number Struct of each provider the schema lists."""
