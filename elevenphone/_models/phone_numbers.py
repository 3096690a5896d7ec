"""Phone numbers: the import and update requests, the phone number as the API
returns it for every provider, and pages of numbers. SIP trunk settings and
SIP messages are :mod:`.sip_trunks`'.

A provider the schema does not list decodes into :class:`GenericPhoneNumber`
(see :mod:`elevenphone._wire`).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from msgspec import UNSET, UnsetType

from ._base import RequestModel, ResponseModel, StrEnum, known, members
from ._pages import PageModel
from .sip_trunks import (
    GetPhoneNumberInboundSIPTrunkConfig,
    GetPhoneNumberOutboundSIPTrunkConfig,
    InboundSIPTrunkConfig,
    LivekitStack,
    OutboundSIPTrunkConfig,
)

__all__ = [
    "PHONE_NUMBER_TYPES",
    "CreateExotelPhoneNumberRequest",
    "CreatePhoneNumberRequest",
    "CreatePhoneNumberResponse",
    "CreateSIPTrunkPhoneNumberRequest",
    "CreateTwilioPhoneNumberRequest",
    "ExotelApiSubdomain",
    "ExotelPhoneNumber",
    "GenericPhoneNumber",
    "PhoneNumber",
    "PhoneNumberAgentInfo",
    "PhoneNumberPage",
    "PhoneNumberSortBy",
    "SIPTrunkPhoneNumber",
    "SortDirection",
    "TelephonyProvider",
    "TwilioEdgeLocation",
    "TwilioPhoneNumber",
    "TwilioRegionConfig",
    "TwilioRegionId",
    "UpdatePhoneNumberRequest",
]


class TelephonyProvider(StrEnum):
    """Who provides a phone number."""

    TWILIO = "twilio"
    SIP_TRUNK = "sip_trunk"
    EXOTEL = "exotel"


class TwilioRegionId(StrEnum):
    """A Twilio region."""

    US1 = "us1"
    IE1 = "ie1"
    AU1 = "au1"


class TwilioEdgeLocation(StrEnum):
    """A Twilio edge location."""

    ASHBURN = "ashburn"
    DUBLIN = "dublin"
    FRANKFURT = "frankfurt"
    SAO_PAULO = "sao-paulo"
    SINGAPORE = "singapore"
    SYDNEY = "sydney"
    TOKYO = "tokyo"
    UMATILLA = "umatilla"
    ROAMING = "roaming"


class ExotelApiSubdomain(StrEnum):
    """The region-specific Exotel API host."""

    API_IN_EXOTEL_COM = "api.in.exotel.com"
    API_EXOTEL_COM = "api.exotel.com"


class PhoneNumberSortBy(StrEnum):
    """What a page of phone numbers is sorted by."""

    LABEL = "label"
    PHONE_NUMBER = "phone_number"


class SortDirection(StrEnum):
    """Ascending or descending."""

    ASC = "asc"
    DESC = "desc"


class UpdatePhoneNumberRequest(RequestModel):
    """The body of ``PATCH /v1/convai/phone-numbers/{phone_number_id}``.

    Every field is optional. A field left unset is not sent and the API leaves
    it unchanged; a field set to ``None`` is sent as ``null`` and the API
    clears it (``agent_id=None`` unassigns the number).

    Args:
        agent_id: the agent to assign; ``None`` unassigns the number.
        label: the number's label.
        inbound_trunk_config: inbound SIP trunk settings (SIP trunk numbers).
        outbound_trunk_config: outbound SIP trunk settings (SIP trunk numbers).
        livekit_stack: ``standard`` or ``static`` (SIP trunk numbers).
        store_sip_messages: whether to store SIP messages (SIP trunk numbers).
        environment: the environment used to resolve the agent's variables
            on calls to this number.
        branch_id: the agent branch calls to this number use.
    """

    agent_id: str | None | UnsetType = UNSET
    label: str | None | UnsetType = UNSET
    inbound_trunk_config: InboundSIPTrunkConfig | None | UnsetType = UNSET
    outbound_trunk_config: OutboundSIPTrunkConfig | None | UnsetType = UNSET
    livekit_stack: LivekitStack | None | UnsetType = UNSET
    store_sip_messages: bool | None | UnsetType = UNSET
    environment: str | None | UnsetType = UNSET
    branch_id: str | None | UnsetType = UNSET


class TwilioRegionConfig(RequestModel):
    """A Twilio region to import a number in: its id, auth token and edge.

    Args:
        region_id: the Twilio region.
        token: the auth token for this region.
        edge_location: the Twilio edge location for this region.
    """

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"token"})

    region_id: TwilioRegionId
    token: str
    edge_location: TwilioEdgeLocation


class _CreatePhoneNumberRequest(RequestModel, tag_field="provider"):
    """What every import shares. The ``provider`` tag is set by the class.

    The docs build adds these fields' docstrings to each subclass's
    Parameters (docs/_ext/struct_signatures.py), so a subclass's ``Args:``
    names only its own fields.
    """

    phone_number: str
    """The phone number."""
    label: str
    """A label for it."""
    supports_inbound: bool | None | UnsetType = UNSET
    """Deprecated by the API."""
    supports_outbound: bool | None | UnsetType = UNSET
    """Deprecated by the API."""
    agent_id: str | None | UnsetType = UNSET
    """The agent to assign the number to."""


class CreateTwilioPhoneNumberRequest(_CreatePhoneNumberRequest, kw_only=True, tag="twilio"):
    """Import a Twilio number (``provider`` ``twilio``).

    Args:
        sid: a Twilio Account SID (``AC...``) or API Key SID (``SK...``).
        token: the secret of ``sid``: the Account Auth Token, or the API Key
            Secret.
        account_auth_token: the Account Auth Token, needed with an API Key
            SID to validate inbound webhook signatures.
        region_config: a Twilio region other than the default.
        enable_sms: route inbound SMS to ElevenLabs (on by default at the
            API; ``False`` skips SMS setup for numbers without SMS).
    """

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"token", "account_auth_token"})

    sid: str
    token: str
    account_auth_token: str | None | UnsetType = UNSET
    region_config: TwilioRegionConfig | None | UnsetType = UNSET
    enable_sms: bool | None | UnsetType = UNSET


class CreateExotelPhoneNumberRequest(_CreatePhoneNumberRequest, kw_only=True, tag="exotel"):
    """Import an Exotel number (``provider`` ``exotel``).

    Args:
        account_sid: the Exotel Account SID.
        api_key: the Exotel API key.
        api_token: the Exotel API token.
        api_subdomain: the region-specific Exotel API host.
        app_id: the Exotel applet used to connect calls.
        applet_url: a full applet URL instead of the API's default, the
            ``start_voice`` URL built from ``account_sid`` and ``app_id``.
    """

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"api_key", "api_token"})

    account_sid: str
    api_key: str
    api_token: str
    api_subdomain: ExotelApiSubdomain
    app_id: str
    applet_url: str | None | UnsetType = UNSET


class CreateSIPTrunkPhoneNumberRequest(_CreatePhoneNumberRequest, kw_only=True, tag="sip_trunk"):
    """Import a number reached over a SIP trunk (``provider`` ``sip_trunk``).

    Args:
        inbound_trunk_config: the inbound SIP trunk.
        outbound_trunk_config: the outbound SIP trunk.
    """

    inbound_trunk_config: InboundSIPTrunkConfig | None | UnsetType = UNSET
    outbound_trunk_config: OutboundSIPTrunkConfig | None | UnsetType = UNSET


CreatePhoneNumberRequest = (
    CreateTwilioPhoneNumberRequest
    | CreateExotelPhoneNumberRequest
    | CreateSIPTrunkPhoneNumberRequest
)
"""The body of ``POST /v1/convai/phone-numbers``: one request per provider."""


# --- responses --------------------------------------------------------------

_STACKS = members(LivekitStack)


class PhoneNumberAgentInfo(ResponseModel):
    """The agent assigned to a phone number."""

    agent_id: str
    """The ID of the agent."""
    agent_name: str
    """The name of the agent."""
    environment: str | None = None
    """The environment used to resolve environment variables on calls to this number."""
    branch_id: str | None = None
    """The agent branch used for calls to this number."""


class _PhoneNumberBase(ResponseModel):
    """Fields every provider's phone number has."""

    provider: str
    """The provider: ``twilio``, ``exotel``, ``sip_trunk``, or a newer one's name."""
    phone_number: str
    """The phone number itself."""
    label: str
    """The number's label."""
    phone_number_id: str
    """The ID of the phone number, which every call about it takes."""
    supports_inbound: bool = True
    """Whether the number takes inbound calls (deprecated by the API)."""
    supports_outbound: bool = True
    """Whether the number places outbound calls (deprecated by the API)."""
    assigned_agent: PhoneNumberAgentInfo | None = None
    """The agent that answers the number, None when no agent is assigned."""


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
    """The LiveKit stack the number uses: a :class:`LivekitStack` member, or
    the string of a newer value."""
    store_sip_messages: bool = True
    """Whether the number's SIP messages are stored (see ``iter_sip_messages``)."""
    provider_config: GetPhoneNumberOutboundSIPTrunkConfig | None = None
    """The outbound trunk again, under the name older replies used."""
    outbound_trunk: GetPhoneNumberOutboundSIPTrunkConfig | None = None
    """The outbound SIP trunk, if configured."""
    inbound_trunk: GetPhoneNumberInboundSIPTrunkConfig | None = None
    """The inbound SIP trunk, if configured."""

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


class CreatePhoneNumberResponse(ResponseModel):
    """The reply to an import: the new number's id."""

    phone_number_id: str
    """The ID of the imported number."""


class PhoneNumberPage(PageModel[PhoneNumber], kw_only=True):
    """One page of phone numbers (``GET /v1/convai/v2/phone-numbers``).

    ``await page.next_page()`` fetches the next page (None after the last);
    ``async for number in page`` takes this page's numbers.
    """

    items_field: ClassVar[str] = "phone_numbers"

    phone_numbers: list[PhoneNumber]
    """The numbers of this page, each as the Struct of its provider."""
    next_cursor: str | None = None
    """Pass it as ``cursor`` for the next page; None on the last page."""
