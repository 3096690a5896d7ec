"""elevenphone: an async client for the ElevenLabs Conversational AI
phone-numbers API.

::

    async with ElevenPhone() as client:
        number = await client.phone_numbers.update("phnum_...", agent_id="agent_...")
"""

from typing import TYPE_CHECKING, Any

from msgspec import UNSET as NOT_GIVEN
from msgspec import UnsetType as NotGiven

from ._client import REGIONS, ElevenPhone
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BulkUpdateError,
    ConflictError,
    ElevenPhoneError,
    InternalServerError,
    InvalidRequestError,
    JournalError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ValidationError,
    ValidationErrorItem,
)
from ._models import (
    CallResult,
    ConversationInitiationClientData,
    ConversationInitiationSource,
    ConversationInitiationSourceInfo,
    CreateExotelPhoneNumberRequest,
    CreatePhoneNumberRequest,
    CreatePhoneNumberResponse,
    CreateSIPTrunkPhoneNumberRequest,
    CreateTwilioPhoneNumberRequest,
    ExotelApiSubdomain,
    ExotelOutboundCallResponse,
    ExotelPhoneNumber,
    GenericPhoneNumber,
    GetPhoneNumberInboundSIPTrunkConfig,
    GetPhoneNumberOutboundSIPTrunkConfig,
    InboundSIPTrunkConfig,
    InboundSIPTrunkInfo,
    LivekitStack,
    MediaCodec,
    OutboundSIPTrunkConfig,
    OutboundSIPTrunkInfo,
    PhoneNumber,
    PhoneNumberAgentInfo,
    PhoneNumberPage,
    PhoneNumberSortBy,
    SIPMediaEncryption,
    SIPMessage,
    SIPMessageDirection,
    SIPMessagePage,
    SIPTrunkCredentials,
    SIPTrunkOutboundCallResponse,
    SIPTrunkPhoneNumber,
    SIPTrunkTransport,
    SortDirection,
    TelephonyCallConfig,
    TelephonyDirection,
    TelephonyProvider,
    TwilioAnsweredBy,
    TwilioEdgeLocation,
    TwilioMachineDetectionConfig,
    TwilioMachineDetectionMode,
    TwilioMachineDetectionRule,
    TwilioOutboundCallResponse,
    TwilioPhoneNumber,
    TwilioRegionConfig,
    TwilioRegionId,
    UpdatePhoneNumberRequest,
)
from ._public import present_as as _present_as
from ._response import APIResponse
from ._retry import RetryPolicy
from ._version import __version__
from .resources.calls import Calls, CallsWithRawResponse
from .resources.phone_numbers import PhoneNumbers, PhoneNumbersWithRawResponse

if TYPE_CHECKING:
    from .bulk import (
        AdaptiveConcurrencyLimit,
        BulkOutcome,
        BulkProgress,
        BulkResult,
        BulkRun,
        Journal,
        PhoneNumberState,
    )

_BULK_NAMES = frozenset(
    {
        "AdaptiveConcurrencyLimit",
        "BulkOutcome",
        "BulkProgress",
        "BulkResult",
        "BulkRun",
        "Journal",
        "PhoneNumberState",
    }
)


def __getattr__(name: str) -> Any:
    # The names of bulk runs load on first use: most programs never start
    # one, and the bulk package is over a third of what importing
    # elevenphone costs.
    if name in _BULK_NAMES:
        from . import bulk

        value = getattr(bulk, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _BULK_NAMES)


__all__ = [
    "NOT_GIVEN",
    "REGIONS",
    "APIConnectionError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AdaptiveConcurrencyLimit",
    "AuthenticationError",
    "BadRequestError",
    "BulkOutcome",
    "BulkProgress",
    "BulkResult",
    "BulkRun",
    "BulkUpdateError",
    "CallResult",
    "Calls",
    "CallsWithRawResponse",
    "ConflictError",
    "ConversationInitiationClientData",
    "ConversationInitiationSource",
    "ConversationInitiationSourceInfo",
    "CreateExotelPhoneNumberRequest",
    "CreatePhoneNumberRequest",
    "CreatePhoneNumberResponse",
    "CreateSIPTrunkPhoneNumberRequest",
    "CreateTwilioPhoneNumberRequest",
    "ElevenPhone",
    "ElevenPhoneError",
    "ExotelApiSubdomain",
    "ExotelOutboundCallResponse",
    "ExotelPhoneNumber",
    "GenericPhoneNumber",
    "GetPhoneNumberInboundSIPTrunkConfig",
    "GetPhoneNumberOutboundSIPTrunkConfig",
    "InboundSIPTrunkConfig",
    "InboundSIPTrunkInfo",
    "InternalServerError",
    "InvalidRequestError",
    "Journal",
    "JournalError",
    "LivekitStack",
    "MediaCodec",
    "NotFoundError",
    "NotGiven",
    "OutboundSIPTrunkConfig",
    "OutboundSIPTrunkInfo",
    "PermissionDeniedError",
    "PhoneNumber",
    "PhoneNumberAgentInfo",
    "PhoneNumberPage",
    "PhoneNumberSortBy",
    "PhoneNumberState",
    "PhoneNumbers",
    "PhoneNumbersWithRawResponse",
    "RateLimitError",
    "RetryPolicy",
    "SIPMediaEncryption",
    "SIPMessage",
    "SIPMessageDirection",
    "SIPMessagePage",
    "SIPTrunkCredentials",
    "SIPTrunkOutboundCallResponse",
    "SIPTrunkPhoneNumber",
    "SIPTrunkTransport",
    "SortDirection",
    "TelephonyCallConfig",
    "TelephonyDirection",
    "TelephonyProvider",
    "TwilioAnsweredBy",
    "TwilioEdgeLocation",
    "TwilioMachineDetectionConfig",
    "TwilioMachineDetectionMode",
    "TwilioMachineDetectionRule",
    "TwilioOutboundCallResponse",
    "TwilioPhoneNumber",
    "TwilioRegionConfig",
    "TwilioRegionId",
    "UpdatePhoneNumberRequest",
    "ValidationError",
    "ValidationErrorItem",
    "__version__",
]

# Tracebacks and reprs name elevenphone.X, not the private module defining X.
# The bulk names do the same when their package loads.
_present_as(__name__, globals(), __all__)
