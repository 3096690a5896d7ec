"""Many phone numbers at once: the bulk methods of ``client.phone_numbers``.

They load the bulk package (:mod:`elevenphone.bulk`) on a program's first bulk
run: most programs never start one, and it is over a third of what importing
elevenphone costs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from msgspec import UNSET, UnsetType

from .._options import Unpack
from ._base import Resource

if TYPE_CHECKING:
    from ..bulk.engine import BulkRun
    from ..bulk.journal import Journal
    from ..bulk.operations import UpdateItem, Updates
    from ..bulk.options import BulkUpdateArgs, UndoArgs
    from ..bulk.result import BulkResult

__all__ = ["PhoneNumberRuns"]


class PhoneNumberRuns(Resource):
    """The bulk methods of :class:`PhoneNumbers`: :meth:`bulk_update`,
    :meth:`iter_bulk_update`, :meth:`reassign_agent` and :meth:`undo`."""

    def iter_bulk_update(
        self, updates: Updates, **arguments: Unpack[BulkUpdateArgs]
    ) -> BulkRun[UpdateItem]:
        """Apply many updates, yielding a :class:`BulkOutcome` as each item finishes.

        Takes the same arguments as :meth:`bulk_update`. Items are pulled
        lazily and no list of items or results is kept, so any number of items
        runs in constant memory. Use it as
        ``async with client.phone_numbers.iter_bulk_update(...) as run:
        async for outcome in run: ...`` so that stopping early cancels the
        requests in flight and closes the journal. Errors met while iterating
        are those of :class:`BulkRun`.

        Each agent the updates assign is checked (one GET of it, and of the
        branch an update asks for) before the first update that assigns it;
        the items that assign it wait for that check. When every item
        assigns the same agent, a missing or archived one (or branch)
        raises :class:`AgentCheckError` before any number is touched. In a
        stream that assigns several agents, each is checked when it first
        appears. ``check_agent=False`` skips the checks.

        Args:
            updates: ``{phone_number_id: UpdatePhoneNumberRequest}``, or a sync
                or async iterable of such pairs; consumed lazily. Each number
                may appear once.
            **arguments: the :class:`BulkSettings` (``concurrency``,
                ``max_rate``, ``stop_on_error``, ``journal``,
                ``on_progress``, ``check_agent``) and the per-call options
                (:class:`RequestOptions`), given to every request of the run.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: ``updates`` or ``journal`` of the wrong type.
            InvalidRequestError: a list or tuple of updates names a number
                twice (nothing is sent).
        """
        from ..bulk.options import BulkOptions
        from ..bulk.recipes import update_run

        return update_run(self._client, updates, BulkOptions.of(arguments))

    async def bulk_update(
        self, updates: Updates, **arguments: Unpack[BulkUpdateArgs]
    ) -> BulkResult:
        """Apply many updates concurrently, within the account's limits.

        Transient failures are retried by the client's :class:`RetryPolicy`;
        an item that still fails, or fails for good (422, 404, 400, a reply
        that does not show the change), is put in ``BulkResult.failed`` and
        the run goes on. Call :meth:`BulkResult.raise_for_failures` to turn
        failures into an error.

        Args:
            updates: ``{phone_number_id: UpdatePhoneNumberRequest}``, or a sync
                or async iterable of such pairs; consumed lazily. Each number
                may appear once.
            **arguments: the :class:`BulkSettings` and the per-call options
                (:class:`RequestOptions`), as for :meth:`iter_bulk_update`.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: an item is not a ``(str, UpdatePhoneNumberRequest)`` pair.
            InvalidRequestError: a number appears twice. A list or tuple is
                checked before anything is sent; a stream, when the repeat
                comes: the run then starts no new item, lets those in flight
                end, and raises. The repeat is never sent.
            AuthenticationError, PermissionDeniedError: the key was refused (the
                run stops).
            AgentCheckError: an agent the updates assign does not exist or is
                archived, or so is the branch asked for (see
                :meth:`iter_bulk_update`); the run stops.
            APIStatusError, APIConnectionError: such an agent could not be
                checked (a 5xx, no reply: raised as it is); the run stops.
            JournalError: the journal is in use by another run, serves another
                job, is damaged before its last line, or cannot be read or
                written (see :class:`BulkRun`).
        """
        from ..bulk.engine import collect

        return await collect(self.iter_bulk_update(updates, **arguments))

    async def reassign_agent(
        self,
        from_agent_id: str,
        to_agent_id: str,
        *,
        branch_id: str | None | UnsetType = UNSET,
        environment: str | None | UnsetType = UNSET,
        **arguments: Unpack[BulkUpdateArgs],
    ) -> BulkResult:
        """Move every number assigned to ``from_agent_id`` to ``to_agent_id``.

        First checks the target with one GET of ``to_agent_id`` (and of
        ``branch_id``'s branch, when given): a missing or archived agent or
        branch raises :class:`AgentCheckError` before any number is listed
        or touched (``check_agent=False`` skips it). Then lists the numbers
        on the old agent (the ``agent_id`` list filter; a number listed
        twice is moved once), and runs :meth:`bulk_update` with
        ``agent_id=to_agent_id`` and, when given, ``branch_id`` and
        ``environment``. The list gives each number's state before, for the
        journal, so nothing else is fetched. The journal records the agents,
        branch and environment asked for; a journal of another move is
        refused before the listing.

        Args:
            from_agent_id: the agent whose numbers move.
            to_agent_id: the agent they move to.
            branch_id: the agent branch the numbers are put on (not given:
                left as it is; None: cleared).
            environment: the environment the numbers are put in (not given:
                left as it is; None: cleared).
            **arguments: the :class:`BulkSettings` and the per-call options
                (:class:`RequestOptions`), given to the check, the listing
                and every update of the run.

        Raises:
            AgentCheckError: the target agent or branch does not exist or is
                archived (``.reason`` says which); nothing was touched.
            InvalidRequestError: an agent id is empty, both are the same, or
                ``branch_id``/``environment`` is not a str or None.
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError, APIConnectionError: the check or the listing
                failed, after retries (a 401 or 5xx of the check is raised as
                it is: it says nothing of the agent).
            JournalError: the journal is in use by another run, serves another
                job, is damaged before its last line, or cannot be read or
                written.
        """
        from ..bulk import recipes
        from ..bulk.options import BulkOptions

        settings = BulkOptions.of(arguments)
        move = recipes.Move(from_agent_id, to_agent_id, branch_id, environment)
        return await recipes.reassign_agent(self._client, move, settings)

    async def undo(
        self, journal: str | os.PathLike[str] | Journal, **arguments: Unpack[UndoArgs]
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

        Args:
            journal: the journal of the run to undo: a path or a
                :class:`Journal`. It must exist.
            **arguments: the :class:`UndoSettings` (``concurrency``,
                ``max_rate``, ``on_progress``) and the per-call options
                (:class:`RequestOptions`), given to every request of the run.

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            JournalError: the journal does not exist, is in use by another run,
                is damaged before its last line, or cannot be read or written.
            AuthenticationError, PermissionDeniedError: the key was refused.
        """
        from ..bulk import recipes
        from ..bulk.options import BulkOptions

        if journal is None:
            raise TypeError("undo needs the journal of the run to undo")
        return await recipes.undo(self._client, BulkOptions.of({**arguments, "journal": journal}))
