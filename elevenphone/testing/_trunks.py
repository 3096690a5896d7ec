"""From validated request configs to what the API reports: trunks and provider settings.

Secrets stop here: a SIP password becomes ``has_auth_credentials``, a Twilio or
Exotel token becomes a ``has_...`` flag. Nothing built by this module holds one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _data


def _credentials(config: Mapping[str, Any], previous: Mapping[str, Any] | None) -> tuple[Any, bool]:
    """Return ``(username, has_auth_credentials)``; a missing password keeps the old one."""
    credentials = config.get("credentials")
    if credentials is None:
        return None, False
    if credentials.get("password") is not None:
        return credentials["username"], True
    return credentials["username"], bool(previous and previous.get("has_auth_credentials"))


def outbound_from_config(
    config: Mapping[str, Any] | None, previous: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Turn an ``outbound_trunk_config`` into the outbound trunk the API reports."""
    if config is None:
        return None
    username, has_auth = _credentials(config, previous)
    trunk = _data.outbound_trunk(
        address=config["address"],
        transport=config["transport"],
        media_encryption=config["media_encryption"],
        headers=config["headers"],
        attributes_to_headers=config["attributes_to_headers"],
        username=username,
        enabled_codecs=config.get("enabled_codecs"),
    )
    trunk["has_auth_credentials"] = has_auth
    return trunk


def inbound_from_config(
    config: Mapping[str, Any] | None, previous: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Turn an ``inbound_trunk_config`` into the inbound trunk the API reports."""
    if config is None:
        return None
    username, has_auth = _credentials(config, previous)
    trunk = _data.inbound_trunk(
        allowed_addresses=config["allowed_addresses"],
        allowed_numbers=config["allowed_numbers"],
        media_encryption=config["media_encryption"],
        username=username,
        remote_domains=config["remote_domains"],
        attributes_to_headers=config["attributes_to_headers"],
    )
    trunk["has_auth_credentials"] = has_auth
    return trunk


def exotel_applet_url(account_sid: str, app_id: str) -> str:
    """The Exotel ``start_voice`` URL the API builds when ``applet_url`` is not given."""
    return f"http://my.exotel.com/{account_sid}/exoml/start_voice/{app_id}"


def provider_settings(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What a validated import body configured beyond the number, without its secrets.

    The API never returns these; the fake keeps them so that tests can check
    what was imported (``FakeElevenLabs.provider_settings``).
    """
    provider = fields["provider"]
    if provider == "twilio":
        region = fields.get("region_config")
        return {
            "sid": fields["sid"],
            "has_token": True,
            "has_account_auth_token": fields.get("account_auth_token") is not None,
            "region_config": None
            if region is None
            else {
                "region_id": region["region_id"],
                "edge_location": region["edge_location"],
                "has_token": True,
            },
            "enable_sms": True if fields.get("enable_sms") is None else fields["enable_sms"],
        }
    if provider == "exotel":
        applet_url = fields.get("applet_url")
        return {
            "account_sid": fields["account_sid"],
            "api_key": fields["api_key"],
            "has_api_token": True,
            "api_subdomain": fields["api_subdomain"],
            "app_id": fields["app_id"],
            "applet_url": applet_url or exotel_applet_url(fields["account_sid"], fields["app_id"]),
        }
    return {}
