"""The phone-numbers resource: ``client.phone_numbers``."""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import UNSET, UnsetType

from . import _bulk
from ._bulk import BulkRun, JournalArg, ProgressCallback, Updates
from ._bulk_result import BulkResult
from ._journal import Journal
from ._models import (
    InboundSIPTrunkConfig,
    LivekitStack,
    OutboundSIPTrunkConfig,
    PhoneNumber,
    UpdatePhoneNumberRequest,
)
from ._wire import (
    PHONE_NUMBERS_PATH,
    decode_phone_number,
    decode_phone_number_list,
    encode_update_request,
    phone_number_path,
)

if TYPE_CHECKING:
    from ._client import ElevenPhone

__all__ = ["PhoneNumbers"]


class PhoneNumbers:
    """Calls on ``/v1/convai/phone-numbers``. Reached as ``client.phone_numbers``.

    Single numbers: :meth:`update`, :meth:`get`, :meth:`list`. Many at once:
    :meth:`bulk_update`, :meth:`iter_bulk_update`, :meth:`reassign_agent`,
    :meth:`undo`.
    """

    def __init__(self, client: ElevenPhone) -> None:
        self._client = client

    async def update(
        self,
        phone_number_id: str,
        request: UpdatePhoneNumberRequest | None = None,
        *,
        agent_id: str | None | UnsetType = UNSET,
        label: str | None | UnsetType = UNSET,
        inbound_trunk_config: InboundSIPTrunkConfig | Mapping[str, Any] | None | UnsetType = UNSET,
        outbound_trunk_config: OutboundSIPTrunkConfig
        | Mapping[str, Any]
        | None
        | UnsetType = UNSET,
        livekit_stack: LivekitStack | str | None | UnsetType = UNSET,
        store_sip_messages: bool | None | UnsetType = UNSET,
        environment: str | None | UnsetType = UNSET,
        branch_id: str | None | UnsetType = UNSET,
    ) -> PhoneNumber:
        """Update a phone number: assign its agent, branch and environment, or
        change its label and SIP trunk settings.

        Pass either a :class:`UpdatePhoneNumberRequest` or the fields as keyword
        arguments. Only the fields given are sent: an omitted field is left
        unchanged by the API, and ``None`` clears it (``agent_id=None``
        unassigns the number). Nested configs take the Structs or plain dicts.

        Returns:
            The phone number as updated.

        Raises:
            TypeError: ``phone_number_id`` is not a str, or both ``request`` and
                field keywords were given.
            ValueError: ``phone_number_id`` is empty.
            InvalidRequestError: a field does not fit the schema (nothing is sent).
            ValidationError: the API refused the update (422).
            NotFoundError: no such phone number (404).
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError: any other non-2xx reply, after retries.
            APIConnectionError, APITimeoutError: no reply, after retries.
            APIResponseValidationError: a 2xx reply that does not decode.
            RuntimeError: the client is closed.
        """
        path = phone_number_path(phone_number_id)
        fields = {
            name: value
            for name, value in (
                ("agent_id", agent_id),
                ("label", label),
                ("inbound_trunk_config", inbound_trunk_config),
                ("outbound_trunk_config", outbound_trunk_config),
                ("livekit_stack", livekit_stack),
                ("store_sip_messages", store_sip_messages),
                ("environment", environment),
                ("branch_id", branch_id),
            )
            if value is not UNSET
        }
        if request is not None:
            if fields:
                raise TypeError(
                    "pass either an UpdatePhoneNumberRequest or field keywords, not both"
                )
            if not isinstance(request, UpdatePhoneNumberRequest):
                raise TypeError(
                    f"request must be an UpdatePhoneNumberRequest, not {type(request).__name__}"
                )
            body = encode_update_request(request)
        else:
            body = encode_update_request(fields)
        reply = await self._client._request("PATCH", path, body=body)
        return decode_phone_number(reply.body, status_code=reply.status)

    async def get(self, phone_number_id: str) -> PhoneNumber:
        """Fetch one phone number.

        Raises:
            TypeError, ValueError: ``phone_number_id`` is not a non-empty str.
            NotFoundError: no such phone number (404).
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode.
            RuntimeError: the client is closed.
        """
        path = phone_number_path(phone_number_id)
        reply = await self._client._request("GET", path)
        return decode_phone_number(reply.body, status_code=reply.status)

    async def list(
        self,
        *,
        provider: str | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
    ) -> builtins.list[PhoneNumber]:
        """List the account's phone numbers, optionally filtered.

        Args:
            provider: only numbers of this provider (``twilio``, ``sip_trunk``,
                ``exotel``).
            agent_id: only numbers assigned to this agent.
            branch_id: only numbers on this agent branch.

        Raises:
            TypeError: a filter is not a str.
            APIStatusError, APIConnectionError: as for :meth:`update`.
            APIResponseValidationError: a 2xx reply that does not decode.
            RuntimeError: the client is closed.
        """
        query: dict[str, str] = {}
        for name, value in (
            ("provider", provider),
            ("agent_id", agent_id),
            ("branch_id", branch_id),
        ):
            if value is None:
                continue
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, not {type(value).__name__}")
            query[name] = str(value)
        reply = await self._client._request("GET", PHONE_NUMBERS_PATH, query=query)
        return decode_phone_number_list(reply.body, status_code=reply.status)

    # --- bulk (see elevenphone._bulk) --------------------------------------------

    def iter_bulk_update(
        self,
        updates: Updates,
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        stop_on_error: bool = False,
        journal: JournalArg = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkRun:
        """Apply many updates, yielding a :class:`BulkOutcome` as each item finishes.

        Takes the same arguments as :meth:`bulk_update`. Items are pulled
        lazily and no list of items or results is kept, so any number of items
        runs in constant memory. Use it as
        ``async with client.phone_numbers.iter_bulk_update(...) as run:
        async for outcome in run: ...`` so that stopping early cancels the
        requests in flight and closes the journal.

        Errors met while iterating are those of :class:`BulkRun`.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: ``updates`` or ``journal`` of the wrong type.
            InvalidRequestError: a list or tuple of updates names a number
                twice (nothing is sent).
        """
        return BulkRun(
            self._client,
            updates,
            concurrency=concurrency,
            max_rate=max_rate,
            stop_on_error=stop_on_error,
            journal=journal,
            on_progress=on_progress,
        )

    async def bulk_update(
        self,
        updates: Updates,
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        stop_on_error: bool = False,
        journal: JournalArg = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkResult:
        """Apply many updates concurrently, within the account's limits.

        Args:
            updates: ``{phone_number_id: UpdatePhoneNumberRequest}``, or a sync
                or async iterable of such pairs; consumed lazily. Each number
                may appear once.
            concurrency: the most requests in flight. The run lowers its own
                limit when the API answers 429 ``concurrent_limit_exceeded``
                and raises it again as requests succeed.
            max_rate: the most requests per second (None: no cap).
            stop_on_error: start no new item once one has failed.
            journal: a path (or :class:`Journal`) of an append-only record of
                each number's state before and after its update. A journal
                serves one job and one run at a time: running again with it
                skips the numbers done already with the same update (another
                update of a number is sent); a journal of another job is
                refused. :meth:`undo` puts the numbers back. Without a journal,
                nothing is fetched before an update; with one, the state before
                is fetched with a ``get`` per number.
            on_progress: called with a :class:`BulkProgress` after each item.

        Transient failures are retried by the client's :class:`RetryPolicy`;
        an item that still fails, or fails for good (422, 404, 400), is put in
        ``BulkResult.failed`` and the run goes on. Call
        :meth:`BulkResult.raise_for_failures` to turn failures into an error.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: an item is not a ``(str, UpdatePhoneNumberRequest)`` pair.
            InvalidRequestError: a number appears twice. A list or tuple is
                checked before anything is sent; a stream, when the repeat
                comes: the run then starts no new item, lets those in flight
                end, and raises. The repeat is never sent.
            AuthenticationError, PermissionDeniedError: the key was refused (the
                run stops).
            JournalError: the journal is in use by another run, serves another
                job, is damaged before its last line, or cannot be read or
                written (see :class:`BulkRun`).
        """
        return await _bulk.collect(
            self.iter_bulk_update(
                updates,
                concurrency=concurrency,
                max_rate=max_rate,
                stop_on_error=stop_on_error,
                journal=journal,
                on_progress=on_progress,
            )
        )

    async def reassign_agent(
        self,
        from_agent_id: str,
        to_agent_id: str,
        *,
        branch_id: str | None | UnsetType = UNSET,
        environment: str | None | UnsetType = UNSET,
        concurrency: int = 8,
        max_rate: float | None = None,
        stop_on_error: bool = False,
        journal: JournalArg = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkResult:
        """Move every number assigned to ``from_agent_id`` to ``to_agent_id``.

        Lists the numbers on the old agent (the ``agent_id`` list filter; a
        number listed twice is moved once), then runs :meth:`bulk_update` with
        ``agent_id=to_agent_id`` and, when given, ``branch_id`` and
        ``environment``. The list gives each number's state before, for the
        journal, so nothing else is fetched. The journal records the agents,
        branch and environment asked for; a journal of another move is
        refused before the listing. The other keyword arguments are those of
        :meth:`bulk_update`.

        Raises:
            InvalidRequestError: an agent id is empty, both are the same, or
                ``branch_id``/``environment`` is not a str or None.
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError, APIConnectionError: the listing failed, after retries.
            JournalError: the journal is in use by another run, serves another
                job, is damaged before its last line, or cannot be read or
                written.
        """
        return await _bulk.reassign_agent(
            self._client,
            from_agent_id,
            to_agent_id,
            branch_id=branch_id,
            environment=environment,
            concurrency=concurrency,
            max_rate=max_rate,
            stop_on_error=stop_on_error,
            journal=journal,
            on_progress=on_progress,
        )

    async def undo(
        self,
        journal: str | os.PathLike[str] | Journal,
        *,
        concurrency: int = 8,
        max_rate: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkResult:
        """Put back every number a bulk run's journal changed.

        Each number gets back the agent, branch, environment and label it had
        before its first update under this journal (other fields, such as
        trunk settings, are not restored). Numbers whose update may or may not
        have reached the API (interrupted runs) are restored too, which is
        harmless. Each restored number is recorded as ``undone`` in the
        journal, so running undo again restores only what is left, and a bulk
        run of the same job with the journal afterwards starts afresh for
        those numbers.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            JournalError: the journal does not exist, is in use by another run,
                is damaged before its last line, or cannot be read or written.
            AuthenticationError, PermissionDeniedError: the key was refused.
        """
        return await _bulk.undo(
            self._client,
            journal,
            concurrency=concurrency,
            max_rate=max_rate,
            on_progress=on_progress,
        )
