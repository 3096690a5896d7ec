"""The paths of the endpoints, each id in them one percent-encoded segment.

Every id goes through :func:`id_segment`: whatever it holds (``..``, ``a/b``,
``x?y``), it stays one segment of its own path and never reaches another.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .._exceptions import InvalidRequestError
from .sendable import check_text

__all__ = [
    "AGENTS_PATH",
    "BATCH_CALLS_PATH",
    "BATCH_SUBMIT_PATH",
    "BATCH_WORKSPACE_PATH",
    "CONVERSATIONS_PATH",
    "agent_branch_path",
    "agent_path",
    "batch_call_path",
    "conversation_path",
    "id_segment",
]

AGENTS_PATH = "/v1/convai/agents"
CONVERSATIONS_PATH = "/v1/convai/conversations"
BATCH_CALLS_PATH = "/v1/convai/batch-calling"
BATCH_SUBMIT_PATH = f"{BATCH_CALLS_PATH}/submit"
BATCH_WORKSPACE_PATH = f"{BATCH_CALLS_PATH}/workspace"

# Unreserved characters but the dot: what quote(safe="") leaves as it is.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-]+")


def id_segment(value: object, field: str) -> str:
    """``value``, an id, as one path segment: every character outside the
    unreserved set percent-encoded, and dots too, so that no id (``..``,
    ``a/b``, ``x?y``) can reach another path.

    Args:
        value: the id.
        field: the argument it was given as, named in the error.

    Raises:
        InvalidRequestError: the id is not a str (also a ``TypeError``), or
            is empty or blank, or holds a lone surrogate (also a
            ``ValueError``); ``.field`` is ``field``.
    """
    if not isinstance(value, str):
        raise InvalidRequestError(f"{field} must be a str, not {type(value).__name__}", field=field)
    # Every real id needs no encoding: an ASCII identifier ("phnum_...") is
    # told in C far faster than by the pattern, which takes the rest.
    if value.isascii() and (value.isidentifier() or _PLAIN_ID.fullmatch(value)):
        return value
    if not value.strip():
        raise InvalidRequestError(f"{field} must be a non-empty string", field=field)
    check_text(value, field=field)
    return quote(value, safe="").replace(".", "%2E")


def agent_path(agent_id: object) -> str:
    """The path of one agent.

    Raises:
        InvalidRequestError: ``agent_id`` is not a non-empty str.
    """
    return f"{AGENTS_PATH}/{id_segment(agent_id, 'agent_id')}"


def agent_branch_path(agent_id: object, branch_id: object) -> str:
    """The path of one branch of an agent.

    Raises:
        InvalidRequestError: ``agent_id`` or ``branch_id`` is not a non-empty str.
    """
    return f"{agent_path(agent_id)}/branches/{id_segment(branch_id, 'branch_id')}"


def conversation_path(conversation_id: object) -> str:
    """The path of one conversation.

    Raises:
        InvalidRequestError: ``conversation_id`` is not a non-empty str.
    """
    return f"{CONVERSATIONS_PATH}/{id_segment(conversation_id, 'conversation_id')}"


def batch_call_path(batch_id: object) -> str:
    """The path of one batch call (``/cancel``, ``/retry`` and ``/export`` go
    after it).

    Raises:
        InvalidRequestError: ``batch_id`` is not a non-empty str.
    """
    return f"{BATCH_CALLS_PATH}/{id_segment(batch_id, 'batch_id')}"
