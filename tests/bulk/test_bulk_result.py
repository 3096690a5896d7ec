"""A BulkResult's repr: counts and the first failures, short for any run."""

from __future__ import annotations

import json

from elevenphone import APIConnectionError, BulkResult, NotFoundError
from elevenphone._wire import decode_phone_number
from elevenphone.testing import FakeElevenLabs


def not_found(pid: str) -> NotFoundError:
    return NotFoundError(
        f"Phone number {pid} was not found in this workspace, nor in any other " * 3,
        status_code=404,
        headers={},
        body={},
        code="phone_number_not_found",
    )


def five_hundred_numbers() -> BulkResult:
    fake = FakeElevenLabs(numbers=500, seed=1)
    numbers = {pid: decode_phone_number(json.dumps(n).encode()) for pid, n in fake.numbers.items()}
    failed_ids = list(numbers)[:4]
    return BulkResult(
        succeeded={pid: n for pid, n in numbers.items() if pid not in failed_ids},
        failed={
            **{pid: not_found(pid) for pid in failed_ids[:3]},
            failed_ids[3]: APIConnectionError("Connection reset"),
        },
        requests=517,
        retries=13,
        elapsed=4.25,
    )


def test_the_repr_of_a_500_number_run_is_short() -> None:
    assert len(repr(five_hundred_numbers())) < 600


def test_the_repr_shows_the_counts_and_the_first_failures() -> None:
    result = five_hundred_numbers()
    shown = repr(result)
    first = list(result.failed)[:3]
    assert shown.startswith(
        "BulkResult(succeeded=496, failed=4, skipped=0, requests=517, retries=13,"
        " elapsed=4.25, failures={"
    )
    for pid in first:
        assert f"'{pid}': NotFoundError('" in shown
    # Three are shown; the fourth is only counted.
    assert list(result.failed)[3] not in shown
    assert shown.endswith(", ...})")
    assert "Connection reset" not in shown
    # Each message is cut short: its start, then "...".
    assert (
        shown.count("NotFoundError('404 Not Found: phone_number_not_found: Phone number phnum_")
        == 3
    )
    assert shown.count("...')") == 3
    assert "nor in any other" not in shown


def test_the_repr_of_a_clean_run() -> None:
    result = BulkResult(skipped=["phnum_a", "phnum_b"], requests=0, elapsed=0.012)
    assert repr(result) == (
        "BulkResult(succeeded=0, failed=0, skipped=2, requests=0, retries=0, elapsed=0.01)"
    )
    stopped = BulkResult(failed={"phnum_a": APIConnectionError("reset")}, stopped_early=True)
    assert repr(stopped) == (
        "BulkResult(succeeded=0, failed=1, skipped=0, requests=0, retries=0, elapsed=0.00,"
        " stopped_early=True, failures={'phnum_a': APIConnectionError('reset')})"
    )
