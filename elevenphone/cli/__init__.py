"""The ``elevenphone`` command line, on click and rich (the ``cli`` extra).

``import elevenphone`` never loads this package; click and rich are imported
only when the command line runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and exit.

    Exit statuses: 0 ok; 1 other failure; 2 usage error or a value refused
    locally; 3 the API found the request invalid (422, 400); 4 the key was
    refused or is missing; 5 not found; 6 a bulk run with failed items; 7 a
    call, import, batch submit or batch retry sent whose reply was lost (it
    may have happened); 8 a wait ran out of time (what it waited for goes
    on); 130 interrupted.
    """
    try:
        from ._app import run
    except ModuleNotFoundError as error:
        if error.name not in {"click", "rich"}:
            raise
        print(
            "elevenphone: the command line needs the 'cli' extra: pip install 'elevenphone[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    raise SystemExit(run(argv))
