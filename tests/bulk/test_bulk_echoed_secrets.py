"""A bulk run never shows a SIP password a server echoes: not in a failed
item's error, the run's result, its retry log lines, or the journal's
``failed`` record. Each item's update carries its own secrets into the one
send path, as a single call does."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest

from elevenphone import (
    ElevenPhone,
    OutboundSIPTrunkConfig,
    RetryPolicy,
    SIPTrunkCredentials,
    UpdatePhoneNumberRequest,
)
from tests.conftest import API_KEY, RecordingSleep
from tests.echoing import (
    INBOUND_CONFIG,
    OUTBOUND_CONFIG,
    SIP_PASSWORD,
    echoing_server,
    shown_secrets,
)

UPDATES = {
    "phnum_dict_configs": UpdatePhoneNumberRequest(
        outbound_trunk_config=OUTBOUND_CONFIG,  # type: ignore[arg-type]
        inbound_trunk_config=INBOUND_CONFIG,  # type: ignore[arg-type]
    ),
    "phnum_struct_config": UpdatePhoneNumberRequest(
        outbound_trunk_config=OutboundSIPTrunkConfig(
            address="sip.example.com",
            credentials=SIPTrunkCredentials(username="trunk-user", password=SIP_PASSWORD),
        )
    ),
}


async def test_an_echoed_password_leaves_no_trace_of_a_bulk_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="elevenphone")
    journal = tmp_path / "journal.jsonl"
    async with echoing_server() as server:
        # The first item is refused (400); the second fails three times (503).
        server.answer(400, 503, 503, 503)
        async with ElevenPhone(
            API_KEY,
            base_url=server.base_url,
            max_retries=2,
            retry_policy=RetryPolicy(sleep=RecordingSleep()),
        ) as client:
            result = await client.phone_numbers.bulk_update(UPDATES, concurrency=1, journal=journal)
    assert len(server.bodies) == 4
    assert all(shown_secrets(body.decode()) for body in server.bodies)  # the secrets went out
    assert set(result.failed) == set(UPDATES)
    for error in result.failed.values():
        for text in (str(error), repr(error), "".join(traceback.format_exception(error))):
            assert shown_secrets(text) == [], text
            assert API_KEY not in text
        assert "[redacted]" in str(error)
    assert shown_secrets(repr(result)) == []
    retried = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retried) == 2
    assert shown_secrets(caplog.text) == []
    records = journal.read_text()
    assert records.count('"op":"failed"') == 2
    assert "[redacted]" in records
    assert shown_secrets(records) == []
