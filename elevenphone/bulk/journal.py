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

import asyncio
import contextlib
import datetime
import errno
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

import msgspec

from .._exceptions import JournalError
from .._logs import logger
from .._models import PhoneNumber, UpdatePhoneNumberRequest
from .._wire import encode_update_request

__all__ = [
    "JOURNAL_VERSION",
    "DamagedRecord",
    "Journal",
    "JournalJob",
    "JournalRecord",
    "JournalState",
    "PhoneNumberState",
    "read_journal",
]

JOURNAL_VERSION = 1

T = TypeVar("T")


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
        return UpdatePhoneNumberRequest(
            agent_id=self.agent_id,
            branch_id=self.branch_id,
            environment=self.environment,
            label=self.label,
        )


_RESTORED = PhoneNumberState.__struct_fields__


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


def _read_leniently(text: str) -> tuple[str | None, str | None, PhoneNumberState | None]:
    """The ``op``, ``id`` and ``state`` of a damaged line, as far as they read."""
    op = match.group(1) if (match := _OP.search(text)) else None
    pid = _value_at(_ID, text)
    try:
        state = msgspec.convert(_value_at(_STATE, text), PhoneNumberState)
    except msgspec.ValidationError:
        state = None
    return op, pid if isinstance(pid, str) and pid else None, state


@dataclass
class JournalState:
    """What a journal says, replayed.

    Attributes:
        open_changes: for each number with an open change, its state before
            the change (what undo restores), in the order the changes began.
        done: numbers whose open change succeeded.
        undone: numbers whose last change was undone (put back).
        digests: for each open change, the digest of the request of its last
            ``before`` (absent in journals written by 0.1.0).
        job: the job the journal serves, if recorded.
        salt: the key of the digests, kept with the job.
        damaged: every damaged last line met, this one or one preserved by an
            earlier :meth:`Journal.open` as a ``damaged`` record.
        torn_tail: whether the last line is damaged (it is in ``damaged``).
    """

    open_changes: dict[str, PhoneNumberState] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    undone: set[str] = field(default_factory=set)
    digests: dict[str, str] = field(default_factory=dict)
    job: JournalJob | None = None
    salt: bytes | None = None
    damaged: list[DamagedRecord] = field(default_factory=list)
    torn_tail: bool = False

    def apply(self, record: JournalRecord) -> None:
        """Replay one record."""
        if record.op == "before":
            if record.id not in self.open_changes and record.state is not None:
                self.open_changes[record.id] = record.state
            # This request may or may not have been applied: not done, until its "after".
            self.done.discard(record.id)
            self.undone.discard(record.id)
            if record.digest is None:
                self.digests.pop(record.id, None)
            else:
                self.digests[record.id] = record.digest
        elif record.op == "after":
            if record.id in self.open_changes:
                self.done.add(record.id)
        elif record.op == "undone":
            self.undone.add(record.id)
            self.open_changes.pop(record.id, None)
            self.done.discard(record.id)
            self.digests.pop(record.id, None)
        elif record.op == "damaged":
            self.apply_damaged(record.line or 0, record.text or "")
        elif record.op == "job" and self.job is None and record.job is not None:
            self.job = record.job
            # A salt that does not read matches no digest: nothing is skipped.
            with contextlib.suppress(ValueError):
                self.salt = bytes.fromhex(record.salt or "")

    def apply_damaged(self, line: int, text: str) -> DamagedRecord:
        """Replay a damaged line as far as it reads, and report it in ``damaged``.

        A ``before`` whose number and state read opens a change like any
        ``before``. Whatever the line was, the change of its number is no
        longer done: what happened to the number is not known.
        """
        op, pid, state = _read_leniently(text)
        salvaged = False
        if pid is not None:
            if op == "before" and state is not None:
                salvaged = pid not in self.open_changes
                self.apply(JournalRecord(v=JOURNAL_VERSION, op="before", id=pid, state=state))
            self.done.discard(pid)
        damaged = DamagedRecord(
            line=line,
            text=text,
            op=op,
            phone_number_id=pid,
            state_before=None if pid is None else self.open_changes.get(pid),
            salvaged=salvaged,
        )
        self.damaged.append(damaged)
        return damaged


_record_decoder = msgspec.json.Decoder(JournalRecord)
_encoder = msgspec.json.Encoder()


def _records(path: Path) -> Iterator[tuple[int, JournalRecord | bytes, int]]:
    """Yield ``(line number, record, end offset)``; for a damaged last line the
    record is its bytes. Raises JournalError for a bad line that is not the last."""
    with path.open("rb") as file:
        offset = 0
        pending: tuple[int, bytes, Exception] | None = None
        for number, line in enumerate(file, start=1):
            if pending is not None:
                bad_line, _, error = pending
                raise JournalError(f"damaged record: {error}", path=str(path), line=bad_line)
            offset += len(line)
            if not line.strip():
                continue
            try:
                record = _record_decoder.decode(line)
            except msgspec.DecodeError as error:
                pending = (number, line, error)
                continue
            if not record.id and record.op not in ("job", "damaged"):
                pending = (number, line, ValueError(f"a {record.op!r} record without an id"))
                continue
            if record.v != JOURNAL_VERSION:
                raise JournalError(
                    f"record of format version {record.v}; this version reads {JOURNAL_VERSION}",
                    path=str(path),
                    line=number,
                )
            yield number, record, offset
        if pending is not None:
            yield pending[0], pending[1], offset


@dataclass
class _Replay:
    state: JournalState
    good_length: int  # the file without its damaged last line
    ends_a_line: bool  # the good part ends with a newline (or is empty)


def _replay(path: Path) -> _Replay:
    state = JournalState()
    good, last = 0, b""
    try:
        for number, record, end in _records(path):
            if isinstance(record, bytes):
                state.torn_tail = True
                text = record.decode("utf-8", errors="replace").rstrip("\r\n")
                state.apply_damaged(number, text)
            else:
                state.apply(record)
                good = end
        if good:
            with path.open("rb") as file:
                file.seek(good - 1)
                last = file.read(1)
    except OSError as error:
        raise JournalError(f"cannot read: {error.strerror or error}", path=str(path)) from error
    return _Replay(state, good, not good or last == b"\n")


def _os_call(path: Path, action: str, call: Callable[..., T], *args: Any) -> T:
    """``call(*args)``, with an OSError turned into a JournalError naming the path."""
    try:
        return call(*args)
    except OSError as error:
        raise JournalError(f"cannot {action}: {error.strerror or error}", path=str(path)) from error


def read_journal(path: str | os.PathLike[str]) -> JournalState:
    """Replay the journal at ``path``. A damaged last line is read as far as
    it goes and reported in :attr:`JournalState.damaged` (not logged).

    Raises:
        JournalError: the file cannot be read, holds a damaged line before the
            last, or a record of an unknown version.
    """
    return _replay(Path(path)).state


if sys.platform == "win32":
    import msvcrt

    # A byte far past any journal's end: locking it leaves the records free to
    # be written, and LockFileEx allows locks beyond the end of a file.
    _LOCK_OFFSET = 1 << 40

    def _lock(fd: int) -> None:
        where = os.lseek(fd, 0, os.SEEK_CUR)
        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        finally:
            os.lseek(fd, where, os.SEEK_SET)

    _IN_USE = frozenset({errno.EACCES, errno.EDEADLK})
else:
    import fcntl

    def _lock(fd: int) -> None:
        # flock locks belong to the open file description: a second open of
        # the same file is refused, in this process as in any other.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    _IN_USE = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


class Journal:
    """An append-only journal file for one bulk job (see the module docstring).

    :meth:`open` replays what the file already holds and opens it for
    appending; the ``record_*`` methods append, and return once the record is
    durable. Memory holds what the file held at open plus the changes still
    open, not every item completed in this run.

    Args:
        path: the file; created (mode 0600) if missing.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._state = JournalState()
        self._batch: asyncio.Future[None] | None = None
        self._failure: JournalError | None = None

    @property
    def state(self) -> JournalState:
        """The state the file held when opened, kept current as records are
        appended, except that a change which succeeds (its ``after``) leaves
        memory: the file keeps it for undo. Replay the file
        (:func:`read_journal`) for every change."""
        return self._state

    @property
    def is_open(self) -> bool:
        """Whether the file is open for appending."""
        return self._fd is not None

    def open(self, *, create: bool = True) -> None:
        """Lock the file, replay it, preserve a damaged last line as a
        ``damaged`` record, and open it for appending. Each damaged last line
        the journal holds is logged as a WARNING on the ``elevenphone`` logger.

        Args:
            create: create the file when it does not exist (else that is an error).

        Raises:
            JournalError: another run holds the journal, the file cannot be
                opened, locked, read or repaired, or it holds a damaged line
                before the last.
            RuntimeError: already open.
        """
        if self._fd is not None:
            raise RuntimeError(f"journal {self.path} is already open")
        flags = os.O_WRONLY | os.O_APPEND | (os.O_CREAT if create else 0)
        fd = _os_call(self.path, "open", os.open, self.path, flags, 0o600)
        try:
            self._lock(fd)
            # Only a regular file holds records; a device (such as /dev/full)
            # would be read forever.
            if stat.S_ISREG(_os_call(self.path, "read", os.fstat, fd).st_mode):
                replay = _replay(self.path)
                self._state = replay.state
                if replay.state.torn_tail:
                    self._preserve_damaged_tail(replay.good_length, replay.state.damaged[-1])
                elif not replay.ends_a_line:  # torn just before its newline
                    _os_call(self.path, "repair", os.write, fd, b"\n")
                    _os_call(self.path, "repair", os.fsync, fd)
        except BaseException:
            with contextlib.suppress(OSError):  # the error raised says more
                os.close(fd)
            raise
        self._fd = fd
        self._failure = None
        for warning in self.warnings:
            logger.warning("%s", warning)

    @property
    def warnings(self) -> list[str]:
        """One message for each damaged last line the journal holds (see
        :attr:`JournalState.damaged`), naming the file and line."""
        return [f"{self.path}:{d.line}: {d.message}" for d in self._state.damaged]

    def _preserve_damaged_tail(self, offset: int, damaged: DamagedRecord) -> None:
        """Replace the damaged last line, from ``offset``, by a ``damaged``
        record holding its text, so that later reads still report it."""
        record = JournalRecord(
            v=JOURNAL_VERSION, op="damaged", at=_now(), line=damaged.line, text=damaged.text
        )
        data = _encoder.encode(record) + b"\n"
        # Written over the damaged bytes before the rest of them is cut off:
        # at no point is the file without the text.
        fd = _os_call(self.path, "repair", os.open, self.path, os.O_WRONLY)
        try:
            _os_call(self.path, "repair", os.lseek, fd, offset, os.SEEK_SET)
            self._write(fd, data)
            _os_call(self.path, "repair", os.ftruncate, fd, offset + len(data))
            _os_call(self.path, "repair", os.fsync, fd)
        finally:
            _os_call(self.path, "repair", os.close, fd)

    def _lock(self, fd: int) -> None:
        try:
            _lock(fd)
        except OSError as error:
            if error.errno in _IN_USE:
                raise JournalError(
                    "in use by another run (in this process or another); a journal"
                    " serves one run at a time",
                    path=str(self.path),
                ) from error
            raise JournalError(
                f"cannot lock: {error.strerror or error}", path=str(self.path)
            ) from error

    def serve(self, job: JournalJob) -> None:
        """Make the journal serve ``job``: record it (with a new salt) in a
        journal that has no job yet, else check that it is the job recorded.

        Args:
            job: the operation and the values the run asks for.

        Raises:
            JournalError: the journal serves another job, or the same operation
                with other values (the message says what differs); or the
                record cannot be written.
            RuntimeError: the journal is not open.
        """
        if self._fd is None:
            raise RuntimeError(f"journal {self.path} is not open")
        recorded = self._state.job
        if recorded is not None:
            difference = recorded.difference(job)
            if difference is not None:
                raise JournalError(f"{difference}; use a new journal", path=str(self.path))
            return
        if self._failure is not None:
            raise self._failure
        salt = os.urandom(16)
        record = JournalRecord(v=JOURNAL_VERSION, op="job", at=_now(), job=job, salt=salt.hex())
        self._write(self._fd, _encoder.encode(record) + b"\n")
        try:
            os.fsync(self._fd)
        except OSError as error:
            raise self._failed("sync", error) from error
        self._state.apply(record)

    def digest(self, body: bytes) -> str | None:
        """The keyed digest of an encoded request body; None before a job is recorded.

        Args:
            body: the request body, as sent.
        """
        salt = self._state.salt
        if not salt:
            return None
        return hashlib.blake2b(body, key=salt, digest_size=16).hexdigest()

    def is_done(self, phone_number_id: str, body: bytes | None = None) -> bool:
        """Whether the journal holds a completed change of this number.

        Args:
            phone_number_id: the number.
            body: an encoded request: if given, only a change that sent this
                same request counts.
        """
        if phone_number_id not in self._state.done:
            return False
        if body is None:
            return True
        digest = self.digest(body)
        return digest is not None and self._state.digests.get(phone_number_id) == digest

    def has_before(self, phone_number_id: str) -> bool:
        """Whether an open change of this number already has its ``before``.

        Args:
            phone_number_id: the number.
        """
        return phone_number_id in self._state.open_changes

    def state_before(self, phone_number_id: str) -> PhoneNumberState | None:
        """The state kept for undo by the open change of this number, if any.

        Args:
            phone_number_id: the number.
        """
        return self._state.open_changes.get(phone_number_id)

    async def record_before(
        self,
        phone_number_id: str,
        state: PhoneNumberState,
        request: UpdatePhoneNumberRequest,
        *,
        body: bytes | None = None,
    ) -> None:
        """Append the state of a number before ``request`` is sent; durable on return.

        Args:
            phone_number_id: the number.
            state: its state now, which undo restores.
            request: the update about to be sent.
            body: ``request`` encoded, if it is already: saves encoding it
                again for its digest.

        Raises:
            JournalError: the write or fsync failed, now or before.
            RuntimeError: the journal is not open.
        """
        given = {name: getattr(request, name) for name in request.__struct_fields__}
        given = {name: value for name, value in given.items() if value is not msgspec.UNSET}
        # What undo restores is what the record keeps of the request (no secrets).
        assignment = {name: given[name] for name in _RESTORED if name in given}
        digest = None
        if self._state.salt:
            digest = self.digest(body if body is not None else encode_update_request(request))
        await self._append(
            JournalRecord(
                v=JOURNAL_VERSION,
                op="before",
                id=phone_number_id,
                state=state,
                request=assignment,
                fields=sorted(given),
                digest=digest,
            )
        )

    async def record_after(self, phone_number_id: str, number: PhoneNumber) -> None:
        """Append the state of a number after its update succeeded; durable on return.

        Args:
            phone_number_id: the number.
            number: the number as the update returned it.
        """
        await self._append(
            JournalRecord(
                v=JOURNAL_VERSION, op="after", id=phone_number_id, state=PhoneNumberState.of(number)
            )
        )

    async def record_failure(self, phone_number_id: str, error: BaseException) -> None:
        """Append that the update of a number failed; durable on return.

        Args:
            phone_number_id: the number.
            error: why the update failed (its message is recorded).
        """
        await self._append(
            JournalRecord(v=JOURNAL_VERSION, op="failed", id=phone_number_id, error=str(error))
        )

    async def record_undone(self, phone_number_id: str) -> None:
        """Append that a number was put back into its state before; durable on return.

        Args:
            phone_number_id: the number.
        """
        await self._append(JournalRecord(v=JOURNAL_VERSION, op="undone", id=phone_number_id))

    async def _append(self, record: JournalRecord) -> None:
        if self._fd is None:
            raise RuntimeError(f"journal {self.path} is not open")
        if self._failure is not None:
            raise self._failure
        record.at = _now()
        self._write(self._fd, _encoder.encode(record) + b"\n")
        if record.op == "after":
            # Kept for undo in the file only, so a run's memory does not grow
            # with the items it completes.
            self._state.open_changes.pop(record.id, None)
            self._state.digests.pop(record.id, None)
        else:
            self._state.apply(record)
        batch = self._batch
        if batch is None:
            loop = asyncio.get_running_loop()
            batch = self._batch = loop.create_future()
            loop.call_soon(self._sync_batch, batch)
        # Shielded: a cancelled writer must not cancel the batch other writers wait on.
        await asyncio.shield(batch)

    def _write(self, fd: int, data: bytes) -> None:
        try:
            written = os.write(fd, data)
            while written < len(data):  # regular files rarely write short; be exact anyway
                written += os.write(fd, data[written:])
        except OSError as error:
            raise self._failed("write", error) from error

    def _failed(self, action: str, error: OSError) -> JournalError:
        """The JournalError for ``error``; every later record is refused with it,
        since a failed write may have left a torn line that nothing may follow."""
        failure = JournalError(f"cannot {action}: {error.strerror or error}", path=str(self.path))
        failure.__cause__ = error
        if self._failure is None:
            self._failure = failure
        return failure

    def _sync_batch(self, batch: asyncio.Future[None]) -> None:
        if self._batch is batch:
            self._batch = None
        if batch.done():
            return
        try:
            if self._fd is not None:
                os.fsync(self._fd)
        except OSError as error:
            batch.set_exception(self._failed("sync", error))
            batch.exception()  # retrieved: each waiter gets it re-raised
            return
        batch.set_result(None)

    def close(self) -> None:
        """Make every record durable, close the file and release its lock. Idempotent.

        Raises:
            JournalError: the final fsync or the close failed.
        """
        fd, self._fd = self._fd, None
        batch, self._batch = self._batch, None
        if fd is None:
            return
        failure: JournalError | None = None
        try:
            _os_call(self.path, "sync", os.fsync, fd)
        except JournalError as error:
            failure = error
            raise
        finally:
            try:
                _os_call(self.path, "close", os.close, fd)
            finally:
                # Writers still waiting learn whether their records are durable.
                if batch is not None and not batch.done():
                    if failure is None:
                        batch.set_result(None)
                    else:
                        batch.set_exception(failure)
                        batch.exception()  # retrieved: each waiter gets it re-raised

    def __enter__(self) -> Journal:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
            return
        with contextlib.suppress(JournalError):  # the error already raised says more
            self.close()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r}, open={self.is_open})"
