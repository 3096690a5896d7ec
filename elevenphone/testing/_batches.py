"""Batch calling: batches of calls, their recipients, and their endpoints.

A batch is stored as ``GET /v1/convai/batch-calling/{batch_id}`` returns it:
the ``BatchCall`` fields plus ``recipients``; submit, cancel, retry and the
list answer it without ``recipients``. :meth:`BatchStore.dispatch` calls the
pending recipients of every batch that is due, at most its concurrency limit
at a time, each call a conversation (:mod:`._conversations`), and
:meth:`BatchStore.conversation_changed` moves a recipient with its call:
``initiated``, ``in_progress``, then ``completed`` (answered), ``voicemail``
or ``failed`` (busy, no answer, failed). A batch is ``pending`` until its
first call, ``in_progress`` while it calls, ``completed`` once every
recipient has ended; ``cancelled`` when cancelled. Pure: the runner
(:mod:`._lifecycle`) drives it.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from . import _data
from ._agents import agent_not_found, branch_not_found
from ._batch_bodies import EXPORT_QUERY, LIST_QUERY, validate_submit
from ._calls import call_refusal
from ._conversations import ConversationStore
from ._pages import CreationOrder, page_reply, paginate, read_cursor
from ._responses import ApiResponse, detail, invalid_request, not_found, unprocessable
from ._state import PhoneNumberStore
from ._validation import validate_query

#: The recipients whose call is under way.
RUNNING = ("dispatched", "initiated", "in_progress")
#: The statuses a batch ends in.
FINAL = ("completed", "failed", "cancelled")
#: The fake workspace's limit of calls at a time: a batch takes half of it
#: unless ``target_concurrency_limit`` or 70% of its agent's limit says less.
WORKSPACE_CALL_LIMIT = 20
EXPORT_COLUMNS = (
    "id",
    "phone_number",
    "status",
    "conversation_id",
    "created_at_unix",
    "updated_at_unix",
)
_BY_RESULT = {
    "answered": "completed",
    "voicemail": "voicemail",
    "busy": "failed",
    "no_answer": "failed",
    "failed": "failed",
}


def batch_not_found(batch_id: str) -> ApiResponse:
    """The 404 answer for a batch ID nobody holds."""
    return detail(404, "batch_call_not_found", f"Batch call with id {batch_id} not found")


def concurrency_of(agent: Mapping[str, Any], target: int | None) -> int:
    """How many calls of a batch may run at a time (the spec's rule, on the fake workspace)."""
    if target is not None:
        return target
    share = WORKSPACE_CALL_LIMIT // 2
    limits = (agent.get("platform_settings") or {}).get("call_limits") or {}
    agent_limit = limits.get("agent_concurrency_limit")
    if isinstance(agent_limit, int) and agent_limit > 0:
        share = min(share, agent_limit * 7 // 10)
    return max(1, share)


def _batch_call(record: Mapping[str, Any]) -> dict[str, Any]:
    """The batch as submit, cancel, retry and the list answer it: without recipients."""
    return {name: copy.deepcopy(value) for name, value in record.items() if name != "recipients"}


class BatchStore:
    """Batches by ID, the peak of calls each ran at once, and their dispatch."""

    def __init__(
        self, seed: int, conversations: ConversationStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.batch_calls: dict[str, dict[str, Any]] = {}
        #: The most calls each batch had under way at once.
        self.peaks: dict[str, int] = {}
        self.clock = clock
        self._conversations = conversations
        self._rng = random.Random(f"batches-{seed}")
        self._order = CreationOrder()
        self._limits: dict[str, int] = {}
        self._callers: dict[str, dict[str, Any]] = {}  # the number each batch calls from
        self._by_conversation: dict[str, tuple[str, int]] = {}

    # --- the endpoints -------------------------------------------------------------

    def submit(self, store: PhoneNumberStore, body: Any) -> ApiResponse:
        """Answer ``POST /v1/convai/batch-calling/submit`` with the decoded ``body``.

        After the body: the agent (404), ``agent_phone_number_id`` (400 when
        left out, 404 when unknown), the branch (404), then the number's
        fitness to call (400, as for an outbound call).
        """
        fields, errors = validate_submit(body)
        if errors:
            return unprocessable(errors)
        agent_id = fields["agent_id"]
        agent = store.agents.get(agent_id)
        if agent is None:
            return agent_not_found(agent_id)
        pid = fields["agent_phone_number_id"]
        if pid is None:
            return invalid_request("agent_phone_number_id is required to call phone numbers")
        number = store.numbers.get(pid)
        if number is None:
            return not_found(pid)
        branch = None
        if fields["branch_id"] is not None:
            branch = (agent.get("branches") or {}).get(fields["branch_id"])
            if branch is None:
                return branch_not_found(agent_id, fields["branch_id"])
        refusal = call_refusal(number, str(number.get("provider")))
        if refusal is not None:
            return invalid_request(refusal)
        now = int(self.clock())
        batch_id = _data.new_id(self._rng, "btcal_")
        recipients = [
            {
                "id": recipient["id"] or _data.new_id(self._rng, "btcrcp_"),
                "phone_number": recipient["phone_number"],
                "status": "pending",
                "created_at_unix": now,
                "updated_at_unix": now,
                "conversation_id": None,
                "conversation_initiation_client_data": copy.deepcopy(
                    sent.get("conversation_initiation_client_data")
                ),
            }
            for recipient, sent in zip(fields["recipients"], body["recipients"], strict=True)
        ]
        scheduled = fields["scheduled_time_unix"]
        self.batch_calls[batch_id] = {
            "id": batch_id,
            "phone_number_id": pid,
            "phone_provider": number.get("provider"),
            "name": fields["call_name"],
            "agent_id": agent_id,
            "agent_name": agent.get("name"),
            "branch_id": fields["branch_id"],
            "branch_name": None if branch is None else branch.get("name"),
            "environment": fields["environment"],
            "created_at_unix": now,
            "scheduled_time_unix": now if scheduled is None else scheduled,
            "timezone": fields["timezone"],
            "total_calls_dispatched": 0,
            "total_calls_scheduled": len(recipients),
            "total_calls_finished": 0,
            "last_updated_at_unix": now,
            "status": "pending",
            "retry_count": 0,
            "telephony_call_config": copy.deepcopy(body.get("telephony_call_config")) or {},
            "target_concurrency_limit": fields["target_concurrency_limit"],
            "recipients": recipients,
        }
        self._order.serial(batch_id)
        self._limits[batch_id] = concurrency_of(agent, fields["target_concurrency_limit"])
        self._callers[batch_id] = dict(number)
        self.peaks.setdefault(batch_id, 0)
        return ApiResponse(200, _batch_call(self.batch_calls[batch_id]))

    def get(self, batch_id: str) -> ApiResponse:
        """Answer ``GET /v1/convai/batch-calling/{batch_id}``: the batch and its recipients."""
        record = self.batch_calls.get(batch_id)
        if record is None:
            return batch_not_found(batch_id)
        return ApiResponse(200, copy.deepcopy(record))

    def page(self, raw_query: Mapping[str, str]) -> ApiResponse:
        """Answer ``GET /v1/convai/batch-calling/workspace``: newest first, by ``last_doc``."""
        query, errors = validate_query(LIST_QUERY, raw_query)
        scope = json.dumps({"agent_id": query.get("agent_id")})
        after = read_cursor(query, scope, (int,), errors, name="last_doc")
        if errors:
            return unprocessable(errors)
        agent_id = query["agent_id"]
        keyed = [
            ((serial,), _batch_call(record))
            for serial, record in self._order.of(self.batch_calls)
            if agent_id is None or record.get("agent_id") == agent_id
        ]
        page, next_doc = paginate(
            keyed, size=query["limit"], after=after, descending=True, scope=scope
        )
        return page_reply("batch_calls", page, next_doc, cursor_key="next_doc")

    def cancel(self, batch_id: str) -> ApiResponse:
        """Answer ``POST .../{batch_id}/cancel``: pending recipients are cancelled.

        Calls under way go on to their end. A batch that has ended: 400.
        """
        record = self.batch_calls.get(batch_id)
        if record is None:
            return batch_not_found(batch_id)
        if record.get("status") in FINAL:
            return invalid_request(f"Batch call {batch_id} is already {record['status']}")
        now = int(self.clock())
        for recipient in record["recipients"]:
            if recipient.get("status") == "pending":
                recipient.update(status="cancelled", updated_at_unix=now)
        record.update(status="cancelled", last_updated_at_unix=now)
        return ApiResponse(200, _batch_call(record))

    def retry(self, batch_id: str) -> ApiResponse:
        """Answer ``POST .../{batch_id}/retry``: failed recipients are called again.

        ``retry_count`` and ``total_calls_scheduled`` grow; a batch still
        pending or calling: 400.
        """
        record = self.batch_calls.get(batch_id)
        if record is None:
            return batch_not_found(batch_id)
        if record.get("status") in ("pending", "in_progress"):
            return invalid_request(f"Batch call {batch_id} is still {record['status']}")
        now = int(self.clock())
        again = [r for r in record["recipients"] if r.get("status") == "failed"]
        for recipient in again:
            recipient.update(status="pending", updated_at_unix=now)
        record["retry_count"] += 1
        record["total_calls_scheduled"] += len(again)
        record["last_updated_at_unix"] = now
        if again:
            record["status"] = "in_progress"
        return ApiResponse(200, _batch_call(record))

    def delete(self, batch_id: str) -> ApiResponse:
        """Answer ``DELETE .../{batch_id}``: 204, no body. Its conversations stay."""
        if self.batch_calls.pop(batch_id, None) is None:
            return batch_not_found(batch_id)
        return ApiResponse(204, None)

    def export(self, batch_id: str, raw_query: Mapping[str, str]) -> ApiResponse:
        """Answer ``GET .../{batch_id}/export``: the recipients as CSV (``limit``: the first N)."""
        query, errors = validate_query(EXPORT_QUERY, raw_query)
        if errors:
            return unprocessable(errors)
        record = self.batch_calls.get(batch_id)
        if record is None:
            return batch_not_found(batch_id)
        rows = record["recipients"][: query["limit"]]
        text = io.StringIO()
        writer = csv.DictWriter(text, EXPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
        return ApiResponse(200, text.getvalue(), media_type="text/csv")

    # --- the calls -----------------------------------------------------------------

    def dispatch(self) -> list[str]:
        """Call the pending recipients of every batch that is due, within each
        batch's limit; return the conversations started."""
        now = self.clock()
        started = []
        for batch_id, record in list(self.batch_calls.items()):
            if record.get("status") not in ("pending", "in_progress"):
                continue
            if record.get("scheduled_time_unix", 0) > now:
                continue
            recipients = record["recipients"]
            running = sum(r.get("status") in RUNNING for r in recipients)
            for index, recipient in enumerate(recipients):
                if running >= self._limits.get(batch_id, 1):
                    break
                if recipient.get("status") == "pending":
                    started.append(self._call(batch_id, record, index, int(now)))
                    running += 1
            self.peaks[batch_id] = max(self.peaks.get(batch_id, 0), running)
            self._settle(record, int(now))
        return started

    def next_due(self) -> float | None:
        """When the next batch scheduled in the future is due (unix seconds), if any."""
        now = self.clock()
        due = [
            record["scheduled_time_unix"]
            for record in self.batch_calls.values()
            if record.get("status") == "pending" and record.get("scheduled_time_unix", 0) > now
        ]
        return min(due, default=None)

    def _call(self, batch_id: str, record: dict[str, Any], index: int, now: int) -> str:
        recipient = record["recipients"][index]
        caller = self._callers[batch_id]
        conversation = self._conversations.start(
            agent_id=record["agent_id"],
            agent_name=str(record.get("agent_name") or ""),
            provider=str(caller.get("provider")),
            number=caller,
            to_number=recipient["phone_number"],
            client_data=recipient.get("conversation_initiation_client_data"),
            branch_id=record.get("branch_id"),
            environment=record.get("environment"),
            batch_call={"batch_call_id": batch_id, "batch_call_recipient_id": recipient["id"]},
        )
        conversation_id = str(conversation["conversation_id"])
        self._by_conversation[conversation_id] = (batch_id, index)
        recipient.update(status="initiated", conversation_id=conversation_id, updated_at_unix=now)
        record["total_calls_dispatched"] += 1
        record.update(status="in_progress", last_updated_at_unix=now)
        return conversation_id

    def conversation_changed(self, conversation_id: str) -> None:
        """Move the recipient whose call this is, if a batch placed it, and its batch."""
        batch_id, index = self._by_conversation.get(conversation_id, ("", 0))
        record = self.batch_calls.get(batch_id)
        if record is None or index >= len(record["recipients"]):
            return
        recipient = record["recipients"][index]
        if recipient.get("conversation_id") != conversation_id:
            return  # a call of an earlier try
        conversation = self._conversations.conversations.get(conversation_id) or {}
        status = {"initiated": "initiated", "in-progress": "in_progress"}.get(
            str(conversation.get("status"))
        )
        if self._conversations.is_final(conversation_id):
            status = _BY_RESULT.get(str(self._conversations.result_of(conversation_id)), "failed")
        if status is None or status == recipient.get("status"):
            return
        now = int(self.clock())
        if recipient.get("status") in RUNNING and status not in RUNNING:
            record["total_calls_finished"] += 1
        recipient.update(status=status, updated_at_unix=now)
        record["last_updated_at_unix"] = now
        self._settle(record, now)

    @staticmethod
    def _settle(record: dict[str, Any], now: int) -> None:
        """Complete a calling batch once no recipient is pending or under way."""
        if record.get("status") not in ("pending", "in_progress"):
            return
        if record.get("scheduled_time_unix", 0) > now:
            return
        if any(r.get("status") in ("pending", *RUNNING) for r in record["recipients"]):
            return
        record.update(status="completed", last_updated_at_unix=now)
