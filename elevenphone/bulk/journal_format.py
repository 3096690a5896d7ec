"""The bulk journal: an append-only JSON Lines record of what a bulk run changed.

Each line is one JSON object with ``v`` (format version, 1), ``op`` and ``at``
(UTC time, ISO 8601); the records of one number have its ``id``::

    {"v":1,"op":"job","at":"...","job":{"operation":"...","values":{...}},"salt":"<hex>"}
    {"v":1,"op":"before","id":"phnum_...","at":"...","state":{...},"request":{...},
     "fields":[...],"digest":"<hex>"}
    {"v":1,"op":"after","id":"phnum_...","at":"...","state":{...}}
    {"v":1,"op":"failed","id":"phnum_...","at":"...","error":"404 Not Found: ..."}
    {"v":1,"op":"undone","id":"phnum_...","at":"..."}
    {"v":1,"op":"damaged","at":"...","line":12,"text":"{\"v\":1,\"op\":\"before\",\"id..."}

The first record of a journal is its ``job``: the operation
(``reassign_agent`` or ``bulk_update``) and the values the run asked for
(``from_agent_id``, ``to_agent_id``, and ``branch_id`` and ``environment`` when
given; none for ``bulk_update``, whose values are per item). A run whose job
differs, in operation or values, is refused before anything is sent. Undo
serves the job of the journal it undoes and records none.

``state`` holds what undo restores: ``agent_id``, ``branch_id``,
``environment`` and ``label``. ``request`` holds the assignment fields the
update set (``agent_id``, ``branch_id``, ``environment``, ``label``) and
``fields`` names every field it set; trunk settings, and so SIP passwords, are
never written. ``digest`` tells one request from another without holding it:
``blake2b(body, key=salt, digest_size=16)`` of the encoded request body, keyed
with the random ``salt`` of the job record.

Replaying the lines gives each number's *open change*: a ``before`` opens it
(a later ``before`` for a change still open keeps the state of the first, so
undo restores the state before the first attempt), ``after`` marks it done,
``undone`` closes it. ``failed`` is kept for the record only. A run skips a
number only when its change is done with the same digest; a done change with
another digest is sent again. Journals written by 0.1.0 have no job record and
no digests: they are read as before, get their job record when first resumed,
and none of their numbers is skipped (sending an update again is harmless).

Durability: every record is written with one ``write`` to a file opened with
``O_APPEND``, and ``fsync`` runs before the write is acknowledged, once per
batch of records written in the same turn of the event loop. A ``before`` is
durable before its request is sent. So a crash loses at most the ``after``
records of requests in flight; such an item, whose ``before`` is written but
``after`` is not, is sent again on resume, which is harmless because PATCH sets
values (it is idempotent).

A damaged last line (a crash in the middle of a write) is never dropped
silently. It is read as far as it goes (its ``op``, ``id`` and ``state``) and
reported in :attr:`JournalState.damaged`, with the number it concerns and that
number's state before the run when they can be read; :meth:`Journal.open` logs
it as a WARNING and bulk runs return it in ``warnings``. A damaged ``before``
whose number and state read still opens a change, so undo restores the
number; whatever the line was, its number's change is no longer done.
:meth:`Journal.open` replaces the damaged bytes by a ``damaged`` record holding
their text (``line`` is the line it was), so that every later read reports it
too. A damaged line before the last one is an error.

One run at a time: :meth:`Journal.open` takes an exclusive, non-blocking OS
lock on the file (``flock``; ``msvcrt.locking`` on Windows) on the descriptor
it appends with, held until :meth:`Journal.close`. A second open, from this
process or another, is refused with :class:`JournalError`.

Every OSError of the journal (open, lock, read, write, fsync, close) is raised
as a :class:`JournalError` naming the file, with the OSError as its cause.
After a failed write or fsync every later record is refused: what was written
last may be torn, and nothing may follow it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import msgspec

from .._models import PhoneNumber, UpdatePhoneNumberRequest

__all__ = [
    "JOURNAL_VERSION",
    "DamagedLine",
    "DamagedRecord",
    "JournalJob",
    "JournalRecord",
    "PhoneNumberState",
    "RecordedRequest",
    "decode_line",
    "encode_line",
    "read_leniently",
    "request_digest",
]

JOURNAL_VERSION = 1


class PhoneNumberState(msgspec.Struct, frozen=True, kw_only=True):
    """What undo restores of a phone number: its agent, branch, environment and label.

    Args:
        agent_id: the assigned agent (None: unassigned).
        branch_id: the agent branch.
        environment: the agent environment.
        label: the number's label.
    """

    agent_id: str | None
    branch_id: str | None = None
    environment: str | None = None
    label: str = ""

    @classmethod
    def of(cls, number: PhoneNumber) -> PhoneNumberState:
        """The state of ``number`` as the API returned it.

        Args:
            number: a phone number, as the API returned it.
        """
        agent = number.assigned_agent
        if agent is None:
            return cls(agent_id=None, label=number.label)
        return cls(
            agent_id=agent.agent_id,
            branch_id=agent.branch_id,
            environment=agent.environment,
            label=number.label,
        )

    def restore_request(self) -> UpdatePhoneNumberRequest:
        """The update that puts a number back into this state."""
        if self.agent_id is None:
            return UpdatePhoneNumberRequest(agent_id=None, label=self.label)
        # Each field of the state is an update field of the same name.
        return UpdatePhoneNumberRequest(**msgspec.structs.asdict(self))


class JournalJob(msgspec.Struct, frozen=True, kw_only=True):
    """The job a journal serves: the operation, and the values the run asked for.

    ``values`` holds what the whole run sets (a value not given is left out);
    it is empty for ``bulk_update``, whose values are per item.
    """

    operation: str
    values: dict[str, Any] = msgspec.field(default_factory=dict)

    def difference(self, other: JournalJob) -> str | None:
        """How ``other`` differs from this job, for a person; None if it does not."""
        if other.operation != self.operation:
            return f"this journal serves {self.operation}; this run is {other.operation}"
        names = [*self.values, *(name for name in other.values if name not in self.values)]
        differ = [name for name in names if _shown(self, name) != _shown(other, name)]
        if not differ:
            return None
        return (
            f"this journal serves {self.operation} {_values(self, differ)};"
            f" this run asks {_values(other, differ)}"
        )


def _shown(job: JournalJob, name: str) -> str:
    return repr(job.values[name]) if name in job.values else "(not given)"


def _values(job: JournalJob, names: list[str]) -> str:
    return " ".join(f"{name}={_shown(job, name)}" for name in names)


class JournalRecord(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One line of the journal."""

    v: int
    op: Literal["job", "before", "after", "failed", "undone", "damaged"]
    id: str = ""
    at: str = ""
    state: PhoneNumberState | None = None
    request: dict[str, Any] | None = None
    fields: list[str] | None = None
    digest: str | None = None
    error: str | None = None
    job: JournalJob | None = None
    salt: str | None = None
    line: int | None = None
    text: str | None = None


class RecordedRequest(NamedTuple):
    """What a ``before`` record keeps of the request about to be sent; the
    operation that sends it decides (see
    :func:`~elevenphone.bulk.operations.recorded_update`).

    Attributes:
        assignment: the fields it sets that undo restores (written as ``request``).
        fields: the name of every field it sets.
        body: the request as sent: only its keyed digest is written.
    """

    assignment: dict[str, Any]
    fields: list[str]
    body: bytes


def request_digest(body: bytes, salt: bytes) -> str:
    """The digest of an encoded request body, keyed with a job's ``salt``.

    Args:
        body: the request body, as sent.
        salt: the salt of the journal's job record.
    """
    return hashlib.blake2b(body, key=salt, digest_size=16).hexdigest()


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(JournalRecord)


def encode_line(record: JournalRecord) -> bytes:
    """``record`` as a journal line, its newline included."""
    return _encoder.encode(record) + b"\n"


class DamagedLine(ValueError):
    """A line that does not read as a record; the message says why."""


def decode_line(line: bytes) -> JournalRecord:
    """The record a journal line holds, of whatever format version it says.

    Raises:
        DamagedLine: it is not a record: not JSON, not of the record's shape,
            or a record of a number without the number's ``id``.
    """
    try:
        record = _decoder.decode(line)
    except msgspec.DecodeError as error:
        raise DamagedLine(str(error)) from error
    if not record.id and record.op not in ("job", "damaged"):
        raise DamagedLine(f"a {record.op!r} record without an id")
    return record


def _state_text(state: PhoneNumberState) -> str:
    return ", ".join(f"{name}={getattr(state, name)!r}" for name in state.__struct_fields__)


@dataclass(frozen=True)
class DamagedRecord:
    """A damaged last line of a journal, read as far as it goes.

    Attributes:
        line: its line number.
        text: what it held (bytes that are not UTF-8 replaced).
        op: its ``op``, when readable.
        phone_number_id: the number it concerns, when readable.
        state_before: that number's state before the run, when known (from
            this line or an earlier record).
        salvaged: it was a ``before`` whose state could be read: kept as an
            open change, so that undo restores the number.
    """

    line: int
    text: str
    op: str | None = None
    phone_number_id: str | None = None
    state_before: PhoneNumberState | None = None
    salvaged: bool = False

    @property
    def message(self) -> str:
        """What the damage means, for a person."""
        what = f"damaged {self.op!r} record" if self.op else "damaged record"
        pid, state = self.phone_number_id, self.state_before
        if pid is None:
            return f"{what}; which number it concerns cannot be read: {self.text[:120]!r}"
        if state is None:
            if self.op == "before":
                return (
                    f"{what} of {pid}; its state before the run cannot be read, so undo"
                    " cannot restore it (its update was not sent if the run stopped while"
                    " writing this line): check this number"
                )
            return f"{what} of {pid}; the journal holds no state of it before the run"
        if self.op == "before":
            source = "read from this line" if self.salvaged else "known from an earlier record"
            return (
                f"{what} of {pid}; kept as an open change, so undo restores its state"
                f" before the run ({source}): {_state_text(state)}"
            )
        return (
            f"{what} of {pid}; its change stays open (a resume sends its update again,"
            f" undo restores it); its state before the run: {_state_text(state)}"
        )


_OP = re.compile(r'"op"\s*:\s*"(\w+)"')
_ID = re.compile(r'"id"\s*:\s*(?=")')
_STATE = re.compile(r'"state"\s*:\s*(?=\{)')
_json_decoder = json.JSONDecoder()


def _value_at(pattern: re.Pattern[str], text: str) -> Any:
    """The JSON value that follows the first match of ``pattern``, if it reads."""
    match = pattern.search(text)
    if match is None:
        return None
    try:
        return _json_decoder.raw_decode(text, match.end())[0]
    except ValueError:
        return None


def read_leniently(text: str) -> tuple[str | None, str | None, PhoneNumberState | None]:
    """The ``op``, ``id`` and ``state`` of a damaged line, as far as they read.

    Args:
        text: the line's text.
    """
    op = match.group(1) if (match := _OP.search(text)) else None
    pid = _value_at(_ID, text)
    try:
        state = msgspec.convert(_value_at(_STATE, text), PhoneNumberState)
    except msgspec.ValidationError:
        state = None
    return op, pid if isinstance(pid, str) and pid else None, state
