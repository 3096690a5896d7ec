"""What the progress bar of bulk commands says about the limit the run found."""

from __future__ import annotations

import dataclasses

import pytest

from elevenphone import BulkProgress
from elevenphone.cli._progress import limit_text

START = BulkProgress(
    total=100,
    done=10,
    succeeded=10,
    failed=0,
    skipped=0,
    requests=12,
    retries=2,
    rate_limited=2,
    in_flight=8,
    concurrency_limit=12,
    elapsed=1.0,
)


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({}, "12"),  # no 429 yet: the limit as it grows
        ({"concurrency_limit": 16, "limit_found": 16}, "16 found"),
        ({"concurrency_limit": 17, "limit_found": 16}, "17 (found 16)"),  # a probe above it
        ({"concurrency_limit": 4, "limit_found": 4, "paced_rate": 95.4}, "4 found, paced 95/s"),
    ],
)
def test_the_bar_shows_the_limit_found_and_the_pace(changes: dict[str, object], shown: str) -> None:
    assert limit_text(dataclasses.replace(START, **changes)) == shown  # type: ignore[arg-type]
