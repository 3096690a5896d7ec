"""Conversations: what became of each call the fake placed, and their endpoints.

A conversation is stored as ``GET /v1/convai/conversations/{id}`` returns it.
It is created ``initiated`` when a call is placed (an outbound-call request or
a batch's recipient); :meth:`ConversationStore.connect` makes it
``in-progress`` (answered and voicemail calls only, the others never connect)
and :meth:`ConversationStore.finish` ends it ``done``, or ``failed`` for a
failed call, with its result, analysis and (answered calls) a short
transcript, and returns the webhook events it makes. The result of each call
is scripted per destination number (``answered`` unless told otherwise).

Pure: :mod:`._lifecycle` drives the steps on the event loop. Talk times and
SIDs are seeded; start times come from the clock given.
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _data
from ._pages import (
    CURSOR,
    PAGE_SIZE,
    CreationOrder,
    page_reply,
    paginate,
    read_cursor,
    sip_log_page,
)
from ._responses import ApiResponse, detail, unprocessable
from ._validation import Field, enum, integer, string, validate_query

CALL_RESULTS = ("answered", "voicemail", "busy", "no_answer", "failed")
#: ``metadata.phone_call.type`` of each provider's calls (not ``sip_trunk``).
PHONE_CALL_TYPES = {"twilio": "twilio", "sip_trunk": "sip_trunking", "exotel": "exotel"}
FINAL_STATUSES = ("done", "failed")


@dataclass(frozen=True)
class _Outcome:
    """What a call result makes of a conversation."""

    status: str
    connects: bool
    termination_reason: str
    call_successful: str
    summary: str
    title: str
    failure_reason: str | None  # a call_initiation_failure event's, for calls that never connect


_OUTCOMES = {
    "answered": _Outcome(
        "done",
        True,
        "Call ended by remote party",
        "success",
        "The agent reached the callee, who listened and said goodbye.",
        "Answered call",
        None,
    ),
    "voicemail": _Outcome(
        "done",
        True,
        "Voicemail detected",
        "failure",
        "The call reached voicemail.",
        "Voicemail",
        None,
    ),
    "busy": _Outcome("done", False, "Line busy", "failure", "The line was busy.", "Busy", "busy"),
    "no_answer": _Outcome(
        "done", False, "No answer", "failure", "Nobody answered.", "No answer", "no-answer"
    ),
    "failed": _Outcome(
        "failed",
        False,
        "Call failed",
        "failure",
        "The call could not be connected.",
        "Failed call",
        "failed",
    ),
}


@dataclass(frozen=True)
class CallEvent:
    """A webhook a conversation made: its ``type``, its ``data`` and the conversation."""

    type: str
    data: dict[str, Any]
    conversation_id: str


@dataclass(frozen=True)
class _Plan:
    """How a call will go, drawn when it is placed."""

    result: str
    ring_secs: int
    talk_secs: int


_LIST_QUERY = {
    "agent_id": Field(string, None),
    "call_start_after_unix": Field(integer, None),
    "call_start_before_unix": Field(integer, None),
    "branch_id": Field(string, None),
    "call_successful": Field(enum("success", "failure", "unknown"), None),
    "summary_mode": Field(enum("exclude", "include"), "exclude"),
    "page_size": PAGE_SIZE,
    "cursor": CURSOR,
}


def conversation_not_found(conversation_id: str) -> ApiResponse:
    """The 404 answer for a conversation ID nobody holds."""
    return detail(
        404,
        "conversation_not_found",
        f"Conversation with id {conversation_id} not found",
    )


def check_call_result(result: object) -> str:
    """Return ``result`` if it is a call result. Raises ``ValueError``."""
    if result not in CALL_RESULTS:
        raise ValueError(f"a call result is one of {', '.join(CALL_RESULTS)}, not {result!r}")
    return str(result)


class ConversationStore:
    """Conversations by ID, the scripted result of each destination, and how each call goes."""

    def __init__(self, seed: int, clock: Callable[[], float] = time.time) -> None:
        self.conversations: dict[str, dict[str, Any]] = {}
        #: The result of every call to a number, by the number as dialled.
        self.call_results: dict[str, str] = {}
        self.clock = clock
        self._plans: dict[str, _Plan] = {}
        self._rng = random.Random(f"conversations-{seed}")
        self._order = CreationOrder()
        self._new: list[str] = []

    def take_new(self) -> list[str]:
        """Return the conversations started since the last call, oldest first."""
        new, self._new = self._new, []
        return new

    def start(
        self,
        *,
        agent_id: str,
        agent_name: str,
        provider: str,
        number: Mapping[str, Any],
        to_number: str,
        ids: Mapping[str, str] | None = None,
        client_data: Any = None,
        branch_id: str | None = None,
        environment: str | None = None,
        batch_call: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Create the ``initiated`` conversation of a call and return it.

        ``ids`` are those the call was answered with (``conversation_id`` and
        ``callSid`` or ``sip_call_id``); None draws fresh ones.
        """
        ids = ids or _data.call_ids(self._rng, provider)
        conversation_id = ids["conversation_id"]
        result = self.call_results.get(to_number, "answered")
        outcome = _OUTCOMES[result]
        ring = self._rng.randint(2, 9) if outcome.connects else 0
        talk = {"answered": self._rng.randint(20, 180), "voicemail": self._rng.randint(8, 30)}
        self._plans[conversation_id] = _Plan(result, ring, talk.get(result, 0))
        phone_call: dict[str, Any] = {
            "type": PHONE_CALL_TYPES.get(provider, provider),
            "direction": "outbound",
            "phone_number_id": number.get("phone_number_id"),
            "agent_number": number.get("phone_number"),
            "external_number": to_number,
        }
        if provider == "sip_trunk":
            phone_call["call_sid"] = ids.get("sip_call_id")
            parts = (_data.hex_digits(self._rng, digits) for digits in (8, 4, 4, 4, 12))
            phone_call["call_id"] = "-".join(parts)
            phone_call["sip_header_dynamic_variables"] = {}
        else:
            prefix = "MZ" if provider == "twilio" else ""
            phone_call["stream_sid"] = prefix + _data.hex_digits(self._rng, 32)
            phone_call["call_sid"] = ids.get("callSid")
        phone_call["call_result"] = None
        data = client_data if isinstance(client_data, dict) else {}
        record: dict[str, Any] = {
            "agent_id": agent_id,
            "agent_name": agent_name,
            "conversation_id": conversation_id,
            "status": "initiated",
            "user_id": data.get("user_id"),
            "branch_id": data.get("branch_id") or branch_id,
            "version_id": None,
            "environment": data.get("environment") or environment,
            "transcript": [],
            "metadata": {
                "start_time_unix_secs": int(self.clock()),
                "accepted_time_unix_secs": None,
                "call_duration_secs": 0,
                "termination_reason": None,
                "error": None,
                "phone_call": phone_call,
                "batch_call": None if batch_call is None else dict(batch_call),
                "main_language": "en",
            },
            "analysis": None,
            "conversation_initiation_client_data": copy.deepcopy(client_data),
            "has_audio": False,
            "has_user_audio": False,
            "has_response_audio": False,
            "has_auxiliary_audio": False,
            "user_message_count": 0,
            "agent_message_count": 0,
            "tag_ids": [],
        }
        self.conversations[conversation_id] = record
        self._order.serial(conversation_id)
        self._new.append(conversation_id)
        return record

    def result_of(self, conversation_id: str) -> str | None:
        """The result the call will end with (or ended with), if the fake placed it."""
        plan = self._plans.get(conversation_id)
        return None if plan is None else plan.result

    def is_final(self, conversation_id: str) -> bool:
        """Whether the conversation has ended (or is gone)."""
        record = self.conversations.get(conversation_id)
        return record is None or record.get("status") in FINAL_STATUSES

    def connect(self, conversation_id: str) -> bool:
        """Move an ``initiated`` call that connects to ``in-progress``; return whether it moved."""
        record = self.conversations.get(conversation_id)
        plan = self._plans.get(conversation_id)
        if record is None or plan is None or record.get("status") != "initiated":
            return False
        if not _OUTCOMES[plan.result].connects:
            return False
        record["status"] = "in-progress"
        metadata = record["metadata"]
        metadata["accepted_time_unix_secs"] = metadata["start_time_unix_secs"] + plan.ring_secs
        return True

    def finish(self, conversation_id: str) -> list[CallEvent]:
        """End the call with its result; return the webhook events it makes.

        A call that connected makes a ``post_call_transcription`` event, one
        that never did a ``call_initiation_failure``. Ending a conversation
        that already ended, or that the fake did not place, does nothing.
        """
        record = self.conversations.get(conversation_id)
        plan = self._plans.get(conversation_id)
        if record is None or plan is None or self.is_final(conversation_id):
            return []
        outcome = _OUTCOMES[plan.result]
        metadata = record["metadata"]
        start = metadata["start_time_unix_secs"]
        if outcome.connects:
            metadata["accepted_time_unix_secs"] = start + plan.ring_secs
        metadata["call_duration_secs"] = plan.talk_secs
        metadata["termination_reason"] = outcome.termination_reason
        if isinstance(metadata.get("phone_call"), dict):
            metadata["phone_call"]["call_result"] = plan.result
        if plan.result == "failed":
            metadata["error"] = {"code": 500, "reason": "The call could not be connected"}
        if plan.result == "answered":
            self._talk(record, plan.talk_secs)
        record["analysis"] = {
            "call_successful": outcome.call_successful,
            "transcript_summary": outcome.summary,
            "call_summary_title": outcome.title,
            "evaluation_criteria_results": {},
            "data_collection_results": {},
        }
        record["status"] = outcome.status
        if outcome.failure_reason is None:
            return [CallEvent("post_call_transcription", copy.deepcopy(record), conversation_id)]
        phone_call = metadata.get("phone_call") or {}
        failure = {
            "agent_id": record["agent_id"],
            "conversation_id": conversation_id,
            "failure_reason": outcome.failure_reason,
            "metadata": {
                "type": phone_call.get("type"),
                "body": {"call_sid": phone_call.get("call_sid"), "status": outcome.failure_reason},
            },
        }
        return [CallEvent("call_initiation_failure", failure, conversation_id)]

    @staticmethod
    def _talk(record: dict[str, Any], talk_secs: int) -> None:
        name = record.get("agent_name") or "the agent"
        record["transcript"] = [
            {"role": "agent", "message": f"Hello, this is {name}.", "time_in_call_secs": 0},
            {"role": "user", "message": "Hi, yes, go ahead.", "time_in_call_secs": 3},
            {
                "role": "agent",
                "message": "Thank you for your time. Goodbye!",
                "time_in_call_secs": max(talk_secs - 4, 4),
            },
        ]
        record["user_message_count"] = 1
        record["agent_message_count"] = 2
        for flag in ("has_audio", "has_user_audio", "has_response_audio"):
            record[flag] = True

    def call_starts(self) -> dict[str, list[int]]:
        """The start times of each agent's conversations, by agent ID."""
        starts: dict[str, list[int]] = {}
        for record in self.conversations.values():
            start = (record.get("metadata") or {}).get("start_time_unix_secs")
            if isinstance(start, int):
                starts.setdefault(str(record.get("agent_id")), []).append(start)
        return starts

    # --- the endpoints -------------------------------------------------------------

    def get(self, conversation_id: str) -> ApiResponse:
        """Answer ``GET /v1/convai/conversations/{conversation_id}``."""
        record = self.conversations.get(conversation_id)
        if record is None:
            return conversation_not_found(conversation_id)
        return ApiResponse(200, copy.deepcopy(record))

    def page(
        self, raw_query: Mapping[str, str], phone_number_ids: Sequence[str] = ()
    ) -> ApiResponse:
        """Answer ``GET /v1/convai/conversations``: summaries, newest first.

        ``phone_number_ids`` holds every value of that repeated query name.
        """
        query, errors = validate_query(_LIST_QUERY, raw_query)
        filters = {
            name: query.get(name) for name in _LIST_QUERY if name not in ("page_size", "cursor")
        }
        filters["phone_number_ids"] = list(phone_number_ids)
        scope = json.dumps(filters, sort_keys=True)
        after = read_cursor(query, scope, (int, int), errors)
        if errors:
            return unprocessable(errors)
        keyed = [
            ((int(record["metadata"]["start_time_unix_secs"]), serial), record)
            for serial, record in self._order.of(self.conversations)
            if _matches(record, filters)
        ]
        page, next_cursor = paginate(
            keyed, size=query["page_size"], after=after, descending=True, scope=scope
        )
        summaries = [_summary(record, query["summary_mode"] == "include") for record in page]
        return page_reply("conversations", summaries, next_cursor)

    def sip_messages(
        self,
        conversation_id: str,
        raw_query: Mapping[str, str],
        sip_logs: Mapping[str, Sequence[Mapping[str, Any]]],
    ) -> ApiResponse:
        """Answer ``GET /v1/convai/conversations/{id}/sip-messages``.

        The messages are those of the call's number's SIP log whose
        ``call_id`` is the call's SIP Call-ID (``phone_call.call_id``): none
        unless a test logged them (``add_sip_messages(..., call_id=...)``).
        """

        def log() -> list[Mapping[str, Any]] | ApiResponse:
            record = self.conversations.get(conversation_id)
            if record is None:
                return conversation_not_found(conversation_id)
            phone_call = (record.get("metadata") or {}).get("phone_call") or {}
            call_id = phone_call.get("call_id")
            messages = sip_logs.get(str(phone_call.get("phone_number_id")), [])
            return [m for m in messages if call_id is not None and m.get("call_id") == call_id]

        return sip_log_page(raw_query, f"conversation-sip-messages:{conversation_id}", log)


def _matches(record: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    metadata = record.get("metadata") or {}
    start = metadata.get("start_time_unix_secs")
    if not isinstance(start, int):
        return False
    phone_call = metadata.get("phone_call") or {}
    successful = (record.get("analysis") or {}).get("call_successful", "unknown")
    checks = (
        (filters["agent_id"], lambda wanted: record.get("agent_id") == wanted),
        (filters["branch_id"], lambda wanted: record.get("branch_id") == wanted),
        (filters["call_start_after_unix"], lambda wanted: start > wanted),
        (filters["call_start_before_unix"], lambda wanted: start < wanted),
        (filters["call_successful"], lambda wanted: successful == wanted),
        (
            filters["phone_number_ids"] or None,
            lambda wanted: phone_call.get("phone_number_id") in wanted,
        ),
    )
    return all(wanted is None or check(wanted) for wanted, check in checks)


def _summary(record: Mapping[str, Any], with_summary: bool) -> dict[str, Any]:
    metadata = record.get("metadata") or {}
    analysis = record.get("analysis") or {}
    summary = {
        "agent_id": record.get("agent_id"),
        "agent_name": record.get("agent_name"),
        "conversation_id": record.get("conversation_id"),
        "branch_id": record.get("branch_id"),
        "start_time_unix_secs": metadata.get("start_time_unix_secs"),
        "call_duration_secs": metadata.get("call_duration_secs", 0),
        "message_count": len(record.get("transcript") or []),
        "status": record.get("status"),
        "call_successful": analysis.get("call_successful", "unknown"),
        "termination_reason": metadata.get("termination_reason"),
        "call_summary_title": analysis.get("call_summary_title"),
        "direction": (metadata.get("phone_call") or {}).get("direction"),
    }
    if with_summary:
        summary["transcript_summary"] = analysis.get("transcript_summary")
    return summary
