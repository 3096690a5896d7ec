"""Bulk runs: many items, at the account's limit, resumable and undoable.

``client.phone_numbers.bulk_update``, ``iter_bulk_update``,
``reassign_agent`` and ``undo`` are built here:

- :mod:`.engine`: the run (window, source, skips, cancellation, counts);
- :mod:`.gate`: permits, rate and the adaptive limit, around every attempt;
- :mod:`.adaptive`: the adaptive in-flight limit; :mod:`.pace`, the adaptive rate;
- :mod:`.source`: items pulled lazily, each number once;
- :mod:`.options`: the settings of a run, as one value;
- :mod:`.operations`: what applying an item means (the update operation);
- :mod:`.journal`: the durable, locked record of a run (the file), with
  :mod:`.journal_format` (its records) and :mod:`.journal_replay` (what they say);
- :mod:`.result`: outcomes, progress and results;
- :mod:`.preflight`: the check of the agents a run assigns, before it does;
- :mod:`.recipes`: the jobs users ask for.
"""

from .._public import present_as as _present_as
from .adaptive import AdaptiveConcurrencyLimit
from .engine import BulkRun
from .journal import Journal
from .journal_format import PhoneNumberState
from .options import (
    BulkOptions,
    BulkSettings,
    BulkUpdateArgs,
    JournalArg,
    ProgressCallback,
    UndoArgs,
    UndoSettings,
)
from .result import BulkOutcome, BulkProgress, BulkResult

__all__ = [
    "AdaptiveConcurrencyLimit",
    "BulkOptions",
    "BulkOutcome",
    "BulkProgress",
    "BulkResult",
    "BulkRun",
    "BulkSettings",
    "BulkUpdateArgs",
    "Journal",
    "JournalArg",
    "PhoneNumberState",
    "ProgressCallback",
    "UndoArgs",
    "UndoSettings",
]

# Their public home is the elevenphone package, which exports them.
_present_as("elevenphone", globals(), __all__)
