"""The bulk jobs users ask for, built on the engine: update many numbers,
move every number of one agent to another, and undo a run from its journal.

Each builds its own requests, with the caller's options, through the send
path it is given; none calls back into a resource.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from msgspec import UnsetType

from .._base_client import BaseClient
from .._exceptions import InvalidRequestError
from .._models import PhoneNumber, UpdatePhoneNumberRequest
from .._options import DEFAULT_OPTIONS, CallOptions
from .._request import build_request
from .._wire import PHONE_NUMBERS_PATH, decode_phone_number_list, encode_update_request
from .engine import BulkRun, collect, opened_journal
from .journal import JournalJob, PhoneNumberState, read_journal
from .operations import UpdateItem, UpdateOperation
from .options import BulkOptions
from .preflight import AgentChecks
from .result import BulkResult

__all__ = [
    "BULK_UPDATE_JOB",
    "Move",
    "assigned_to",
    "numbers_on_agent",
    "reassign_agent",
    "undo",
    "update_run",
]

BULK_UPDATE_JOB = JournalJob(operation="bulk_update")
"""The job of ``bulk_update``: its values are per item."""


class Move(NamedTuple):
    """A reassignment: every number of one agent to another.

    Attributes:
        from_agent_id: the agent whose numbers move.
        to_agent_id: the agent they move to.
        branch_id: the branch they are put on (not given: left as it is).
        environment: the environment they are put in (not given: left as it is).
    """

    from_agent_id: str
    to_agent_id: str
    branch_id: str | None | UnsetType
    environment: str | None | UnsetType

    def request(self) -> UpdatePhoneNumberRequest:
        """The update every number gets."""
        return UpdatePhoneNumberRequest(
            agent_id=self.to_agent_id, branch_id=self.branch_id, environment=self.environment
        )

    def job(self) -> JournalJob:
        """The job a journal of this move serves: the values it asks for."""
        values: dict[str, str | None] = {
            "from_agent_id": self.from_agent_id,
            "to_agent_id": self.to_agent_id,
        }
        for name, given in (("branch_id", self.branch_id), ("environment", self.environment)):
            if not isinstance(given, UnsetType):
                values[name] = given
        return JournalJob(operation="reassign_agent", values=values)

    def check(self) -> None:
        """Refuse a move that cannot be made, before anything is sent.

        Raises:
            InvalidRequestError: an agent id is empty, both are the same, or
                the branch or environment does not fit the update's schema.
        """
        for name, value in (
            ("from_agent_id", self.from_agent_id),
            ("to_agent_id", self.to_agent_id),
        ):
            if not isinstance(value, str) or not value.strip():
                raise InvalidRequestError(f"{name} must be a non-empty str", field=name)
        if self.from_agent_id == self.to_agent_id:
            raise InvalidRequestError("from_agent_id and to_agent_id are the same agent")
        encode_update_request(self.request())


def update_run(client: BaseClient, updates: object, settings: BulkOptions) -> BulkRun[UpdateItem]:
    """A run of ``(phone_number_id, UpdatePhoneNumberRequest)`` updates, each
    agent they assign checked first unless ``settings.check_agent`` is False."""
    checks = AgentChecks(settings.options) if settings.check_agent else None
    operation = UpdateOperation(job=BULK_UPDATE_JOB, options=settings.options, checks=checks)
    return BulkRun(client, operation, updates, settings)


def assigned_to(numbers: Iterable[PhoneNumber], agent_id: str) -> list[PhoneNumber]:
    """The numbers assigned to ``agent_id`` (a listing filtered by agent,
    checked again), each once even if the listing repeats it."""
    found: dict[str, PhoneNumber] = {}
    for number in numbers:
        if number.assigned_agent and number.assigned_agent.agent_id == agent_id:
            found.setdefault(number.phone_number_id, number)
    return list(found.values())


async def numbers_on_agent(
    client: BaseClient, agent_id: str, options: CallOptions = DEFAULT_OPTIONS
) -> list[PhoneNumber]:
    """The numbers assigned to ``agent_id``, listed with ``options``; see
    :func:`assigned_to`."""
    request = build_request(
        "GET",
        PHONE_NUMBERS_PATH,
        decode_phone_number_list,
        options.without_body(),
        query={"agent_id": agent_id},
    )
    listed: list[PhoneNumber] = await client.send(request)
    return assigned_to(listed, agent_id)


async def reassign_agent(client: BaseClient, move: Move, settings: BulkOptions) -> BulkResult:
    """Move every number of one agent to another; see :meth:`PhoneNumbers.reassign_agent`."""
    move.check()
    request = move.request()
    # Opened before the listing: a journal of another job is refused before anything is sent.
    with opened_journal(settings.journal, move.job()) as opened:
        checks = None
        if settings.check_agent:
            # The target first: a move to an agent that fails lists nothing
            # and touches no number. The run's items find it checked.
            checks = AgentChecks(settings.options)
            branch = move.branch_id if isinstance(move.branch_id, str) else None
            await checks.check(move.to_agent_id, branch, client.send, field="to_agent_id")
        numbers = await numbers_on_agent(client, move.from_agent_id, settings.options)
        # The listing gives each number's state before: nothing else is fetched.
        items = (
            UpdateItem(n.phone_number_id, request, before=PhoneNumberState.of(n)) for n in numbers
        )
        operation = UpdateOperation(job=move.job(), options=settings.options, checks=checks)
        run = BulkRun(client, operation, items, settings, journal=opened, total=len(numbers))
        return await collect(run)


async def undo(client: BaseClient, settings: BulkOptions) -> BulkResult:
    """Put back every number a journal changed; see :meth:`PhoneNumbers.undo`."""
    # Opened (and locked) before it is read: no run may change it meanwhile.
    with opened_journal(settings.journal, None, create=False) as opened:
        assert opened is not None
        # From the file, which holds every change: a journal's memory keeps
        # only the changes its runs left open (see Journal.state).
        changes = read_journal(opened.path).open_changes
        items = (UpdateItem(pid, state.restore_request()) for pid, state in changes.items())
        operation = UpdateOperation(job=None, options=settings.options, undoing=True)
        run = BulkRun(client, operation, items, settings, journal=opened, total=len(changes))
        return await collect(run)
