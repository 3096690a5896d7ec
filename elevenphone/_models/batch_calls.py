"""Batch calling: the recipients and body of a batch, the batch as the API
reports it, with its recipients' progress, and pages of batches.

A batch submit is not idempotent (the API takes no idempotency key): the
server holds its concurrency and retries, and the client sends it once.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec
from msgspec import UNSET, UnsetType

from .._public import present_as
from ._base import RequestModel, ResponseModel, StrEnum, known, members
from ._pages import PageModel
from .calls import ConversationInitiationClientData, TelephonyCallConfig
from .phone_numbers import TelephonyProvider

__all__ = [
    "BatchCall",
    "BatchCallDetail",
    "BatchCallPage",
    "BatchCallRecipient",
    "BatchCallRecipientResult",
    "BatchCallRecipientStatus",
    "BatchCallStatus",
    "SubmitBatchCallRequest",
]

_NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class BatchCallStatus(StrEnum):
    """Where a batch is: ``completed``, ``failed`` and ``cancelled`` are final."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class BatchCallRecipientStatus(StrEnum):
    """Where one recipient of a batch is."""

    PENDING = "pending"
    DISPATCHED = "dispatched"
    INITIATED = "initiated"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    VOICEMAIL = "voicemail"


# --- requests ----------------------------------------------------------------------


class BatchCallRecipient(RequestModel):
    """One phone number a batch calls.

    Args:
        phone_number: the number to call.
        id: your own id of the recipient, reported back with its result.
        conversation_initiation_client_data: what the agent starts this
            recipient's conversation with (dynamic variables, overrides).
    """

    phone_number: _NonEmpty
    id: str | None | UnsetType = UNSET
    conversation_initiation_client_data: ConversationInitiationClientData | None | UnsetType = UNSET


class SubmitBatchCallRequest(RequestModel):
    """The body of ``POST /v1/convai/batch-calling/submit``.

    Args:
        call_name: a name for the batch.
        agent_id: the agent that makes the calls.
        recipients: the numbers to call.
        agent_phone_number_id: the phone number the calls come from.
        scheduled_time_unix: when to start, in seconds since the Unix epoch;
            left out, the batch starts at once.
        timezone: the timezone the schedule is read in.
        target_concurrency_limit: the most calls of this batch at a time;
            left out, the API takes the smaller of half the workspace's
            limit and 70% of the agent's.
        telephony_call_config: telephony settings of every call.
        branch_id: the agent branch the calls use.
        environment: the environment used to resolve the agent's variables.
    """

    call_name: _NonEmpty
    agent_id: _NonEmpty
    recipients: list[BatchCallRecipient]
    agent_phone_number_id: str | None | UnsetType = UNSET
    scheduled_time_unix: int | None | UnsetType = UNSET
    timezone: str | None | UnsetType = UNSET
    target_concurrency_limit: Annotated[int, msgspec.Meta(ge=1)] | None | UnsetType = UNSET
    telephony_call_config: TelephonyCallConfig | None | UnsetType = UNSET
    branch_id: str | None | UnsetType = UNSET
    environment: str | None | UnsetType = UNSET


# --- replies -----------------------------------------------------------------------

_BATCH_STATUSES = members(BatchCallStatus)
_RECIPIENT_STATUSES = members(BatchCallRecipientStatus)
_PROVIDERS = members(TelephonyProvider)


class BatchCall(ResponseModel):
    """A batch of calls, as the API reports it."""

    id: str
    """The ID of the batch."""
    name: str
    """The batch's name."""
    agent_id: str
    """The agent that makes the calls."""
    agent_name: str
    """The agent's name."""
    status: str
    """A :class:`BatchCallStatus` member, or the string of a newer value."""
    scheduled_time_unix: int
    """When the batch starts, in seconds since the Unix epoch."""
    created_at_unix: int
    """When the batch was submitted, in seconds since the Unix epoch."""
    last_updated_at_unix: int
    """When the batch last changed, in seconds since the Unix epoch."""
    total_calls_dispatched: int
    """How many calls have been placed."""
    total_calls_scheduled: int
    """How many calls the batch holds."""
    total_calls_finished: int
    """How many calls have ended."""
    retry_count: int
    """How many times the batch was retried."""
    phone_number_id: str | None = None
    """The phone number the calls come from."""
    phone_provider: str | None = None
    """The provider of that number: a :class:`TelephonyProvider` member, the
    string of a newer value, or None."""
    target_concurrency_limit: int | None = None
    """The most calls of this batch at a time, if the batch set it."""
    telephony_call_config: dict[str, Any] | None = None
    """Telephony settings of every call, as a mapping."""
    branch_id: str | None = None
    """The agent branch the calls use."""
    branch_name: str | None = None
    """That branch's name."""
    environment: str | None = None
    """The environment used to resolve the agent's variables."""
    timezone: str | None = None
    """The timezone the schedule is read in."""

    def __post_init__(self) -> None:
        self.status = known(_BATCH_STATUSES, self.status)
        if self.phone_provider is not None:
            self.phone_provider = known(_PROVIDERS, self.phone_provider)


class BatchCallRecipientResult(ResponseModel):
    """One recipient of a batch, and where its call is."""

    id: str
    """The ID of the recipient (yours, if you gave one)."""
    status: str
    """A :class:`BatchCallRecipientStatus` member, or the string of a newer value."""
    created_at_unix: int
    """When the recipient was added, in seconds since the Unix epoch."""
    updated_at_unix: int
    """When its status last changed, in seconds since the Unix epoch."""
    phone_number: str | None = None
    """The number called."""
    conversation_id: str | None = None
    """The conversation of the call, once there is one."""
    conversation_initiation_client_data: dict[str, Any] | None = None
    """What its conversation starts with, as a mapping."""

    def __post_init__(self) -> None:
        self.status = known(_RECIPIENT_STATUSES, self.status)


class BatchCallDetail(BatchCall, kw_only=True):
    """A batch with each of its recipients (``GET /v1/convai/batch-calling/{batch_id}``)."""

    recipients: list[BatchCallRecipientResult]
    """Each recipient, and where its call is."""


class BatchCallPage(PageModel[BatchCall], kw_only=True):
    """One page of a workspace's batches (``GET /v1/convai/batch-calling/workspace``).

    This API pages with ``last_doc``/``next_doc``, not cursors.
    ``await page.next_page()`` fetches the next page (None after the last);
    ``async for batch in page`` takes this page's batches.
    """

    items_field: ClassVar[str] = "batch_calls"
    cursor_field: ClassVar[str] = "next_doc"

    batch_calls: list[BatchCall]
    """The batches of this page."""
    next_doc: str | None = None
    """Pass it as ``last_doc`` for the next page; None on the last page."""


# This module loads on first use, after elevenphone has presented the names it
# loads at once: its public classes name elevenphone as their module here.
present_as("elevenphone", globals(), __all__)
