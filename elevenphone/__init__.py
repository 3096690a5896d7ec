"""elevenphone: an async client for the ElevenLabs Conversational AI
phone-numbers API.

::

    async with ElevenPhone() as client:
        number = await client.phone_numbers.update("phnum_...", agent_id="agent_...")
"""

from msgspec import UNSET as NOT_GIVEN
from msgspec import UnsetType as NotGiven

from ._adaptive_limit import AdaptiveConcurrencyLimit
from ._bulk import BulkRun
from ._bulk_result import BulkOutcome, BulkProgress, BulkResult
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
from ._journal import Journal, PhoneNumberState
from ._models import (
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
from ._phone_numbers import PhoneNumbers, PhoneNumbersWithRawResponse
from ._response import APIResponse
from ._retry import RetryPolicy
from ._version import __version__

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
    "ConflictError",
    "ElevenPhone",
    "ElevenPhoneError",
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
    "NotFoundError",
    "NotGiven",
    "OutboundSIPTrunkConfig",
    "OutboundSIPTrunkInfo",
    "PermissionDeniedError",
    "PhoneNumber",
    "PhoneNumberAgentInfo",
    "PhoneNumberState",
    "PhoneNumbers",
    "PhoneNumbersWithRawResponse",
    "RateLimitError",
    "RetryPolicy",
    "SIPMediaEncryption",
    "SIPTrunkCredentials",
    "SIPTrunkPhoneNumber",
    "SIPTrunkTransport",
    "TwilioPhoneNumber",
    "UpdatePhoneNumberRequest",
    "ValidationError",
    "ValidationErrorItem",
    "__version__",
]
