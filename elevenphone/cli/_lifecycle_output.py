"""What the lifecycle commands print: agents, conversations and batches, as
field tables, row tables (see :class:`~._output.Rows`) or JSON values.

Times are UTC, ISO 8601 to the second (``2025-11-27T14:30:00Z``). The JSON
of a conversation is the conversation's fields with its ``call_result`` on
top, as :attr:`Conversation.call_result` reads it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

import msgspec

from .._models.agents import (
    Agent,
    AgentSummary,
)
from .._models.batch_calls import (
    BatchCall,
    BatchCallDetail,
    BatchCallRecipientResult,
)
from .._models.conversations import (
    Conversation,
    ConversationSummary,
)
from ._output import Cell, Rows

_FIELDS = ("field", "value")


def unix_time(seconds: int | None) -> Cell:
    """``seconds`` since the Unix epoch as a UTC ISO 8601 time (None: no cell)."""
    if seconds is None:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return str(seconds)  # not a time a calendar holds: shown as sent
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _named(name: str | None, identifier: str | None) -> Cell:
    """``Name (id)``, or whichever of them there is."""
    if name and identifier:
        return f"{name} ({identifier})"
    return name or identifier


def _yes_no(value: bool | None) -> Cell:
    return None if value is None else ("yes" if value else "no")


def _number(value: float | None) -> Cell:
    return None if value is None else str(value)


def _fields(rows: Iterable[tuple[str, Cell]], title: str | None = None) -> Rows:
    return Rows(_FIELDS, list(rows), title=title, fields=True, boxed=False)


# --- agents ------------------------------------------------------------------------


def agent_fields(agent: Agent) -> Rows:
    """One agent, field by field."""
    limits = agent.call_limits
    numbers = [f"{n.phone_number} ({n.phone_number_id})" for n in agent.phone_numbers]
    return _fields(
        [
            ("id", agent.agent_id),
            ("name", agent.name),
            ("archived", _yes_no(agent.archived)),
            ("tags", ", ".join(agent.tags) or None),
            ("branch", agent.branch_id),
            ("main branch", agent.main_branch_id),
            ("phone numbers", "; ".join(numbers) or None),
            ("concurrency limit", _number(limits.agent_concurrency_limit) if limits else None),
            ("daily limit", _number(limits.daily_limit) if limits else None),
            ("bursting", _yes_no(limits.bursting_enabled) if limits else None),
            ("created", unix_time(agent.created_at_unix_secs)),
            ("updated", unix_time(agent.updated_at_unix_secs)),
        ]
    )


def agents_rows(agents: Iterable[AgentSummary], *, title: str) -> Rows:
    """Agents, one row each."""
    rows = [
        (
            agent.agent_id,
            agent.name,
            _yes_no(agent.archived),
            ", ".join(agent.tags) or None,
            unix_time(agent.created_at_unix_secs),
            unix_time(agent.last_call_time_unix_secs),
        )
        for agent in agents
    ]
    return Rows(("ID", "Name", "Archived", "Tags", "Created", "Last call"), rows, title=title)


# --- conversations -----------------------------------------------------------------


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    """A conversation for machines: its fields, and ``call_result`` on top."""
    fields: dict[str, Any] = msgspec.to_builtins(conversation)
    return {"call_result": conversation.call_result, **fields}


def conversation_fields(conversation: Conversation) -> Rows:
    """One conversation, field by field: what became of its call."""
    metadata = conversation.metadata
    call = metadata.phone_call
    analysis = conversation.analysis
    error = metadata.error
    return _fields(
        [
            ("id", conversation.conversation_id),
            ("agent", _named(conversation.agent_name, conversation.agent_id)),
            ("status", str(conversation.status)),
            (
                "call result",
                None if conversation.call_result is None else str(conversation.call_result),
            ),
            ("successful", str(analysis.call_successful) if analysis else None),
            ("started", unix_time(metadata.start_time_unix_secs)),
            ("duration", f"{metadata.call_duration_secs} s"),
            ("termination reason", metadata.termination_reason),
            ("error", None if error is None else f"{error.code}: {error.reason or '-'}"),
            ("direction", str(call.direction) if call else None),
            ("agent number", call.agent_number if call else None),
            ("other number", call.external_number if call else None),
            ("phone number id", call.phone_number_id if call else None),
            ("call sid", call.call_sid if call else None),
            ("title", analysis.call_summary_title if analysis else None),
            ("summary", analysis.transcript_summary if analysis else None),
        ]
    )


def transcript_rows(conversation: Conversation) -> Rows:
    """The turns of a conversation, one row each."""
    rows = [
        (f"{turn.time_in_call_secs} s", str(turn.role), turn.message)
        for turn in conversation.transcript
    ]
    return Rows(("Time", "Role", "Message"), rows, title="transcript")


def conversations_rows(conversations: Iterable[ConversationSummary], *, title: str) -> Rows:
    """Conversations, one row each."""
    rows = [
        (
            c.conversation_id,
            _named(c.agent_name, c.agent_id),
            str(c.status),
            unix_time(c.start_time_unix_secs),
            f"{c.call_duration_secs} s",
            None if c.call_successful is None else str(c.call_successful),
            None if c.direction is None else str(c.direction),
            c.call_summary_title,
        )
        for c in conversations
    ]
    columns = ("ID", "Agent", "Status", "Started", "Duration", "Successful", "Direction", "Title")
    return Rows(columns, rows, title=title)


# --- batches -----------------------------------------------------------------------


def _calls(batch: BatchCall) -> str:
    return (
        f"{batch.total_calls_finished} finished, {batch.total_calls_dispatched} placed,"
        f" {batch.total_calls_scheduled} scheduled"
    )


def recipient_counts(recipients: Iterable[BatchCallRecipientResult]) -> dict[str, int]:
    """How many recipients are at each status, in the order first met."""
    return dict(Counter(str(recipient.status) for recipient in recipients))


def batch_fields(batch: BatchCall, *, title: str | None = None) -> Rows:
    """One batch, field by field; with its recipients, how many are at each status."""
    rows: list[tuple[str, Cell]] = [
        ("id", batch.id),
        ("name", batch.name),
        ("agent", _named(batch.agent_name, batch.agent_id)),
        ("status", str(batch.status)),
        ("from number", batch.phone_number_id),
        ("provider", None if batch.phone_provider is None else str(batch.phone_provider)),
        ("scheduled", unix_time(batch.scheduled_time_unix)),
        ("created", unix_time(batch.created_at_unix)),
        ("calls", _calls(batch)),
        ("retries", str(batch.retry_count)),
        ("concurrency limit", _number(batch.target_concurrency_limit)),
    ]
    if isinstance(batch, BatchCallDetail):
        counts = recipient_counts(batch.recipients)
        shown = ", ".join(f"{status} {count}" for status, count in counts.items())
        rows.append(("recipients", shown or "none"))
    return _fields(rows, title)


def batches_rows(batches: Iterable[BatchCall], *, title: str) -> Rows:
    """Batches, one row each."""
    rows = [
        (
            b.id,
            b.name,
            _named(b.agent_name, b.agent_id),
            str(b.status),
            unix_time(b.scheduled_time_unix),
            f"{b.total_calls_finished}/{b.total_calls_scheduled}",
            unix_time(b.created_at_unix),
        )
        for b in batches
    ]
    columns = ("ID", "Name", "Agent", "Status", "Scheduled", "Finished", "Created")
    return Rows(columns, rows, title=title)


def recipients_rows(batch: BatchCallDetail) -> Rows:
    """The recipients of a batch, one row each."""
    rows = [(r.id, r.phone_number, str(r.status), r.conversation_id) for r in batch.recipients]
    title = f"{len(rows)} recipients"
    return Rows(("ID", "Phone number", "Status", "Conversation"), rows, title=title)
