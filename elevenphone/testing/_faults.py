"""The faults the fake can inject, and the schedule that picks them.

A fault replaces the normal answer to one request, before any state changes,
so a failed update is never applied. ``Fault.delay`` is the exception: it only
holds the answer back, then the request is handled normally.
``Fault.after_acting(fault)`` turns that around: the request is handled in
full (the call is placed, the number imported), then ``fault`` replaces the
reply, as when a connection drops after the server acted.

This module is pure: applying a fault to a socket is the server's job.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http import HTTPStatus
from typing import Any, ClassVar

from ._responses import rate_limited


@dataclass(frozen=True)
class Fault:
    """A scripted or random failure; build one with the static constructors below."""

    kind: ClassVar[str] = "fault"

    @staticmethod
    def status(
        status: int,
        body: str | bytes | Mapping[str, Any] | Sequence[Any] = b"",
        headers: Mapping[str, str] | None = None,
    ) -> StatusFault:
        """Answer with ``status``, ``headers`` and ``body``.

        Args:
            status: the HTTP status.
            body: the body. A mapping or list is sent as JSON; a ``str`` as
                ``text/html`` when it starts with ``<``, else as
                ``text/plain``, unless ``headers`` sets ``Content-Type``.
            headers: headers to send.
        """
        content_type = "text/plain; charset=utf-8"
        if isinstance(body, bytes):
            raw = body
        elif isinstance(body, str):
            raw = body.encode()
            if body.lstrip().startswith("<"):
                content_type = "text/html; charset=utf-8"
        else:
            items = body if isinstance(body, Mapping) else list(body)
            raw = json.dumps(items, separators=(",", ":")).encode()
            content_type = "application/json"
        merged = dict(headers or {})
        if raw and not any(name.lower() == "content-type" for name in merged):
            merged["Content-Type"] = content_type
        return StatusFault(http_status=status, body=raw, headers=tuple(merged.items()))

    @staticmethod
    def rate_limited(retry_after: float | None = None) -> StatusFault:
        """Answer 429 ``rate_limit_exceeded``.

        Args:
            retry_after: the ``Retry-After`` to send, in seconds (None: none).
        """
        answer = rate_limited(retry_after)
        return Fault.status(answer.status, answer.body, answer.headers)

    @staticmethod
    def server_error(status: int = 500) -> StatusFault:
        """Answer ``status`` (5xx) with the API's JSON error body.

        Args:
            status: the HTTP status.
        """
        detail = {"status": "internal_server_error", "message": "An internal error occurred."}
        return Fault.status(status, {"detail": detail})

    @staticmethod
    def html_error(status: int = 502) -> StatusFault:
        """Answer ``status`` with an HTML page, as a proxy in front of the API does.

        Args:
            status: the HTTP status.
        """
        title = f"{status} {HTTPStatus(status).phrase}"
        page = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return Fault.status(status, page)

    @staticmethod
    def reset() -> ResetFault:
        """Reset the connection (TCP RST) without answering."""
        return ResetFault()

    @staticmethod
    def truncate(
        body: bytes = b'{"phone_number_id":"phnum_', *, missing: int = 64, status: int = 200
    ) -> TruncateFault:
        """Send headers announcing ``len(body) + missing`` bytes, send ``body``, then close.

        Args:
            body: the bytes sent before the connection closes.
            missing: how many announced bytes never come.
            status: the HTTP status.
        """
        return TruncateFault(http_status=status, body=body, declared_length=len(body) + missing)

    @staticmethod
    def delay(seconds: float) -> DelayFault:
        """Hold the answer back ``seconds``, then handle the request normally.

        Args:
            seconds: how long to wait.
        """
        return DelayFault(seconds=seconds)

    @staticmethod
    def after_acting(reply: Fault) -> AfterActingFault:
        """Handle the request in full, state changes and all, then lose its reply.

        The request is handled whatever its outcome, so a request the API
        refuses changes nothing here either.

        Args:
            reply: what the client gets instead: ``Fault.reset()``, any status
                fault (``Fault.server_error(503)``...), ``Fault.truncate(...)``,
                or ``Fault.delay(seconds)`` (the real reply, that late).

        Raises:
            TypeError: ``reply`` is none of those (another ``after_acting``
                included).
        """
        if not isinstance(reply, (StatusFault, ResetFault, TruncateFault, DelayFault)):
            raise TypeError(
                "after_acting takes Fault.reset(), a status fault, Fault.truncate() or"
                f" Fault.delay(), got {reply!r}"
            )
        return AfterActingFault(reply=reply)


@dataclass(frozen=True)
class StatusFault(Fault):
    """Answer with a fixed status, headers and body. Made by :meth:`Fault.status`.

    Args:
        http_status: the HTTP status.
        body: the body, as sent.
        headers: the headers, as ``(name, value)`` pairs.
    """

    kind: ClassVar[str] = "status"
    http_status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ResetFault(Fault):
    """Reset the connection without answering."""

    kind: ClassVar[str] = "reset"


@dataclass(frozen=True)
class TruncateFault(Fault):
    """Announce ``declared_length`` body bytes, send only ``body``, then close.
    Made by :meth:`Fault.truncate`.

    Args:
        http_status: the HTTP status.
        body: the bytes sent before the connection closes.
        declared_length: the ``Content-Length`` announced.
    """

    kind: ClassVar[str] = "truncate"
    http_status: int
    body: bytes
    declared_length: int


@dataclass(frozen=True)
class DelayFault(Fault):
    """Wait ``seconds``, then answer normally. Made by :meth:`Fault.delay`.

    Args:
        seconds: how long to wait.
    """

    kind: ClassVar[str] = "delay"
    seconds: float


@dataclass(frozen=True)
class AfterActingFault(Fault):
    """Handle the request normally, then answer with ``reply`` instead of its
    answer. Made by :meth:`Fault.after_acting`.

    Args:
        reply: the fault that replaces the answer.
    """

    kind: ClassVar[str] = "after_acting"
    reply: Fault


#: The transient failures a random fault picks from unless told otherwise.
DEFAULT_FAULT_MIX: tuple[Fault, ...] = (
    Fault.server_error(500),
    Fault.html_error(502),
    Fault.server_error(503),
    Fault.rate_limited(retry_after=1),
    Fault.rate_limited(),
    Fault.reset(),
)


@dataclass(frozen=True)
class _Scripted:
    """A scripted fault and the requests it may answer (None: any)."""

    fault: Fault
    method: str | None
    path: str | None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and method != self.method:
            return False
        return self.path is None or path == self.path or fnmatchcase(path, self.path)


class FaultSchedule:
    """Decides, request by request, which fault (if any) replaces the answer.

    Scripted faults come first: each answers the first request it matches, in
    the order scripted; otherwise a fault is drawn from the mix with
    probability ``rate`` using a generator seeded with ``seed``.
    """

    def __init__(self, seed: int) -> None:
        self._scripted: deque[_Scripted] = deque()
        self._rng = random.Random(f"faults-{seed}")

    def script(self, *faults: Fault, method: str | None = None, path: str | None = None) -> None:
        """Queue ``faults`` as the answers to the next matching requests, one each.

        Raises ``TypeError`` for anything that is not a :class:`Fault`, or a
        ``method`` or ``path`` that is not a ``str``; ``ValueError`` for an
        empty ``method`` or a ``path`` not starting with ``/``.
        """
        for fault in faults:
            if not isinstance(fault, Fault) or type(fault) is Fault:
                raise TypeError(f"expected a Fault built by Fault.status() etc., got {fault!r}")
        if method is not None:
            if not isinstance(method, str):
                raise TypeError(f"method must be a str, not {type(method).__name__}")
            method = method.strip().upper()
            if not method:
                raise ValueError("method must not be empty")
        if path is not None:
            if not isinstance(path, str):
                raise TypeError(f"path must be a str, not {type(path).__name__}")
            if not path.startswith("/"):
                raise ValueError(f"path must start with '/' (a path, not a URL), not {path!r}")
        self._scripted.extend(_Scripted(fault, method, path) for fault in faults)

    @property
    def pending(self) -> int:
        """How many scripted faults are still queued."""
        return len(self._scripted)

    def clear(self) -> None:
        """Drop the scripted faults not yet used."""
        self._scripted.clear()

    def next_scripted(self, method: str, path: str) -> Fault | None:
        """Take the first scripted fault that matches this request, if any.

        Args:
            method: the request's method, upper case.
            path: the request's path, percent-decoded, without the query.
        """
        for index, scripted in enumerate(self._scripted):
            if scripted.matches(method, path):
                del self._scripted[index]
                return scripted.fault
        return None

    def next_random(self, rate: float, mix: Sequence[Fault]) -> Fault | None:
        """Return a fault from ``mix`` with probability ``rate``, else ``None``."""
        draw = self._rng.random()
        if draw >= rate or not mix:
            return None
        return self._rng.choice(mix)
