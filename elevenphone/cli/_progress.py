"""The live progress bar of bulk commands: done/total, rate, ETA, retries,
failures, the in-flight limit the run found, and its pace when the account
limits the rate."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Column

from ..bulk.result import BulkProgress
from ._output import human_line


def limit_text(progress: BulkProgress) -> str:
    """The in-flight limit as the bar shows it: ``12`` while no 429 said more,
    ``16 found`` once the account's limit is known, ``17 (found 16)`` while
    the run tries above it; then the pace, when the run is paced."""
    limit, found = progress.concurrency_limit, progress.limit_found
    if found is None:
        text = str(limit)
    elif found == limit:
        text = f"{found} found"
    else:
        text = f"{limit} (found {found})"
    if progress.paced_rate is not None:
        text += f", paced {progress.paced_rate:.0f}/s"
    return text


class BulkProgressBar:
    """A rich progress bar fed by ``on_progress``; use it as a context manager."""

    def __init__(self, console: Console, description: str) -> None:
        self.last: BulkProgress | None = None
        # The description names files and agents: shown, not obeyed (markup included).
        description = escape(human_line(description))
        # On a narrow terminal the description and the bar give way; the
        # figures never wrap or get cut.
        self._progress = Progress(
            TextColumn(
                "[bold]{task.description}",
                table_column=Column(max_width=16, no_wrap=True, overflow="ellipsis"),
            ),
            BarColumn(bar_width=None),
            MofNCompleteColumn(table_column=Column(no_wrap=True)),
            TextColumn("{task.fields[rate]:>5.0f}/s", table_column=Column(no_wrap=True)),
            TextColumn("ETA", table_column=Column(no_wrap=True)),
            TimeRemainingColumn(compact=True, table_column=Column(no_wrap=True)),
            TextColumn(
                "retries {task.fields[retries]} failed {task.fields[failed]}"
                " limit {task.fields[limit]}",
                table_column=Column(no_wrap=True),
            ),
            console=console,
            refresh_per_second=8,
            # Live only on a terminal: piped stderr gets the summary, not frames.
            disable=not console.is_terminal,
        )
        self._task: TaskID = self._progress.add_task(
            description, total=None, rate=0.0, retries=0, failed=0, limit="-"
        )

    def update(self, progress: BulkProgress) -> None:
        """Show ``progress``; pass this method as ``on_progress``."""
        self.last = progress
        rate = progress.done / progress.elapsed if progress.elapsed > 0 else 0.0
        self._progress.update(
            self._task,
            total=progress.total,
            completed=progress.done,
            rate=rate,
            retries=progress.retries,
            failed=progress.failed,
            limit=limit_text(progress),
        )

    def __enter__(self) -> BulkProgressBar:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()
