"""Counters the fake keeps about the traffic it saw, the limits and the faults it injected."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeStats:
    """Live counters of a :class:`~elevenphone.testing.FakeElevenLabs`. Each
    argument is the attribute of that name.

    Args:
        requests: requests received, whatever their answer.
        statuses: answers sent, by HTTP status (resets and truncations not included).
        throttled: 429 answers by the ``code`` in their body
            (``concurrent_limit_exceeded``, ``rate_limit_exceeded``), from the
            limits and from faults alike; ``""`` for a 429 without a code.
        faults: faults injected, by kind: ``"status"``, ``"reset"``, ``"truncate"``,
            ``"delay"``, ``"after_acting"``.
        concurrency_rejections: requests answered 429 by the concurrency limit.
        in_flight: requests being handled right now.
        peak_in_flight: the most requests ever handled at once (this client's
            only, not ``other_clients_in_flight``).
        concurrency_limit: the concurrency limit in force for the latest request
            (``None``: no limit).
        other_clients_in_flight: the other clients' requests in flight then.
        rate_limit: the requests-per-second limit in force then (``None``: none).
    """

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    concurrency_rejections: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    concurrency_limit: int | None = None
    other_clients_in_flight: int = 0
    rate_limit: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the counters as plain JSON-able values."""
        return {
            "requests": self.requests,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "throttled": dict(sorted(self.throttled.items())),
            "faults": dict(sorted(self.faults.items())),
            "concurrency_rejections": self.concurrency_rejections,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
            "concurrency_limit": self.concurrency_limit,
            "other_clients_in_flight": self.other_clients_in_flight,
            "rate_limit": self.rate_limit,
        }


def throttle_code(body: Any) -> str:
    """The ``detail.code`` of a 429 body (decoded, or raw bytes), or ``""``."""
    if isinstance(body, bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    code = detail.get("code") if isinstance(detail, dict) else None
    return code if isinstance(code, str) else ""


def count_answer(stats: FakeStats, status: int, body: Any) -> None:
    """Count an answer sent with ``status``, and a 429 by its code."""
    stats.statuses[status] += 1
    if status == 429:
        stats.throttled[throttle_code(body)] += 1
