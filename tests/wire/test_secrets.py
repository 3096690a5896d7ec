"""Redaction, fed strings: every form a secret may be echoed in, a secret
inside another, and a secret cut where a message taken from a reply was
clipped."""

from __future__ import annotations

import json

from elevenphone._wire import REDACTED, Secrets, redact, secret_forms


def test_each_form_of_a_secret_is_redacted() -> None:
    secret = 'pa"ss\\wörd'
    forms = secret_forms(secret)
    for echoed in (
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(secret.encode())[2:-1],
    ):
        assert redact(f"you sent {echoed}!", forms) == f"you sent {REDACTED}!"


def test_a_secret_inside_another_leaves_nothing_of_either() -> None:
    forms = secret_forms("abcd", "xxabcdyy")
    assert redact("1 xxabcdyy 2 abcd", forms) == f"1 {REDACTED} 2 {REDACTED}"


def test_the_start_of_a_secret_that_ends_a_clipped_message_is_redacted() -> None:
    forms = secret_forms("s3cr3t-password")
    assert redact("you sent s3cr3t-pa...", forms) == f"you sent {REDACTED}..."


def test_a_clipped_message_keeps_an_end_too_short_to_be_a_secret() -> None:
    forms = secret_forms("sk_0123456789")
    assert redact("a field is missing...", forms) == "a field is missing..."
    assert redact("ends with sk_...", forms) == "ends with sk_..."


def test_no_secret_redacts_nothing() -> None:
    assert secret_forms(None, "") == ()
    assert redact("text", ()) == "text"


def test_a_set_of_secrets_never_shows_them() -> None:
    forms = secret_forms("s3cr3t-password")
    assert isinstance(forms, Secrets)
    assert "s3cr3t" not in repr(forms)
    assert "s3cr3t" not in repr({"secrets": forms})
