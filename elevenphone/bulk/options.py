"""The settings of a bulk run, as one value: each default written once.

The bulk methods take them as keyword arguments (:class:`BulkSettings`, with
the per-call options of :class:`~elevenphone.RequestOptions`);
:meth:`BulkOptions.of` checks them into the value every layer of a run reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypedDict

from .._options import DEFAULT_OPTIONS, CallOptions, RequestOptions, call_options
from .journal import Journal
from .result import BulkProgress

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkOptions",
    "BulkSettings",
    "BulkUpdateArgs",
    "JournalArg",
    "ProgressCallback",
    "UndoArgs",
    "UndoSettings",
]

DEFAULT_CONCURRENCY = 8
"""The most requests a run has in flight unless told otherwise."""

ProgressCallback = Callable[[BulkProgress], object]
"""Called with a :class:`BulkProgress` after each item finishes."""

JournalArg = str | os.PathLike[str] | Journal | None
"""A journal: a path, a :class:`Journal`, or None for none."""


class UndoSettings(TypedDict, total=False):
    """How a bulk run goes: the settings :meth:`PhoneNumbers.undo` takes."""

    concurrency: int
    """The most requests in flight (default 8). Within it the run starts at
    8, finds the account's own limit from 429 ``concurrent_limit_exceeded``
    and its counts, and follows it as it moves
    (:class:`AdaptiveConcurrencyLimit`)."""
    max_rate: float | None
    """The most requests per second (None, the default: no cap)."""
    on_progress: ProgressCallback | None
    """Called with a :class:`BulkProgress` after each item."""


class BulkSettings(UndoSettings, total=False):
    """How a bulk run goes: the settings ``bulk_update``, ``iter_bulk_update``
    and ``reassign_agent`` take, besides :class:`UndoSettings`."""

    stop_on_error: bool
    """Start no new item once one has failed (default False)."""
    journal: str | os.PathLike[str] | Journal | None
    """A path (or :class:`Journal`) of an append-only record of each number's
    state before and after its update. A journal serves one job and one run
    at a time: running again with it skips the numbers done already with the
    same update (another update of a number is sent); a journal of another
    job is refused. :meth:`PhoneNumbers.undo` puts the numbers back. Without
    a journal, nothing is fetched before an update; with one, the state
    before is fetched with a ``get`` per number (``reassign_agent``'s listing
    gives it instead)."""
    check_agent: bool
    """Check each agent the updates assign, with one GET of it (and of the
    branch asked for) before the first update that assigns it: a missing or
    archived agent or branch raises :class:`AgentCheckError` and ends the
    run (default True; see :mod:`elevenphone.bulk.preflight`)."""


class BulkUpdateArgs(BulkSettings, RequestOptions, total=False):
    """The keyword arguments of the bulk runs: :class:`BulkSettings`, and the
    per-call options (:class:`RequestOptions`), given to every request of
    the run."""


class UndoArgs(UndoSettings, RequestOptions, total=False):
    """The keyword arguments of :meth:`PhoneNumbers.undo`: :class:`UndoSettings`
    and the per-call options (:class:`RequestOptions`)."""


_SETTINGS = frozenset(BulkSettings.__annotations__) | frozenset(UndoSettings.__annotations__)


@dataclass(frozen=True)
class BulkOptions:
    """The settings of a bulk run, checked: what every layer of a run reads.
    Each argument is the attribute of that name.

    Args:
        concurrency: the most requests in flight.
        max_rate: the most requests per second (None: no cap).
        stop_on_error: start no new item once one has failed.
        journal: the journal, or None.
        check_agent: check each agent the updates assign before the first
            update that assigns it.
        on_progress: called with a :class:`BulkProgress` after each item.
        options: the per-call options of every request of the run.

    Raises:
        ValueError: ``concurrency`` or ``max_rate`` out of range.
        TypeError: ``journal`` of the wrong type.
    """

    concurrency: int = DEFAULT_CONCURRENCY
    max_rate: float | None = None
    stop_on_error: bool = False
    journal: str | os.PathLike[str] | Journal | None = None
    on_progress: ProgressCallback | None = None
    check_agent: bool = True
    options: CallOptions = field(default=DEFAULT_OPTIONS)

    def __post_init__(self) -> None:
        concurrency, max_rate = self.concurrency, self.max_rate
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be an int >= 1, not {concurrency!r}")
        if max_rate is not None and (
            isinstance(max_rate, bool)
            or not isinstance(max_rate, int | float)
            or not 0 < max_rate < float("inf")
        ):
            raise ValueError(
                f"max_rate must be a positive, finite number or None, not {max_rate!r}"
            )
        journal = self.journal
        if journal is not None and not isinstance(journal, Journal | str | os.PathLike):
            raise TypeError(f"journal must be a path or a Journal, not {type(journal).__name__}")
        if not isinstance(self.check_agent, bool):
            raise TypeError(f"check_agent must be a bool, not {type(self.check_agent).__name__}")

    @classmethod
    def of(cls, arguments: Mapping[str, object]) -> BulkOptions:
        """The settings and per-call options of a bulk method's keyword arguments.

        Args:
            arguments: the keyword arguments: the :class:`BulkSettings` and
                the per-call options (:class:`RequestOptions`).

        Raises:
            ValueError: ``concurrency`` or ``max_rate`` out of range.
            TypeError: ``journal`` or ``check_agent`` of the wrong type.
            InvalidRequestError: an unknown argument, or a per-call option that
                cannot be sent.
        """
        settings = {name: value for name, value in arguments.items() if name in _SETTINGS}
        options = call_options(
            {name: value for name, value in arguments.items() if name not in _SETTINGS}
        )
        return cls(**settings, options=options)  # type: ignore[arg-type]
