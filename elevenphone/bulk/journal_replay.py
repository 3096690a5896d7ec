"""Replaying a journal: from its lines to what it says, without touching a disk.

What each record means, and what a damaged line means, is described in
:mod:`elevenphone.bulk.journal_format`. The file is read by
:mod:`elevenphone.bulk.journal`, which turns a :class:`ReplayError` into a
:class:`~elevenphone.JournalError` naming the file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .journal_format import (
    JOURNAL_VERSION,
    DamagedLine,
    DamagedRecord,
    JournalJob,
    JournalRecord,
    PhoneNumberState,
    decode_line,
    read_leniently,
)

__all__ = ["JournalState", "Replay", "ReplayError", "replay"]


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
        op, pid, state = read_leniently(text)
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


class ReplayError(ValueError):
    """Lines that cannot be replayed: a damaged line before the last, or a
    record of another format version.

    Args:
        message: what is wrong.
        line: the line at fault.
    """

    def __init__(self, message: str, *, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass
class Replay:
    """Lines replayed.

    Attributes:
        state: what they say.
        good_length: how many bytes they hold without a damaged last line.
        ends_a_line: whether those bytes end with a newline (or are none): a
            last record torn just before its newline does not.
    """

    state: JournalState
    good_length: int
    ends_a_line: bool


def replay(lines: Iterable[bytes]) -> Replay:
    """Replay the lines of a journal, each with its newline (as iterating over
    a file opened in binary mode gives them). A damaged last line is read as
    far as it goes and reported in :attr:`JournalState.damaged`.

    Args:
        lines: the journal's lines, in order.

    Raises:
        ReplayError: a damaged line before the last, or a record of another
            format version.
    """
    state = JournalState()
    offset = good = 0
    ends_a_line = True
    pending: tuple[int, bytes, DamagedLine] | None = None
    for number, line in enumerate(lines, start=1):
        if pending is not None:
            raise ReplayError(f"damaged record: {pending[2]}", line=pending[0])
        offset += len(line)
        if not line.strip():
            continue
        try:
            record = decode_line(line)
        except DamagedLine as error:
            pending = (number, line, error)
            continue
        if record.v != JOURNAL_VERSION:
            raise ReplayError(
                f"record of format version {record.v}; this version reads {JOURNAL_VERSION}",
                line=number,
            )
        state.apply(record)
        good, ends_a_line = offset, line.endswith(b"\n")
    if pending is not None:
        state.torn_tail = True
        text = pending[1].decode("utf-8", errors="replace").rstrip("\r\n")
        state.apply_damaged(pending[0], text)
    return Replay(state, good, ends_a_line)
