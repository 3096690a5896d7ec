"""The journal file of a bulk run: open, lock, replay, repair, append, sync, close.

What its lines hold, how they are replayed, how durable they are and what a
damaged line means: see :mod:`elevenphone.bulk.journal_format`. Both the
format and the replay (:mod:`elevenphone.bulk.journal_replay`) are pure; this
module is the file and its lock. The operation a run applies decides what is
recorded: the journal appends what it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import errno
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .._exceptions import JournalError
from .._logs import logger
from .journal_format import (
    JOURNAL_VERSION,
    DamagedRecord,
    JournalJob,
    JournalRecord,
    PhoneNumberState,
    RecordedRequest,
    encode_line,
    request_digest,
)
from .journal_replay import JournalState, Replay, ReplayError, replay

__all__ = [
    "JOURNAL_VERSION",
    "DamagedRecord",
    "Journal",
    "JournalJob",
    "JournalRecord",
    "JournalState",
    "PhoneNumberState",
    "RecordedRequest",
    "read_journal",
]

T = TypeVar("T")


def _os_call(path: Path, action: str, call: Callable[..., T], *args: Any) -> T:
    """``call(*args)``, with an OSError turned into a JournalError naming the path."""
    try:
        return call(*args)
    except OSError as error:
        raise JournalError(f"cannot {action}: {error.strerror or error}", path=str(path)) from error


def _replay(path: Path) -> Replay:
    """Replay the file at ``path``, as it is read (it may be long)."""

    def replay_file() -> Replay:
        with path.open("rb") as file:
            return replay(file)

    try:
        return _os_call(path, "read", replay_file)
    except ReplayError as error:
        raise JournalError(error.message, path=str(path), line=error.line) from None


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
    """An append-only journal file for one bulk job (its format: see
    :mod:`elevenphone.bulk.journal_format`).

    :meth:`open` replays what the file already holds and opens it for
    appending; the ``record_*`` methods append what the run's operation gives
    them, and return once the record is durable. Memory holds what the file
    held at open plus the changes still open, not every item completed in
    this run.

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
                replayed = _replay(self.path)
                self._state = replayed.state
                if replayed.state.torn_tail:
                    self._preserve_damaged_tail(replayed.good_length, replayed.state.damaged[-1])
                elif not replayed.ends_a_line:  # torn just before its newline
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
        data = encode_line(record)
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
        self._write(self._fd, encode_line(record))
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
        return request_digest(body, salt)

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
        self, phone_number_id: str, state: PhoneNumberState, request: RecordedRequest
    ) -> None:
        """Append the state of a number before a request is sent; durable on return.

        Args:
            phone_number_id: the number.
            state: its state now, which undo restores.
            request: what the record keeps of the request about to be sent, as
                its operation decides (for an update:
                :func:`~elevenphone.bulk.operations.recorded_update`).

        Raises:
            JournalError: the write or fsync failed, now or before.
            RuntimeError: the journal is not open.
        """
        await self._append(
            JournalRecord(
                v=JOURNAL_VERSION,
                op="before",
                id=phone_number_id,
                state=state,
                request=request.assignment,
                fields=request.fields,
                digest=self.digest(request.body),
            )
        )

    async def record_after(self, phone_number_id: str, state: PhoneNumberState) -> None:
        """Append the state of a number after its request succeeded; durable on return.

        Args:
            phone_number_id: the number.
            state: its state as the reply shows it.
        """
        await self._append(
            JournalRecord(v=JOURNAL_VERSION, op="after", id=phone_number_id, state=state)
        )

    async def record_failure(self, phone_number_id: str, error: BaseException) -> None:
        """Append that the request of a number failed; durable on return.

        Args:
            phone_number_id: the number.
            error: why the request failed (its message is recorded).
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
        self._write(self._fd, encode_line(record))
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
