"""The API's request and response objects, as msgspec Structs.

Names follow the OpenAPI schema in the API reference, without its
``RequestModel``/``ResponseModel`` suffixes.

Request Structs default every optional field to :data:`msgspec.UNSET`
("not given"), which is never encoded: only the fields a caller set go on the
wire, and ``None`` is sent as ``null`` (the API clears the field).

Response Structs ignore fields they do not know, so a growing API does not
break old clients. A provider the schema does not list decodes into
:class:`GenericPhoneNumber` (see :mod:`elevenphone._wire`).
"""

from __future__ import annotations

import enum
from typing import Literal

import msgspec
from msgspec import UNSET, UnsetType

__all__ = [
    "KNOWN_PROVIDERS",
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


class _StrEnum(str, enum.Enum):
    """A str enum whose ``str()`` is its value, on every supported Python."""

    def __str__(self) -> str:
        return str(self.value)


class SIPMediaEncryption(_StrEnum):
    """Whether media (the data layer) of a SIP trunk is encrypted."""

    DISABLED = "disabled"
    ALLOWED = "allowed"
    REQUIRED = "required"


class SIPTrunkTransport(_StrEnum):
    """The protocol used for SIP signalling."""

    AUTO = "auto"
    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class LivekitStack(_StrEnum):
    """The LiveKit stack that serves a SIP trunk number."""

    STANDARD = "standard"
    STATIC = "static"


# --- request --------------------------------------------------------------


class _Request(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request Structs: unknown keys are refused, UNSET is omitted."""


class SIPTrunkCredentials(_Request):
    """Digest credentials of a SIP trunk.

    ``password`` left unset keeps the stored password unchanged.
    """

    username: str
    password: str | None | UnsetType = UNSET


class InboundSIPTrunkConfig(_Request):
    """Inbound SIP trunk settings to apply to a number."""

    allowed_addresses: list[str] | None | UnsetType = UNSET
    allowed_numbers: list[str] | None | UnsetType = UNSET
    media_encryption: SIPMediaEncryption | UnsetType = UNSET
    credentials: SIPTrunkCredentials | None | UnsetType = UNSET
    remote_domains: list[str] | None | UnsetType = UNSET
    attributes_to_headers: dict[str, str] | UnsetType = UNSET


class OutboundSIPTrunkConfig(_Request):
    """Outbound SIP trunk settings to apply to a number. ``address`` is required."""

    address: str
    transport: SIPTrunkTransport | UnsetType = UNSET
    media_encryption: SIPMediaEncryption | UnsetType = UNSET
    headers: dict[str, str] | UnsetType = UNSET
    attributes_to_headers: dict[str, str] | UnsetType = UNSET
    credentials: SIPTrunkCredentials | None | UnsetType = UNSET


class UpdatePhoneNumberRequest(_Request):
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


UPDATE_FIELDS: tuple[str, ...] = UpdatePhoneNumberRequest.__struct_fields__


# --- response -------------------------------------------------------------


class _Response(msgspec.Struct, kw_only=True):
    """Base of response Structs: unknown fields are ignored when decoding."""


def _members(enum_type: type[_StrEnum]) -> dict[str, str]:
    return {member.value: member for member in enum_type}


_TRANSPORTS = _members(SIPTrunkTransport)
_ENCRYPTIONS = _members(SIPMediaEncryption)
_STACKS = _members(LivekitStack)


def _known(members: dict[str, str], value: str) -> str:
    """The enum member for a value the schema lists; any other string as is.

    Response enums stay open, like the provider tag: a value added to the API
    after this release decodes as a plain str instead of failing the reply.
    Members are strs too, so the field is typed ``str``. (A dict lookup: this
    runs for every enum field of every reply.)
    """
    return members.get(value, value)


class PhoneNumberAgentInfo(_Response):
    """The agent assigned to a phone number."""

    agent_id: str
    agent_name: str
    environment: str | None = None
    branch_id: str | None = None


class GetPhoneNumberOutboundSIPTrunkConfig(_Response):
    """Outbound SIP trunk of a number, as the API returns it (no password)."""

    address: str
    transport: str
    """A :class:`SIPTrunkTransport` member, or the string of a newer value."""
    media_encryption: str
    """A :class:`SIPMediaEncryption` member, or the string of a newer value."""
    has_auth_credentials: bool
    headers: dict[str, str] = {}
    attributes_to_headers: dict[str, str] = {}
    username: str | None = None
    has_outbound_trunk: bool = False
    enabled_codecs: list[str] | None = None

    def __post_init__(self) -> None:
        self.transport = _known(_TRANSPORTS, self.transport)
        self.media_encryption = _known(_ENCRYPTIONS, self.media_encryption)


class GetPhoneNumberInboundSIPTrunkConfig(_Response):
    """Inbound SIP trunk of a number, as the API returns it (no password)."""

    allowed_addresses: list[str]
    allowed_numbers: list[str] | None
    media_encryption: str
    """A :class:`SIPMediaEncryption` member, or the string of a newer value."""
    has_auth_credentials: bool
    username: str | None = None
    remote_domains: list[str] | None = None
    attributes_to_headers: dict[str, str] = {}

    def __post_init__(self) -> None:
        self.media_encryption = _known(_ENCRYPTIONS, self.media_encryption)


OutboundSIPTrunkInfo = GetPhoneNumberOutboundSIPTrunkConfig
InboundSIPTrunkInfo = GetPhoneNumberInboundSIPTrunkConfig


class _PhoneNumberBase(_Response):
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
        self.livekit_stack = _known(_STACKS, self.livekit_stack)


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

KNOWN_PROVIDERS: frozenset[str] = frozenset(PHONE_NUMBER_TYPES)
