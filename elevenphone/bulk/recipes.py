"""The bulk jobs users ask for, built on the engine: update many numbers,
move every number of one agent to another, and undo a run from its journal."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from msgspec import UNSET, UnsetType

from .._exceptions import InvalidRequestError
from .._models import PhoneNumber, UpdatePhoneNumberRequest
from .._request import RequestOptions
from .._wire import encode_update_request
from .engine import BulkRun, JournalArg, ProgressCallback, check_journal, collect, opened_journal
from .gate import check_options
from .journal import Journal, JournalJob, PhoneNumberState, read_journal
from .operations import UpdateItem, UpdateOperation
from .result import BulkResult

if TYPE_CHECKING:
    from .._client import ElevenPhone

__all__ = ["BULK_UPDATE_JOB", "numbers_on_agent", "reassign_agent", "undo", "update_run"]

BULK_UPDATE_JOB = JournalJob(operation="bulk_update")
"""The job of ``bulk_update``: its values are per item."""


def update_run(
    client: ElevenPhone,
    updates: object,
    *,
    concurrency: int,
    max_rate: float | None,
    stop_on_error: bool,
    journal: JournalArg,
    on_progress: ProgressCallback | None,
    options: RequestOptions,
) -> BulkRun[UpdateItem]:
    """A run of ``(phone_number_id, UpdatePhoneNumberRequest)`` updates."""
    operation = UpdateOperation(job=BULK_UPDATE_JOB, options=options)
    return BulkRun(
        client,
        operation,
        updates,
        concurrency=concurrency,
        max_rate=max_rate,
        stop_on_error=stop_on_error,
        journal=journal,
        on_progress=on_progress,
    )


async def numbers_on_agent(client: ElevenPhone, agent_id: str) -> list[PhoneNumber]:
    """The numbers assigned to ``agent_id`` (the list filter, checked again
    here), each once even if the listing repeats it."""
    numbers: dict[str, PhoneNumber] = {}
    for number in await client.phone_numbers.list(agent_id=agent_id):
        if number.assigned_agent and number.assigned_agent.agent_id == agent_id:
            numbers.setdefault(number.phone_number_id, number)
    return list(numbers.values())


async def reassign_agent(
    client: ElevenPhone,
    from_agent_id: str,
    to_agent_id: str,
    *,
    branch_id: str | None | UnsetType = UNSET,
    environment: str | None | UnsetType = UNSET,
    concurrency: int,
    max_rate: float | None,
    stop_on_error: bool,
    journal: JournalArg,
    on_progress: ProgressCallback | None,
    options: RequestOptions,
) -> BulkResult:
    """Move every number of one agent to another; see :meth:`PhoneNumbers.reassign_agent`."""
    for name, value in (("from_agent_id", from_agent_id), ("to_agent_id", to_agent_id)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidRequestError(f"{name} must be a non-empty str", field=name)
    if from_agent_id == to_agent_id:
        raise InvalidRequestError("from_agent_id and to_agent_id are the same agent")
    check_options(concurrency, max_rate)
    check_journal(journal)
    request = UpdatePhoneNumberRequest(
        agent_id=to_agent_id, branch_id=branch_id, environment=environment
    )
    encode_update_request(request)  # a bad branch or environment is refused now
    values: dict[str, str | None] = {"from_agent_id": from_agent_id, "to_agent_id": to_agent_id}
    for name, given in (("branch_id", branch_id), ("environment", environment)):
        if not isinstance(given, UnsetType):
            values[name] = given
    job = JournalJob(operation="reassign_agent", values=values)
    # Opened before the listing: a journal of another job is refused before anything is sent.
    with opened_journal(journal, job) as opened:
        numbers = await numbers_on_agent(client, from_agent_id)
        # The listing gives each number's state before: nothing else is fetched.
        items = (
            UpdateItem(n.phone_number_id, request, before=PhoneNumberState.of(n)) for n in numbers
        )
        run = BulkRun(
            client,
            UpdateOperation(job=job, options=options),
            items,
            concurrency=concurrency,
            max_rate=max_rate,
            stop_on_error=stop_on_error,
            journal=opened,
            on_progress=on_progress,
            total=len(numbers),
        )
        return await collect(run)


async def undo(
    client: ElevenPhone,
    journal: str | os.PathLike[str] | Journal,
    *,
    concurrency: int,
    max_rate: float | None,
    on_progress: ProgressCallback | None,
    options: RequestOptions,
) -> BulkResult:
    """Put back every number a journal changed; see :meth:`PhoneNumbers.undo`."""
    check_options(concurrency, max_rate)
    if journal is None:
        raise TypeError("undo needs the journal of the run to undo")
    check_journal(journal)
    # Opened (and locked) before it is read: no run may change it meanwhile.
    with opened_journal(journal, None, create=False) as opened:
        assert opened is not None
        # From the file, which holds every change: a journal's memory keeps
        # only the changes its runs left open (see Journal.state).
        changes = read_journal(opened.path).open_changes
        items = (UpdateItem(pid, state.restore_request()) for pid, state in changes.items())
        run = BulkRun(
            client,
            UpdateOperation(job=None, options=options, undoing=True),
            items,
            concurrency=concurrency,
            max_rate=max_rate,
            journal=opened,
            on_progress=on_progress,
            total=len(changes),
        )
        return await collect(run)
