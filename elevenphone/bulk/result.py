"""What a bulk run reports: one outcome per item, live progress, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Literal

import msgspec

from .._exceptions import BulkUpdateError
from .._models import PhoneNumber

__all__ = ["BulkOutcome", "BulkProgress", "BulkResult"]


class BulkOutcome(msgspec.Struct, frozen=True):
    """How one item of a bulk run ended. Each argument is the attribute of that name.

    (A Struct: one is made per item of every run, and its construction runs in C.)

    Args:
        phone_number_id: the number.
        status: ``"succeeded"``, ``"failed"``, or ``"skipped"`` (the journal
            says it was done already; nothing was sent).
        phone_number: the number as updated, when it succeeded.
        error: why it failed, when it failed.
        requests: requests sent for this item (retries and a ``get`` of its
            state before, for the journal, included).
    """

    phone_number_id: str
    status: Literal["succeeded", "failed", "skipped"]
    phone_number: PhoneNumber | None = None
    error: Exception | None = None
    requests: int = 0

    @property
    def ok(self) -> bool:
        """Whether the item needs no more work (succeeded or skipped)."""
        return self.status != "failed"


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot of a running bulk job, given to ``on_progress``. Each
    argument is the attribute of that name.

    Args:
        total: the number of items, when known in advance (else None).
        done: items finished, whatever their outcome.
        succeeded: items updated.
        failed: items that failed.
        skipped: items the journal says were done already.
        requests: requests sent so far.
        retries: requests sent again after a failed attempt.
        rate_limited: 429 replies received, of either kind.
        in_flight: requests in flight now.
        concurrency_limit: how many requests may be in flight now (adaptive:
            it grows from a small start, follows the account's limit, and
            probes one above it now and then).
        elapsed: seconds since the run started.
        limit_found: the account's in-flight limit for this run, as the
            latest 429 ``concurrent_limit_exceeded`` showed it (None: none
            yet, the run never exceeded it).
        peak_in_flight: the most requests in flight at once so far.
        concurrency_limited: of ``rate_limited``, the 429s for too many
            requests in flight.
        paced_rate: requests per second the run holds itself to after 429
            ``rate_limit_exceeded`` (None: not paced).
    """

    total: int | None
    done: int
    succeeded: int
    failed: int
    skipped: int
    requests: int
    retries: int
    rate_limited: int
    in_flight: int
    concurrency_limit: int
    elapsed: float
    limit_found: int | None = None
    peak_in_flight: int = 0
    concurrency_limited: int = 0
    paced_rate: float | None = None


_SHOWN_FAILURES = 3
_SHORT_MESSAGE = 80


def _brief(error: Exception) -> str:
    """``error`` in a few words: its type and the start of its message."""
    message = str(error)
    if len(message) > _SHORT_MESSAGE:
        message = message[: _SHORT_MESSAGE - 3] + "..."
    return f"{type(error).__name__}({message!r})"


@dataclass(repr=False)
class BulkResult:
    """The result of a whole bulk run. Each argument is the attribute of that name.

    Its ``repr`` stays short whatever the run's size: the counts and the first
    three failures (the attributes hold everything).

    Args:
        succeeded: each updated number, by id, as the API returned it.
        failed: why each failed item failed, by id.
        skipped: ids the journal says were done already (nothing sent).
        requests: requests sent, retries included.
        retries: requests sent again after a failed attempt.
        rate_limited: 429 replies received, of either kind.
        elapsed: seconds the run took.
        concurrency_limit: the adaptive in-flight limit at the end of the run.
        limit_found: the account's in-flight limit for this run, as the
            latest 429 ``concurrent_limit_exceeded`` showed it (None: the run
            never exceeded it).
        peak_in_flight: the most requests in flight at once.
        concurrency_limited: of ``rate_limited``, the 429s for too many
            requests in flight.
        paced_rate: requests per second the run held itself to at the end,
            after 429 ``rate_limit_exceeded`` (None: not paced).
        stopped_early: ``stop_on_error`` stopped the run before every item ran.
        warnings: what the journal reported: one message per damaged last
            line, saying which number it concerns and its state before the
            run, when they can be read.
    """

    succeeded: dict[str, PhoneNumber] = field(default_factory=dict)
    failed: dict[str, Exception] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    elapsed: float = 0.0
    concurrency_limit: int = 0
    limit_found: int | None = None
    peak_in_flight: int = 0
    concurrency_limited: int = 0
    paced_rate: float | None = None
    stopped_early: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether no item failed."""
        return not self.failed

    def __repr__(self) -> str:
        # Counts and the first failures: a run's numbers, in full, would be
        # hundreds of kilobytes in a log line or a traceback.
        parts = [
            f"succeeded={len(self.succeeded)}",
            f"failed={len(self.failed)}",
            f"skipped={len(self.skipped)}",
            f"requests={self.requests}",
            f"retries={self.retries}",
            f"elapsed={self.elapsed:.2f}",
        ]
        if self.stopped_early:
            parts.append("stopped_early=True")
        if self.failed:
            shown = [
                f"{pid!r}: {_brief(error)}"
                for pid, error in islice(self.failed.items(), _SHOWN_FAILURES)
            ]
            if len(self.failed) > _SHOWN_FAILURES:
                shown.append("...")
            parts.append(f"failures={{{', '.join(shown)}}}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def raise_for_failures(self) -> None:
        """Raise if any item failed.

        Raises:
            BulkUpdateError: with ``.failed``, when any item failed.
        """
        if self.failed:
            raise BulkUpdateError(self.failed, total=len(self.succeeded) + len(self.failed))
