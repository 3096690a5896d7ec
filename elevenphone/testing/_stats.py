"""Counters the fake keeps about the traffic it saw and the faults it injected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeStats:
    """Live counters of a :class:`~elevenphone.testing.FakeElevenLabs`.

    Attributes:
        requests: requests received, whatever their answer.
        statuses: answers sent, by HTTP status (resets and truncations not included).
        faults: faults injected, by kind: ``"status"``, ``"reset"``, ``"truncate"``,
            ``"delay"``, ``"after_acting"``.
        concurrency_rejections: requests answered 429 by the concurrency limit.
        in_flight: requests being handled right now.
        peak_in_flight: the most requests ever handled at once.
    """

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    concurrency_rejections: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the counters as plain JSON-able values."""
        return {
            "requests": self.requests,
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "faults": dict(sorted(self.faults.items())),
            "concurrency_rejections": self.concurrency_rejections,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
        }
