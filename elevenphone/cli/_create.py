"""``elevenphone create``: import a number from Twilio, Exotel or a SIP trunk.

Every provider takes its own options; an option of another provider is a
usage error. The provider's secrets (Twilio tokens, Exotel's key and token,
SIP trunk passwords) come from :mod:`._secrets`, never from an argument.
"""

from __future__ import annotations

from typing import Any

import click
from msgspec import UNSET

from .._exceptions import ElevenPhoneError
from .._models import (
    CreatePhoneNumberRequest,
    ExotelApiSubdomain,
    TwilioEdgeLocation,
    TwilioRegionId,
)
from ._errors import EXIT_OK, EXIT_OUTCOME_UNKNOWN, CommandError, describe
from ._output import print_json, say
from ._params import ID, PROVIDER, choice_of, json_file_option
from ._secrets import (
    read_secret,
    refuse_two_sources,
    register_secrets,
    secret_given,
    secret_options,
)
from ._settings import Settings, note

# The parameters of each provider's options (secrets by their NAME_env/NAME_file).
_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "twilio": (
        "sid",
        "token_env",
        "token_file",
        "account_auth_token_env",
        "account_auth_token_file",
        "region_id",
        "edge_location",
        "region_token_env",
        "region_token_file",
        "enable_sms",
    ),
    "exotel": (
        "account_sid",
        "exotel_api_key_env",
        "exotel_api_key_file",
        "exotel_api_token_env",
        "exotel_api_token_file",
        "api_subdomain",
        "app_id",
        "applet_url",
    ),
    "sip_trunk": (
        "inbound_trunk_config",
        "outbound_trunk_config",
        "inbound_password_env",
        "inbound_password_file",
        "outbound_password_env",
        "outbound_password_file",
    ),
}


@click.command()
@click.option(
    "--provider",
    required=True,
    type=PROVIDER,
    help="Where the number comes from.",
)
@click.option("--phone-number", required=True, type=ID, metavar="NUMBER", help="The phone number.")
@click.option("--label", required=True, help="Its label.")
@click.option("--agent-id", type=ID, metavar="AGENT", help="Assign it to this agent.")
@click.option(
    "--sid", type=ID, metavar="SID", help="Twilio: the Account SID (AC...) or API Key SID (SK...)."
)
@secret_options("token", "the Twilio auth token or API Key secret of --sid")
@secret_options("account-auth-token", "the Twilio Account Auth Token (needed with an SK... SID)")
@click.option("--region-id", type=choice_of(TwilioRegionId), help="Twilio: the region.")
@click.option(
    "--edge-location",
    type=choice_of(TwilioEdgeLocation),
    help="Twilio: the edge location of --region-id.",
)
@secret_options("region-token", "the Twilio auth token of --region-id")
@click.option(
    "--enable-sms/--no-enable-sms",
    default=None,
    help="Twilio: route inbound SMS to ElevenLabs (the API's default: on).",
)
@click.option("--account-sid", type=ID, metavar="SID", help="Exotel: the Account SID.")
@secret_options("exotel-api-key", "the Exotel API key")
@secret_options("exotel-api-token", "the Exotel API token")
@click.option(
    "--api-subdomain",
    type=choice_of(ExotelApiSubdomain),
    help="Exotel: the region's API host.",
)
@click.option("--app-id", type=ID, metavar="APP", help="Exotel: the applet used in Calls/connect.")
@click.option("--applet-url", metavar="URL", help="Exotel: the full applet URL, if not the usual.")
@json_file_option(
    "--inbound-config", "inbound_trunk_config", help="SIP trunk: the inbound trunk config as JSON."
)
@json_file_option(
    "--outbound-config",
    "outbound_trunk_config",
    help="SIP trunk: the outbound trunk config as JSON.",
)
@secret_options("inbound-password", "the password of the inbound trunk's credentials")
@secret_options("outbound-password", "the password of the outbound trunk's credentials")
@click.option("--json", "as_json", is_flag=True, help="Print the new number's id as JSON.")
@click.pass_context
def create(
    ctx: click.Context,
    /,
    provider: str,
    phone_number: str,
    label: str,
    agent_id: str | None,
    as_json: bool,
    **options: Any,
) -> int:
    """Import a phone number from Twilio, Exotel or a SIP trunk.

    Secrets are never arguments: each comes from --NAME-env VAR or
    --NAME-file PATH, or is asked for (hidden) on a terminal.
    """
    _refuse_other_providers(ctx, provider, options)
    refuse_two_sources(options)
    request: dict[str, Any] = {"provider": provider, "phone_number": phone_number, "label": label}
    if agent_id is not None:
        request["agent_id"] = agent_id
    if provider == "twilio":
        request |= _twilio(options)
    elif provider == "exotel":
        request |= _exotel(options)
    else:
        request |= _sip_trunk(options)
    register_secrets(request, CreatePhoneNumberRequest)  # a password from --*-config too
    settings: Settings = ctx.obj

    try:
        created = settings.run(lambda client: client.phone_numbers.create(request))
    except ElevenPhoneError as error:
        if not error.outcome_unknown:
            raise
        raise CommandError(
            f"{phone_number} may have been imported: {describe(error)}. Check with"
            f" 'elevenphone list --search {phone_number}' before importing it again",
            exit_code=EXIT_OUTCOME_UNKNOWN,
        ) from error
    if as_json:
        print_json(created)
    else:
        note(f"imported {phone_number} ({provider}) as {created.phone_number_id}")
        say(created.phone_number_id)
    return EXIT_OK


def _refuse_other_providers(ctx: click.Context, provider: str, options: dict[str, Any]) -> None:
    flags = {param.name: param.opts[0] for param in ctx.command.params}
    for other, names in _ONLY_FOR.items():
        if other == provider:
            continue
        given = [
            flags[name]
            for name in names
            if options[name] is not None and options[name] is not UNSET
        ]
        if given:
            raise click.UsageError(f"{', '.join(given)}: for --provider {other} only")


def _required(options: dict[str, Any], *names: str, provider: str) -> None:
    missing = [f"--{name.replace('_', '-')}" for name in names if options[name] is None]
    if missing:
        raise click.UsageError(f"--provider {provider} needs {', '.join(missing)}")


def _twilio(options: dict[str, Any]) -> dict[str, Any]:
    _required(options, "sid", provider="twilio")
    region = {
        name: options[name] for name in ("region_id", "edge_location") if options[name] is not None
    }
    if (region or secret_given("region-token", options)) and len(region) < 2:
        raise click.UsageError("a Twilio region needs --region-id and --edge-location")
    sid: str = options["sid"]
    fields: dict[str, Any] = {"sid": sid}
    # The secrets last: nothing is asked for before every other option is known good.
    fields["token"] = read_secret("token", "the Twilio auth token", options, required=True)
    account_auth_token = read_secret(
        "account-auth-token",
        "the Twilio Account Auth Token",
        options,
        # An API Key SID needs it to validate inbound webhooks (digest 5.2).
        required=sid.startswith("SK"),
    )
    if account_auth_token is not None:
        fields["account_auth_token"] = account_auth_token
    if region:
        token = read_secret("region-token", "the Twilio region's token", options, required=True)
        fields["region_config"] = {**region, "token": token}
    if options["enable_sms"] is not None:
        fields["enable_sms"] = options["enable_sms"]
    return fields


def _exotel(options: dict[str, Any]) -> dict[str, Any]:
    _required(options, "account_sid", "api_subdomain", "app_id", provider="exotel")
    fields = {name: options[name] for name in ("account_sid", "api_subdomain", "app_id")}
    if options["applet_url"] is not None:
        fields["applet_url"] = options["applet_url"]
    fields["api_key"] = read_secret("exotel-api-key", "the Exotel API key", options, required=True)
    fields["api_token"] = read_secret(
        "exotel-api-token", "the Exotel API token", options, required=True
    )
    return fields


def _sip_trunk(options: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    asked = []
    for side in ("inbound", "outbound"):
        name, config = f"{side}_trunk_config", options[f"{side}_trunk_config"]
        if config is UNSET:
            if secret_given(f"{side}-password", options):
                raise click.UsageError(f"a {side} trunk password needs --{side}-config")
            continue
        fields[name] = config
        credentials = _credentials_needing_a_password(side, config, options)
        if credentials is not None:
            asked.append((side, credentials))
    # The passwords last: nothing is asked for before every option is known good.
    for side, credentials in asked:
        what = f"the password of the {side} trunk's user {credentials.get('username')!r}"
        credentials["password"] = read_secret(f"{side}-password", what, options, required=True)
    return fields


def _credentials_needing_a_password(
    side: str, config: Any, options: dict[str, Any]
) -> dict[str, Any] | None:
    """The credentials object of the ``side`` trunk's config when its password
    is still to be read; None when it has none (the SDK checks the rest) or
    holds one already (then a secret)."""
    credentials = config.get("credentials") if isinstance(config, dict) else None
    option = f"{side}-password"
    if not isinstance(credentials, dict):
        if secret_given(option, options):
            raise click.UsageError(
                f"a {side} trunk password needs credentials (a username) in --{side}-config"
            )
        return None
    if credentials.get("password") is not None:
        if secret_given(option, options):
            raise click.UsageError(
                f"--{side}-config holds a password already; give it there or by"
                f" --{option}-env/--{option}-file, not both"
            )
        return None
    return credentials
