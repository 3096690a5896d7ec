"""The ``elevenphone`` logger, and the ``ELEVENPHONE_LOG`` switch.

Every log line of the SDK goes to the standard ``logging`` logger named
``elevenphone``, which has only a ``NullHandler`` of its own: nothing is
written until the program configures logging. ``ELEVENPHONE_LOG=debug`` (each
attempt, with its method, path, status and time, and each retry) or
``ELEVENPHONE_LOG=info`` (each retry) makes it write to stderr without any
code, as ``OPENAI_LOG`` does for openai-python: read once, when elevenphone
is imported.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

__all__ = ["LEVELS_ENABLED", "LOG_ENVIRONMENT_VARIABLE", "log_from_environment", "logger"]

logger = logging.getLogger("elevenphone")
logger.addHandler(logging.NullHandler())

LEVELS_ENABLED: dict[int, bool] = getattr(logger, "_cache", {})
"""What ``logger.isEnabledFor(level)`` last answered, by level: the logger's
own cache, which :mod:`logging` empties whenever a level changes. The send
path reads it (a lookup in C) before calling ``isEnabledFor`` (a Python frame)
for every attempt; a level it lacks is asked for. (An empty dict of its own
where a Python keeps no such cache: then it is always asked.)"""

LOG_ENVIRONMENT_VARIABLE = "ELEVENPHONE_LOG"

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _SwitchHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler ``ELEVENPHONE_LOG`` adds (told apart from the program's own)."""


def log_from_environment(environ: Mapping[str, str] = os.environ) -> None:
    """Write the ``elevenphone`` logger to stderr at the level ``ELEVENPHONE_LOG``
    names (``debug`` or ``info``, any case); do nothing when it is unset, empty
    or another value. Calling it again changes nothing but the level."""
    level = _LEVELS.get(environ.get(LOG_ENVIRONMENT_VARIABLE, "").strip().lower())
    if level is None:
        return
    if not any(isinstance(handler, _SwitchHandler) for handler in logger.handlers):
        handler = _SwitchHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
        # Its own handler writes the lines: not again by the program's root handlers.
        logger.propagate = False
    logger.setLevel(level)


log_from_environment()
