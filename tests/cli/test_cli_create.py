"""``elevenphone create`` as a subprocess against the fake: each provider, the
secrets from the environment, a file or a hidden prompt and never in any
output, the usage errors that send nothing, and an import whose reply is lost."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_helpers import API_KEY, Completed, clean_env, run_cli
from terminal_helpers import run_cli_on_terminal

from elevenphone.testing import FakeElevenLabs, Fault

TOKEN = "twilio_token_5f0c2e9b1d"
ACCOUNT_TOKEN = "twilio_account_token_77aa01"
REGION_TOKEN = "twilio_region_token_c3d4e5"
EXOTEL_KEY = "exotel_key_0b1c2d3e"
EXOTEL_TOKEN = "exotel_token_9f8e7d6c"
PASSWORD = "sip_password_4a5b6c7d"
SECRETS = (TOKEN, ACCOUNT_TOKEN, REGION_TOKEN, EXOTEL_KEY, EXOTEL_TOKEN, PASSWORD)


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(api_key=API_KEY, numbers=2, seed=5) as fake:
        yield fake


def assert_no_secret(*results: Completed | str) -> None:
    for result in results:
        shown = result if isinstance(result, str) else result.stdout + result.stderr
        for secret in SECRETS:
            assert secret not in shown


def _secret_file(tmp_path: Path, name: str, secret: str) -> str:
    path = tmp_path / name
    path.write_text(secret + "\n")  # as an editor saves it
    return str(path)


TWILIO = ("create", "--provider", "twilio", "--phone-number", "+14155550199", "--label", "Sales")


async def test_a_twilio_import_takes_its_token_from_the_environment(fake: FakeElevenLabs) -> None:
    env = clean_env(TWILIO_TOKEN=TOKEN)
    result = await run_cli(
        *TWILIO, "--sid", "AC0123", "--token-env", "TWILIO_TOKEN", "--agent-id", "agent_a",
        fake=fake, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pid = result.stdout.strip()
    assert fake.numbers[pid]["phone_number"] == "+14155550199"
    assert fake.numbers[pid]["assigned_agent"]["agent_id"] == "agent_a"
    assert fake.requests[-1].json == {
        "provider": "twilio",
        "phone_number": "+14155550199",
        "label": "Sales",
        "agent_id": "agent_a",
        "sid": "AC0123",
        "token": TOKEN,
    }
    assert f"imported +14155550199 (twilio) as {pid}" in result.stderr
    assert_no_secret(result)


async def test_a_twilio_api_key_import_with_region_and_sms(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    env = clean_env(REGION_TOKEN=REGION_TOKEN)
    result = await run_cli(
        *TWILIO,
        "--sid", "SK0123",
        "--token-file", _secret_file(tmp_path, "token", TOKEN),
        "--account-auth-token-file", _secret_file(tmp_path, "account", ACCOUNT_TOKEN),
        "--region-id", "ie1",
        "--edge-location", "dublin",
        "--region-token-env", "REGION_TOKEN",
        "--no-enable-sms",
        "--json",
        fake=fake,
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pid = result.json()["phone_number_id"]
    body = fake.requests[-1].json
    assert (body["token"], body["account_auth_token"]) == (TOKEN, ACCOUNT_TOKEN)
    assert body["region_config"] == {
        "region_id": "ie1",
        "edge_location": "dublin",
        "token": REGION_TOKEN,
    }
    assert body["enable_sms"] is False
    settings = fake.provider_settings[pid]
    assert settings["enable_sms"] is False
    assert settings["has_account_auth_token"] is True
    assert_no_secret(result)


async def test_an_exotel_import_reads_key_and_token_from_files(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    result = await run_cli(
        "create", "--provider", "exotel", "--phone-number", "+919876543210", "--label", "Pune",
        "--account-sid", "acme1", "--api-subdomain", "api.in.exotel.com", "--app-id", "4242",
        "--applet-url", "https://my.exotel.com/acme1/exoml/start_voice/4242",
        "--exotel-api-key-file", _secret_file(tmp_path, "key", EXOTEL_KEY),
        "--exotel-api-token-file", _secret_file(tmp_path, "token", EXOTEL_TOKEN),
        fake=fake,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pid = result.stdout.strip()
    body = fake.requests[-1].json
    assert body["provider"] == "exotel"
    assert (body["api_key"], body["api_token"]) == (EXOTEL_KEY, EXOTEL_TOKEN)
    assert (body["account_sid"], body["api_subdomain"], body["app_id"]) == (
        "acme1",
        "api.in.exotel.com",
        "4242",
    )
    assert fake.provider_settings[pid]["applet_url"].endswith("/4242")
    assert_no_secret(result)


async def test_a_sip_trunk_import_fills_each_password_from_its_own_source(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    outbound = tmp_path / "out.json"
    outbound.write_text(
        json.dumps(
            {
                "address": "sip.carrier.example",
                "transport": "tls",
                "credentials": {"username": "acme"},
                "enabled_codecs": ["PCMA/8000"],
            }
        )
    )
    inbound = tmp_path / "in.json"
    inbound.write_text(
        json.dumps(
            {
                "allowed_addresses": ["203.0.113.0/24"],
                "credentials": {"username": "carrier", "password": "in_file_pw_11"},
            }
        )
    )
    result = await run_cli(
        "create", "--provider", "sip_trunk", "--phone-number", "+442071838751", "--label", "LDN",
        "--outbound-config", str(outbound), "--inbound-config", str(inbound),
        "--outbound-password-env", "SIP_PASSWORD",
        fake=fake, env=clean_env(SIP_PASSWORD=PASSWORD),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    pid = result.stdout.strip()
    body = fake.requests[-1].json
    assert body["outbound_trunk_config"]["credentials"] == {
        "username": "acme",
        "password": PASSWORD,
    }
    assert body["inbound_trunk_config"]["credentials"]["password"] == "in_file_pw_11"
    number = fake.numbers[pid]
    assert number["outbound_trunk"]["has_auth_credentials"] is True
    assert number["outbound_trunk"]["enabled_codecs"] == ["PCMA/8000"]
    assert number["inbound_trunk"]["allowed_addresses"] == ["203.0.113.0/24"]
    assert_no_secret(result)


async def test_a_token_typed_at_the_hidden_prompt_is_never_echoed(fake: FakeElevenLabs) -> None:
    result, terminal = await run_cli_on_terminal(
        *TWILIO, "--sid", "AC0123", fake=fake, hidden=[TOKEN]
    )
    assert result.returncode == 0, result.stderr
    assert terminal.startswith("The Twilio auth token: ")
    assert fake.requests[-1].json["token"] == TOKEN
    assert_no_secret(result, terminal)


async def test_every_secret_of_an_exotel_import_is_asked_for_in_turn(
    fake: FakeElevenLabs,
) -> None:
    result, terminal = await run_cli_on_terminal(
        "create", "--provider", "exotel", "--phone-number", "+919876543211", "--label", "Pune",
        "--account-sid", "acme1", "--api-subdomain", "api.exotel.com", "--app-id", "1",
        fake=fake, hidden=[EXOTEL_KEY, EXOTEL_TOKEN],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = fake.requests[-1].json
    assert (body["api_key"], body["api_token"]) == (EXOTEL_KEY, EXOTEL_TOKEN)
    assert_no_secret(result, terminal)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param((*TWILIO, "--sid", "AC1"), "--token-env VAR or --token-file", id="no-token"),
        pytest.param(
            (*TWILIO, "--sid", "SK1", "--token-env", "T"),
            "--account-auth-token-env",
            id="api-key-sid-without-account-token",
        ),
        pytest.param(
            (*TWILIO, "--sid", "AC1", "--token-env", "T", "--region-id", "us1"),
            "--region-id and --edge-location",
            id="half-a-region",
        ),
        pytest.param(
            (*TWILIO, "--sid", "AC1", "--token-env", "T", "--token-file", "/dev/null"),
            "not both",
            id="two-sources",
        ),
        pytest.param(
            (*TWILIO, "--sid", "AC1", "--region-id", "us1", "--edge-location", "dublin",
             "--region-token-env", "T", "--region-token-file", "/dev/null"),
            "give --region-token-env or --region-token-file, not both",
            id="two-sources-refused-before-asking",
        ),
        pytest.param(
            (*TWILIO, "--sid", "AC1", "--token-env", "UNSET_VARIABLE_X"),
            "UNSET_VARIABLE_X is not set",
            id="variable-not-set",
        ),
        pytest.param(
            (*TWILIO, "--sid", "AC1", "--token-file", "/dev/null"), "is empty", id="empty-file"
        ),
        pytest.param((*TWILIO, "--token-env", "T"), "needs --sid", id="no-sid"),
        pytest.param(
            (*TWILIO, "--sid", "AC1", "--token-env", "T", "--app-id", "9"),
            "--app-id: for --provider exotel only",
            id="another-providers-option",
        ),
        pytest.param(
            ("create", "--provider", "exotel", "--phone-number", "+1", "--label", "x"),
            "needs --account-sid, --api-subdomain, --app-id",
            id="exotel-without-its-options",
        ),
        pytest.param(
            (
                "create", "--provider", "sip_trunk", "--phone-number", "+1", "--label", "x",
                "--outbound-password-env", "T",
            ),
            "needs --outbound-config",
            id="password-without-config",
        ),
        pytest.param(
            ("create", "--provider", "carrier-pigeon", "--phone-number", "+1", "--label", "x"),
            "--provider",
            id="unknown-provider",
        ),
    ],
)  # fmt: skip
async def test_usage_errors_exit_2_and_send_nothing(
    fake: FakeElevenLabs, args: tuple[str, ...], says: str
) -> None:
    result = await run_cli(*args, fake=fake, env=clean_env(T=TOKEN))
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert fake.requests == []
    assert_no_secret(result)


async def test_a_password_in_the_config_and_an_option_is_refused(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    config = tmp_path / "out.json"
    credentials = {"username": "u", "password": PASSWORD}
    config.write_text(json.dumps({"address": "sip.example", "credentials": credentials}))
    args = ("create", "--provider", "sip_trunk", "--phone-number", "+1", "--label", "x")
    result = await run_cli(
        *args, "--outbound-config", str(config), "--outbound-password-env", "T", fake=fake
    )
    assert result.returncode == 2
    assert "holds a password already" in result.stderr
    assert fake.requests == []
    assert_no_secret(result)


async def test_credentials_without_a_password_need_one(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    config = tmp_path / "out.json"
    config.write_text(json.dumps({"address": "sip.example", "credentials": {"username": "u"}}))
    args = ("create", "--provider", "sip_trunk", "--phone-number", "+1", "--label", "x")
    result = await run_cli(*args, "--outbound-config", str(config), fake=fake)
    assert result.returncode == 2
    assert "outbound trunk's user 'u'" in result.stderr
    assert "--outbound-password-env VAR or --outbound-password-file PATH" in result.stderr
    assert fake.requests == []


async def test_an_echoed_secret_is_redacted(fake: FakeElevenLabs) -> None:
    fake.script(
        Fault.status(
            422, {"detail": [{"loc": ["body", "token"], "msg": f"bad: {TOKEN}", "type": "x"}]}
        )
    )
    result = await run_cli(
        *TWILIO, "--sid", "AC1", "--token-env", "T", fake=fake, env=clean_env(T=TOKEN)
    )
    assert result.returncode == 3
    assert "body.token: bad: [redacted]" in result.stderr
    assert_no_secret(result)


async def test_an_import_whose_reply_is_lost_exits_7(fake: FakeElevenLabs) -> None:
    fake.script(Fault.after_acting(Fault.reset()))
    result = await run_cli(
        *TWILIO, "--sid", "AC1", "--token-env", "T", fake=fake, env=clean_env(T=TOKEN)
    )
    assert result.returncode == 7, result.stderr
    assert "+14155550199 may have been imported" in result.stderr
    assert "elevenphone list --search +14155550199" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert [n["phone_number"] for n in fake.numbers.values()].count("+14155550199") == 1
    assert [r.method for r in fake.requests] == ["POST"]  # never sent twice
    assert_no_secret(result)


async def test_a_sip_password_is_asked_for_when_the_config_has_none(
    fake: FakeElevenLabs, tmp_path: Path
) -> None:
    config = tmp_path / "in.json"
    config.write_text(json.dumps({"credentials": {"username": "carrier"}}))
    result, terminal = await run_cli_on_terminal(
        "create", "--provider", "sip_trunk", "--phone-number", "+442071838752", "--label", "x",
        "--inbound-config", str(config), fake=fake, hidden=[PASSWORD],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "inbound trunk's user 'carrier'" in terminal
    assert fake.requests[-1].json["inbound_trunk_config"]["credentials"]["password"] == PASSWORD
    assert_no_secret(result, terminal)


def test_every_provider_option_belongs_to_one_provider() -> None:
    from elevenphone.cli._create import _ONLY_FOR, create

    common = {"provider", "phone_number", "label", "agent_id", "as_json"}
    owners = [name for names in _ONLY_FOR.values() for name in names]
    assert len(owners) == len(set(owners))
    assert {param.name for param in create.params} == common | set(owners)
