"""The API's request and response objects, as msgspec Structs: one module per
resource family, the shared bases in :mod:`._base`."""

from .phone_numbers import (
    PHONE_NUMBER_TYPES,
    ExotelPhoneNumber,
    GenericPhoneNumber,
    GetPhoneNumberInboundSIPTrunkConfig,
    GetPhoneNumberOutboundSIPTrunkConfig,
    InboundSIPTrunkConfig,
    InboundSIPTrunkInfo,
    LivekitStack,
    OutboundSIPTrunkConfig,
    OutboundSIPTrunkInfo,
    PhoneNumber,
    PhoneNumberAgentInfo,
    SIPMediaEncryption,
    SIPTrunkCredentials,
    SIPTrunkPhoneNumber,
    SIPTrunkTransport,
    TwilioPhoneNumber,
    UpdatePhoneNumberRequest,
)

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
