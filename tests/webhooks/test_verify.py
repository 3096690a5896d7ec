"""webhooks.verify against signatures made here with hmac: what it accepts,
what it refuses and why, and the typed events it returns."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from elevenphone import ElevenPhoneError
from elevenphone._exceptions import WebhookPayloadError, WebhookSignatureError
from elevenphone._models.conversations import (
    ConversationStatus,
    PhoneCallResult,
    TwilioPhoneCall,
)
from elevenphone.webhooks import (
    DEFAULT_TOLERANCE,
    SIGNATURE_HEADER,
    CallInitiationFailureEvent,
    PostCallAudioEvent,
    PostCallTranscriptionEvent,
    WebhookEvent,
    sign,
    verify,
)
from tests.lifecycle_samples import AGENT_ID, CONVERSATION_ID, conversation_reply

SECRET = "wsec_3f1c0a4e5b6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"
T = 1_739_000_000
REASONS = {"missing", "malformed", "mismatch", "too_old", "in_future"}


def hex_signature(body: bytes, timestamp: int | str, secret: str = SECRET) -> str:
    """The signature as the API computes it, made independently of elevenphone."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def header(body: bytes, timestamp: int = T, secret: str = SECRET) -> str:
    return f"t={timestamp},v0={hex_signature(body, timestamp, secret)}"


def event_body(kind: str, data: Any, timestamp: int = T) -> bytes:
    return json.dumps({"type": kind, "event_timestamp": timestamp, "data": data}).encode()


BODY = event_body("post_call_transcription", conversation_reply())


def refused(body: bytes, signature: str | None, **kwargs: Any) -> WebhookSignatureError:
    kwargs.setdefault("now", T)
    with pytest.raises(WebhookSignatureError) as caught:
        verify(body, signature, SECRET, **kwargs)
    error = caught.value
    assert error.reason in REASONS
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert isinstance(error, ElevenPhoneError)
    return error


# --- what passes -----------------------------------------------------------------------


def test_the_header_name_and_default_tolerance() -> None:
    assert SIGNATURE_HEADER == "ElevenLabs-Signature"
    assert DEFAULT_TOLERANCE == 1800


def test_a_signed_transcription_becomes_its_event() -> None:
    event = verify(BODY, header(BODY), SECRET, now=T)
    assert isinstance(event, PostCallTranscriptionEvent)
    assert event.type == "post_call_transcription"
    assert event.event_timestamp == T
    assert event.data.conversation_id == CONVERSATION_ID
    assert event.data.agent_id == AGENT_ID
    assert event.data.status is ConversationStatus.DONE
    assert isinstance(event.data.metadata.phone_call, TwilioPhoneCall)
    assert event.data.call_result is PhoneCallResult.ANSWERED


def test_sign_makes_the_header_the_api_makes() -> None:
    assert sign(BODY, SECRET, timestamp=T) == header(BODY)
    assert verify(BODY, sign(BODY, SECRET, timestamp=T), SECRET, now=T).type == (
        "post_call_transcription"
    )


def test_the_clock_is_used_when_now_is_not_given() -> None:
    # Signed a minute ago by the clock: well inside the tolerance, however slow the test.
    signed_at = int(time.time()) - 60
    assert isinstance(verify(BODY, header(BODY, signed_at), SECRET), PostCallTranscriptionEvent)


def test_any_matching_v0_passes_and_other_schemes_are_ignored() -> None:
    good = hex_signature(BODY, T)
    for signature in (
        f"t={T},v0={'0' * 64},v0={good}",
        f"v0={good},t={T}",
        f" t={T} , v1=whatever , v0={good} ",
        f"t={T},v0=not-hex-at-all,v0={good}",
        f"t={T},v0=\u00e9\u00e9,v0={good}",
    ):
        assert verify(BODY, signature, SECRET, now=T).type == "post_call_transcription"


def test_the_timestamp_is_signed_as_it_is_written() -> None:
    stamp = f"00{T}"
    signature = f"t={stamp},v0={hex_signature(BODY, stamp)}"
    assert verify(BODY, signature, SECRET, now=T).event_timestamp == T
    refused(BODY, f"t={stamp},v0={hex_signature(BODY, T)}")


@pytest.mark.parametrize("tolerance", [DEFAULT_TOLERANCE, 300, 0])
def test_the_edges_of_the_tolerance(tolerance: int) -> None:
    signature = header(BODY)
    # As old as allowed, and one second older.
    verify(BODY, signature, SECRET, now=T + tolerance, tolerance=tolerance)
    assert refused(BODY, signature, now=T + tolerance + 1, tolerance=tolerance).reason == (
        "too_old"
    )
    # As far in the future as allowed, and one second further.
    verify(BODY, signature, SECRET, now=T - tolerance, tolerance=tolerance)
    assert refused(BODY, signature, now=T - tolerance - 1, tolerance=tolerance).reason == (
        "in_future"
    )


def test_the_default_tolerance_is_half_an_hour() -> None:
    signature = header(BODY)
    verify(BODY, signature, SECRET, now=T + 1800)
    assert refused(BODY, signature, now=T + 1801).reason == "too_old"
    verify(BODY, signature, SECRET, now=T - 1800)
    assert refused(BODY, signature, now=T - 1801).reason == "in_future"


def test_the_messages_say_which_check_refused() -> None:
    assert "missing" in refused(BODY, None).message
    assert "malformed" in refused(BODY, "nonsense").message
    assert "does not match" in refused(BODY, header(BODY, secret="wsec_other")).message
    assert "old" in refused(BODY, header(BODY), now=T + 5000).message
    assert "future" in refused(BODY, header(BODY), now=T - 5000).message


# --- what is refused -------------------------------------------------------------------


@pytest.mark.parametrize("signature", [None, "", "   "])
def test_a_missing_header_is_refused(signature: str | None) -> None:
    assert refused(BODY, signature).reason == "missing"


GOOD = hex_signature(BODY, T)


@pytest.mark.parametrize(
    "signature",
    [
        "nonsense",
        f"t={T}",
        f"v0={GOOD}",
        f"t=,v0={GOOD}",
        f"t=abc,v0={GOOD}",
        f"t=-{T},v0={GOOD}",
        f"t=+{T},v0={GOOD}",
        f"t={T}.5,v0={GOOD}",
        f"t=\u0661\u0662\u0663,v0={GOOD}",
        f"t={'9' * 40},v0={GOOD}",
        f"t={T},t={T},v0={GOOD}",
        f"t={T};v0={GOOD}",
        f"t={T},v0={GOOD},garbage",
        f"t={T} v0={GOOD}",
    ],
)
def test_a_malformed_header_is_refused(signature: str) -> None:
    assert refused(BODY, signature).reason == "malformed"


def test_a_header_of_another_type_is_refused() -> None:
    assert refused(BODY, header(BODY).encode()).reason == "malformed"  # type: ignore[arg-type]


@given(st.text(max_size=120))
def test_no_text_in_the_header_passes_or_escapes_unchecked(signature: str) -> None:
    assume(GOOD not in signature)
    refused(BODY, signature)


_parts = st.one_of(
    st.builds(lambda v: f"t={v}", st.text(max_size=25)),
    st.builds(lambda v: f"v0={v}", st.text(max_size=70)),
    st.builds(lambda v: f"t={v}", st.integers(min_value=T - 10, max_value=T + 10)),
    st.builds(lambda v: f"v0={v}", st.sampled_from(["", GOOD.upper(), GOOD[:-1], GOOD + "0"])),
    st.text(max_size=10),
)


@given(st.lists(_parts, max_size=5).map(",".join))
def test_no_header_built_from_parts_passes_without_the_signature(signature: str) -> None:
    refused(BODY, signature)


@given(index=st.integers(min_value=0, max_value=len(BODY) - 1), delta=st.integers(1, 255))
def test_a_body_altered_by_one_byte_is_refused(index: int, delta: int) -> None:
    altered = bytearray(BODY)
    altered[index] = (altered[index] + delta) % 256
    assert refused(bytes(altered), header(BODY)).reason == "mismatch"


@given(index=st.integers(min_value=0, max_value=63), digit=st.sampled_from("0123456789abcdef"))
def test_a_signature_altered_by_one_digit_is_refused(index: int, digit: str) -> None:
    assume(GOOD[index] != digit)
    altered = GOOD[:index] + digit + GOOD[index + 1 :]
    assert refused(BODY, f"t={T},v0={altered}").reason == "mismatch"


def test_a_signature_for_another_time_is_refused() -> None:
    signature = f"t={T + 1},v0={hex_signature(BODY, T)}"
    assert refused(BODY, signature).reason == "mismatch"


def test_a_signature_made_with_another_secret_is_refused() -> None:
    assert refused(BODY, header(BODY, secret=SECRET + "x")).reason == "mismatch"


def test_a_stale_timestamp_is_refused_before_the_signature_is_checked() -> None:
    assert refused(BODY, f"t={T},v0={'0' * 64}", now=T + 10_000).reason == "too_old"


@pytest.mark.parametrize("secret", ["", None, b"bytes"])
def test_a_missing_secret_is_a_programming_error(secret: Any) -> None:
    with pytest.raises(ValueError, match="secret"):
        verify(BODY, header(BODY), secret, now=T)
    with pytest.raises(ValueError, match="secret"):
        sign(BODY, secret)


def test_a_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        verify(BODY, header(BODY), SECRET, now=T, tolerance=-1)


# --- the events ------------------------------------------------------------------------


def signed_event(body: bytes) -> Any:
    return verify(body, header(body), SECRET, now=T)


def test_an_audio_event_carries_the_decoded_audio() -> None:
    audio = bytes(range(256)) * 40
    body = event_body(
        "post_call_audio",
        {
            "agent_id": AGENT_ID,
            "conversation_id": CONVERSATION_ID,
            "full_audio": base64.b64encode(audio).decode(),
        },
    )
    event = signed_event(body)
    assert isinstance(event, PostCallAudioEvent)
    assert event.type == "post_call_audio"
    assert event.event_timestamp == T
    assert event.data.agent_id == AGENT_ID
    assert event.data.conversation_id == CONVERSATION_ID
    assert event.data.full_audio == audio
    assert "<10240 bytes>" in repr(event.data)


def test_a_call_initiation_failure_event() -> None:
    data = {
        "agent_id": AGENT_ID,
        "conversation_id": CONVERSATION_ID,
        "failure_reason": "busy",
        "metadata": {"type": "twilio", "body": {"CallStatus": "busy"}},
    }
    event = signed_event(event_body("call_initiation_failure", data))
    assert isinstance(event, CallInitiationFailureEvent)
    assert event.type == "call_initiation_failure"
    assert event.event_timestamp == T
    assert event.data.agent_id == AGENT_ID
    assert event.data.conversation_id == CONVERSATION_ID
    assert event.data.failure_reason == "busy"
    assert event.data.metadata == {"type": "twilio", "body": {"CallStatus": "busy"}}
    del data["metadata"]
    assert signed_event(event_body("call_initiation_failure", data)).data.metadata is None


def test_any_other_type_is_a_generic_event() -> None:
    event = signed_event(event_body("agent_training_done", {"agent_id": "a", "n": [1, 2]}))
    assert type(event) is WebhookEvent
    assert event.type == "agent_training_done"
    assert event.event_timestamp == T
    assert event.data == {"agent_id": "a", "n": [1, 2]}
    bare = json.dumps({"type": "ping", "event_timestamp": T}).encode()
    assert signed_event(bare).data == {}


def test_a_transcription_with_new_values_still_decodes() -> None:
    conversation = conversation_reply(status="archiving", surprise=[1])
    conversation["metadata"]["phone_call"]["type"] = "carrier_pigeon"
    event = signed_event(event_body("post_call_transcription", conversation))
    assert isinstance(event, PostCallTranscriptionEvent)
    assert event.data.status == "archiving"
    assert event.data.metadata.phone_call is not None
    assert event.data.metadata.phone_call.type == "carrier_pigeon"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"post_call_audio"',
        b"{}",
        json.dumps({"event_timestamp": T, "data": {}}).encode(),
        json.dumps({"type": "ping", "data": {}}).encode(),
        json.dumps({"type": 7, "event_timestamp": T}).encode(),
        json.dumps({"type": "ping", "event_timestamp": "yesterday"}).encode(),
        b"[" * 100_000,
    ],
    ids=lambda body: body[:24].decode("latin-1"),
)
def test_a_signed_body_that_is_not_an_event_is_a_payload_error(body: bytes) -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        signed_event(body)
    assert caught.value.event_type is None
    assert isinstance(caught.value, ElevenPhoneError)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("post_call_transcription", {"conversation_id": CONVERSATION_ID}),
        ("post_call_transcription", None),
        ("post_call_audio", {"agent_id": AGENT_ID, "conversation_id": CONVERSATION_ID}),
        (
            "post_call_audio",
            {"agent_id": AGENT_ID, "conversation_id": CONVERSATION_ID, "full_audio": "@@@!"},
        ),
        ("post_call_audio", {"agent_id": AGENT_ID, "full_audio": ""}),
        ("call_initiation_failure", {"agent_id": AGENT_ID, "conversation_id": "c"}),
        ("call_initiation_failure", []),
        ("anything_else", [1, 2]),
        ("anything_else", "text"),
    ],
)
def test_a_known_event_whose_data_does_not_fit_is_a_payload_error(kind: str, data: Any) -> None:
    with pytest.raises(WebhookPayloadError) as caught:
        signed_event(event_body(kind, data))
    assert caught.value.event_type == kind
    assert kind in caught.value.message


def test_a_transcription_with_a_broken_phone_call_is_a_payload_error() -> None:
    conversation = conversation_reply()
    del conversation["metadata"]["phone_call"]["call_sid"]
    with pytest.raises(WebhookPayloadError) as caught:
        signed_event(event_body("post_call_transcription", conversation))
    assert "metadata.phone_call" in caught.value.message


def test_the_signature_is_checked_before_the_body_is_read() -> None:
    assert refused(b"not json", header(b"other")).reason == "mismatch"


@given(
    st.one_of(
        st.binary(max_size=200),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(
                    ["post_call_transcription", "post_call_audio", "call_initiation_failure", "x"]
                ),
                "event_timestamp": st.integers(min_value=0, max_value=2**40),
            },
            optional={
                "data": st.recursive(
                    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: (
                        st.lists(inner, max_size=3)
                        | st.dictionaries(
                            st.sampled_from(
                                ["agent_id", "conversation_id", "full_audio", "metadata", "status"]
                            ),
                            inner,
                            max_size=4,
                        )
                    ),
                    max_leaves=10,
                )
            },
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_a_signed_body_is_an_event_or_a_payload_error(body: bytes) -> None:
    try:
        event = signed_event(body)
    except WebhookPayloadError:
        return
    assert isinstance(event.type, str)
    assert isinstance(event.event_timestamp, int)


def test_verifying_loads_no_aiohttp_web_and_elevenphone_loads_no_webhooks() -> None:
    code = (
        "import sys, elevenphone\n"
        "print('elevenphone.webhooks' in sys.modules)\n"
        "import elevenphone.webhooks\n"
        "print('aiohttp.web' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
