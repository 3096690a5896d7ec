"""Replies of the call-lifecycle endpoints (agents, conversations, batch
calls) into Structs, and the local check of a batch's recipients.

Two replies hold a union that msgspec cannot tell apart alone, so that an
unknown member decodes generically instead of failing: an agent's phone
numbers (by ``provider``) and a conversation's phone call (by ``type``).
Their items are first decoded as :class:`msgspec.Raw`, then each by its tag.
Of an agent, only the fields :class:`Agent` keeps are decoded: its
``conversation_config`` is skipped unread, whatever it holds.

Whatever the bytes, a body that does not decode raises
:class:`APIResponseValidationError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import msgspec

from .._exceptions import APIResponseValidationError, InvalidRequestError
from .._models.agents import (
    Agent,
    AgentBranch,
    AgentCallLimits,
    AgentPage,
    AgentSummary,
)
from .._models.batch_calls import (
    BatchCall,
    BatchCallDetail,
    BatchCallPage,
    BatchCallRecipient,
)
from .._models.conversations import (
    PHONE_CALL_TYPES,
    Conversation,
    ConversationMetadata,
    ConversationPage,
    ConversationSummary,
    GenericPhoneCall,
    PhoneCall,
)
from ._shared import clip
from .replies import _decode_numbers, _has_more, decode_reply

__all__ = [
    "WireConversation",
    "check_recipients",
    "conversation_from_wire",
    "decode_agent",
    "decode_agent_branch",
    "decode_agent_page",
    "decode_batch_call",
    "decode_batch_call_detail",
    "decode_batch_call_page",
    "decode_conversation",
    "decode_conversation_page",
]

_NULL = msgspec.Raw(b"null")


# --- agents ------------------------------------------------------------------------


class _AgentMetadata(msgspec.Struct):
    created_at_unix_secs: int | None = None
    updated_at_unix_secs: int | None = None


class _PlatformSettings(msgspec.Struct):
    # Of the platform settings, only these two: the rest holds enums of its own.
    archived: bool | None = None
    call_limits: AgentCallLimits | None = None


class _WireAgent(msgspec.Struct):
    """The agent as the API sends it, reduced to what :class:`Agent` keeps."""

    agent_id: str
    name: str
    metadata: _AgentMetadata | None = None
    platform_settings: _PlatformSettings | None = None
    phone_numbers: list[msgspec.Raw] | None = None
    tags: list[str] | None = None
    branch_id: str | None = None
    main_branch_id: str | None = None
    version_id: str | None = None


class _WireAgentPage(msgspec.Struct):
    agents: list[AgentSummary]
    next_cursor: str | None = None
    has_more: bool | None = None


_agent_decoder = msgspec.json.Decoder(_WireAgent)
_agent_page_decoder = msgspec.json.Decoder(_WireAgentPage)
_agent_branch_decoder = msgspec.json.Decoder(AgentBranch)


def decode_agent(body: bytes, status_code: int = 200) -> Agent:
    """Decode an agent, skipping its conversation config and every field
    :class:`Agent` does not keep.

    Raises:
        APIResponseValidationError: the body is not an agent.
    """
    wire = decode_reply(_agent_decoder, body, what="an agent", status_code=status_code)
    metadata = wire.metadata or _AgentMetadata()
    settings = wire.platform_settings or _PlatformSettings()
    return Agent(
        agent_id=wire.agent_id,
        name=wire.name,
        archived=bool(settings.archived),
        tags=wire.tags or [],
        created_at_unix_secs=metadata.created_at_unix_secs,
        updated_at_unix_secs=metadata.updated_at_unix_secs,
        branch_id=wire.branch_id,
        main_branch_id=wire.main_branch_id,
        version_id=wire.version_id,
        phone_numbers=_decode_numbers(
            wire.phone_numbers or [], "agent's phone numbers", body, status_code
        ),
        call_limits=settings.call_limits,
    )


def decode_agent_page(body: bytes, status_code: int = 200) -> AgentPage:
    """Decode a page of agents.

    Raises:
        APIResponseValidationError: the body is not a page of agents.
    """
    page = decode_reply(_agent_page_decoder, body, what="a page of agents", status_code=status_code)
    return AgentPage(
        agents=page.agents,
        next_cursor=page.next_cursor,
        has_more=_has_more(page.has_more, page.next_cursor),
    )


def decode_agent_branch(body: bytes, status_code: int = 200) -> AgentBranch:
    """Decode a branch of an agent.

    Raises:
        APIResponseValidationError: the body is not an agent branch.
    """
    return decode_reply(
        _agent_branch_decoder, body, what="an agent branch", status_code=status_code
    )


# --- conversations -------------------------------------------------------------------


class _WireConversationMetadata(ConversationMetadata, kw_only=True):
    # Read raw, then decoded by its type: see conversation_from_wire.
    phone_call: msgspec.Raw = _NULL  # type: ignore[assignment]


class WireConversation(Conversation, kw_only=True):
    """A conversation as msgspec decodes it in one pass, its phone call still
    raw; :func:`conversation_from_wire` makes it a :class:`Conversation`."""

    metadata: _WireConversationMetadata


class _TypeTag(msgspec.Struct):
    """Just the ``type`` of a phone call, to pick its decoder."""

    type: str


_type_decoder = msgspec.json.Decoder(_TypeTag)
_phone_call_decoders: dict[str, msgspec.json.Decoder[PhoneCall]] = {
    kind: msgspec.json.Decoder(struct) for kind, struct in PHONE_CALL_TYPES.items()
}
_generic_phone_call_decoder = msgspec.json.Decoder(GenericPhoneCall)
_conversation_decoder = msgspec.json.Decoder(WireConversation)


def _phone_call(raw: msgspec.Raw) -> PhoneCall | None:
    """The phone call as the Struct of its ``type``, generic for a type this
    version does not know (never another type's Struct)."""
    if raw == _NULL:
        return None
    try:
        kind = _type_decoder.decode(raw).type
        return _phone_call_decoders.get(kind, _generic_phone_call_decoder).decode(raw)
    except msgspec.ValidationError as exc:
        message = str(exc)
    raise msgspec.ValidationError(f"metadata.phone_call: {message}")


def conversation_from_wire(wire: WireConversation) -> Conversation:
    """The :class:`Conversation` of a decoded ``wire`` conversation.

    Raises:
        msgspec.ValidationError: its phone call is not one.
    """
    metadata = msgspec.structs.asdict(wire.metadata)
    metadata["phone_call"] = _phone_call(wire.metadata.phone_call)
    fields = msgspec.structs.asdict(wire)
    fields["metadata"] = ConversationMetadata(**metadata)
    return Conversation(**fields)


def decode_conversation(body: bytes, status_code: int = 200) -> Conversation:
    """Decode a conversation, its phone call into the Struct of its ``type``.

    Raises:
        APIResponseValidationError: the body is not a conversation.
    """
    what = "a conversation"
    wire = decode_reply(_conversation_decoder, body, what=what, status_code=status_code)
    try:
        return conversation_from_wire(wire)
    except msgspec.ValidationError as exc:
        reason = clip(str(exc))
    raise APIResponseValidationError(
        f"the reply is not {what}: {reason}", status_code=status_code, body=body
    )


class _WireConversationPage(msgspec.Struct):
    conversations: list[ConversationSummary]
    next_cursor: str | None = None
    has_more: bool | None = None


_conversation_page_decoder = msgspec.json.Decoder(_WireConversationPage)


def decode_conversation_page(body: bytes, status_code: int = 200) -> ConversationPage:
    """Decode a page of conversation summaries.

    Raises:
        APIResponseValidationError: the body is not a page of conversations.
    """
    page = decode_reply(
        _conversation_page_decoder, body, what="a page of conversations", status_code=status_code
    )
    return ConversationPage(
        conversations=page.conversations,
        next_cursor=page.next_cursor,
        has_more=_has_more(page.has_more, page.next_cursor),
    )


# --- batch calls ---------------------------------------------------------------------


class _WireBatchCallPage(msgspec.Struct):
    batch_calls: list[BatchCall]
    next_doc: str | None = None
    has_more: bool | None = None


_batch_call_decoder = msgspec.json.Decoder(BatchCall)
_batch_call_detail_decoder = msgspec.json.Decoder(BatchCallDetail)
_batch_call_page_decoder = msgspec.json.Decoder(_WireBatchCallPage)


def decode_batch_call(body: bytes, status_code: int = 200) -> BatchCall:
    """Decode a batch call (the reply to a submit, cancel or retry).

    Raises:
        APIResponseValidationError: the body is not a batch call.
    """
    return decode_reply(_batch_call_decoder, body, what="a batch call", status_code=status_code)


def decode_batch_call_detail(body: bytes, status_code: int = 200) -> BatchCallDetail:
    """Decode a batch call with its recipients.

    Raises:
        APIResponseValidationError: the body is not a batch call with recipients.
    """
    return decode_reply(
        _batch_call_detail_decoder,
        body,
        what="a batch call with its recipients",
        status_code=status_code,
    )


def decode_batch_call_page(body: bytes, status_code: int = 200) -> BatchCallPage:
    """Decode a page of batch calls; ``has_more`` left out (or null) by the
    API is read from ``next_doc``.

    Raises:
        APIResponseValidationError: the body is not a page of batch calls.
    """
    page = decode_reply(
        _batch_call_page_decoder, body, what="a page of batch calls", status_code=status_code
    )
    return BatchCallPage(
        batch_calls=page.batch_calls,
        next_doc=page.next_doc,
        has_more=_has_more(page.has_more, page.next_doc),
    )


# --- the recipients of a batch -------------------------------------------------------

# Spaces, dashes, dots and brackets only group digits (E.123): "+1 555-0100"
# and "+15550100" are one number, called twice if both were sent.
_GROUPING = re.compile(r"[\s\-.()]")


def check_recipients(recipients: object) -> None:
    """Refuse the recipients of a batch before it is sent: none at all, an
    item that is neither a :class:`BatchCallRecipient` nor a mapping, a
    missing or blank phone number, or a number given twice (spaces, dashes,
    dots and brackets aside).

    Raises:
        InvalidRequestError: naming ``recipients``, ``recipients.<index>``
            (the item at fault, for a repeat the later one) or
            ``recipients.<index>.phone_number``.
    """
    if isinstance(recipients, str | bytes) or not isinstance(recipients, Sequence):
        raise InvalidRequestError(
            f"recipients must be a sequence of BatchCallRecipient, not {type(recipients).__name__}",
            field="recipients",
        )
    if not recipients:
        raise InvalidRequestError("recipients must not be empty", field="recipients")
    first_index: dict[str, int] = {}
    for index, recipient in enumerate(recipients):
        where = f"recipients.{index}"
        if isinstance(recipient, BatchCallRecipient):
            number: object = recipient.phone_number
        elif isinstance(recipient, Mapping):
            number = recipient.get("phone_number")
        else:
            raise InvalidRequestError(
                f"{where} must be a BatchCallRecipient, not {type(recipient).__name__}",
                field=where,
            )
        if not isinstance(number, str) or not number.strip():
            raise InvalidRequestError(
                f"{where}.phone_number must be a non-empty string", field=f"{where}.phone_number"
            )
        key = _GROUPING.sub("", number)
        first = first_index.setdefault(key, index)
        if first != index:
            raise InvalidRequestError(
                f"{where}: the phone number {number!r} is already recipients.{first}",
                field=where,
            )
