"""The constructors of the status errors: the reply's fields are declared
once (``StatusFields``), taken by every status error, and checked as
declared keywords are."""

from __future__ import annotations

import inspect

import pytest

from elevenphone import (
    APIStatusError,
    ConflictError,
    InternalServerError,
    RateLimitError,
    ValidationError,
    ValidationErrorItem,
)
from elevenphone._exceptions._status import StatusFields

ERRORS = [APIStatusError, ConflictError, InternalServerError, RateLimitError, ValidationError]


def test_the_required_fields_are_the_replys_status_headers_and_body() -> None:
    assert StatusFields.__required_keys__ == {"status_code", "headers", "body"}
    assert StatusFields.__optional_keys__ == {"code", "request_id", "retry_after"}


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_every_status_error_takes_the_fields(cls: type[APIStatusError]) -> None:
    error = cls("Busy", status_code=429, headers={"a": "b"}, body={"detail": "x"}, code="busy")
    assert (error.status_code, error.headers, error.body) == (429, {"a": "b"}, {"detail": "x"})
    assert (error.code, error.request_id, error.retry_after) == ("busy", None, None)
    assert error.message == "Busy"
    assert str(error) == "429 Too Many Requests: busy: Busy"
    assert [p.name for p in inspect.signature(cls).parameters.values()][-1] == "fields"


def test_the_subclasses_keep_their_own_keywords() -> None:
    item = ValidationErrorItem(loc=["body", "label"], msg="too long", type="value_error")
    invalid = ValidationError(
        "Invalid", errors=[item], status_code=422, headers={}, body=None, request_id="r1"
    )
    assert invalid.errors == [item]
    assert invalid.request_id == "r1"
    limited = RateLimitError(
        "Slow down",
        status_code=429,
        headers={},
        body=None,
        retry_after=2.0,
        current_concurrent_requests=6,
        maximum_concurrent_requests=5,
    )
    assert (limited.current_concurrent_requests, limited.maximum_concurrent_requests) == (6, 5)
    assert limited.retry_after == 2.0
    assert limited.is_concurrency_limit


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_a_missing_or_misspelt_field_is_a_type_error(cls: type[APIStatusError]) -> None:
    with pytest.raises(TypeError, match="missing keyword arguments: body"):
        cls("x", status_code=500, headers={})  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword arguments: retry_aftr"):
        cls("x", status_code=500, headers={}, body=None, retry_aftr=1.0)  # type: ignore[call-arg]
