"""The fake's API behaviour: auth, routes, IDs, partial updates, filters, import, delete."""

from __future__ import annotations

from typing import Any

import pytest

from elevenphone.testing import FakeElevenLabs
from tests.testing.helpers import NUMBERS, Api, first_of

INVALID_KEY = {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}


@pytest.mark.parametrize("headers", [{"xi-api-key": "wrong"}, {"xi-api-key": ""}])
@pytest.mark.parametrize("method", ["GET", "PATCH"])
async def test_wrong_key_is_401(api: Api, fake: FakeElevenLabs, headers: Any, method: str) -> None:
    pid = first_of(fake, "twilio")
    before = dict(fake.numbers[pid])
    status, body = await api.call(
        method, f"{NUMBERS}/{pid}", json={"label": "hacked"}, headers=headers
    )
    assert (status, body) == (401, INVALID_KEY)
    assert fake.numbers[pid] == before


async def test_missing_key_is_401(api: Api) -> None:
    async with api.session.get(api.fake.base_url + NUMBERS) as response:
        assert response.status == 401
        assert await response.json() == INVALID_KEY


async def test_unknown_id_is_404(api: Api) -> None:
    for method, body in (("GET", None), ("PATCH", {}), ("DELETE", None)):
        status, answer = await api.call(method, f"{NUMBERS}/phnum_missing", json=body)
        assert status == 404
        assert answer["detail"]["status"] == "phone_number_not_found"
        assert "phnum_missing" in answer["detail"]["message"]


async def test_unknown_route_and_method(api: Api, fake: FakeElevenLabs) -> None:
    assert await api.call("GET", "/v1/convai/knowledge-base") == (404, {"detail": "Not Found"})
    pid = first_of(fake, "twilio")
    assert await api.call("GET", f"{NUMBERS}/{pid}/extra") == (404, {"detail": "Not Found"})
    assert await api.call("PUT", f"{NUMBERS}/{pid}", json={}) == (
        405,
        {"detail": "Method Not Allowed"},
    )


async def test_ids_are_percent_decoded(api: Api, fake: FakeElevenLabs) -> None:
    odd = "J3Pbu5gP/6NN KBsc%dwB"
    fake.add_number(phone_number_id=odd, label="odd")
    status, body = await api.call("GET", f"{NUMBERS}/J3Pbu5gP%2F6NN%20KBsc%25dwB")
    assert status == 200
    assert body["phone_number_id"] == odd
    assert fake.requests[-1].raw_path == f"{NUMBERS}/J3Pbu5gP%2F6NN%20KBsc%25dwB"
    assert fake.requests[-1].path == f"{NUMBERS}/{odd}"


@pytest.mark.parametrize("segment", ["%2E%2E", "%2e%2e%2Fphnum_x", "..%2F..%2Fv1"])
async def test_encoded_dot_segments_stay_inside_the_resource(api: Api, segment: str) -> None:
    status, body = await api.call("GET", f"{NUMBERS}/{segment}")
    assert status == 404
    assert body["detail"]["status"] == "phone_number_not_found"


async def test_get_returns_the_stored_number(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    assert await api.call("GET", f"{NUMBERS}/{pid}") == (200, fake.numbers[pid])


async def test_list_is_a_plain_array_of_every_number(api: Api, fake: FakeElevenLabs) -> None:
    status, body = await api.call("GET", NUMBERS)
    assert status == 200
    assert body == list(fake.numbers.values())


async def test_list_filters(api: Api, fake: FakeElevenLabs) -> None:
    agent = fake.numbers[first_of(fake, "exotel", assigned=True)]["assigned_agent"]["agent_id"]
    branched = next(
        n for n in fake.numbers.values() if n["assigned_agent"] and n["assigned_agent"]["branch_id"]
    )
    branch = branched["assigned_agent"]["branch_id"]

    def ids(numbers: list[dict[str, Any]]) -> list[str]:
        return [number["phone_number_id"] for number in numbers]

    _, sip = await api.call("GET", NUMBERS, params={"provider": "sip_trunk"})
    assert ids(sip) == [p for p, n in fake.numbers.items() if n["provider"] == "sip_trunk"]
    assert sip
    _, on_agent = await api.call("GET", NUMBERS, params={"agent_id": agent})
    expected = [
        p for p, n in fake.numbers.items() if (n["assigned_agent"] or {}).get("agent_id") == agent
    ]
    assert ids(on_agent) == expected
    assert 0 < len(expected) < len(fake.numbers)
    _, on_branch = await api.call("GET", NUMBERS, params={"branch_id": branch})
    assert ids(on_branch) == [branched["phone_number_id"]]
    _, both = await api.call("GET", NUMBERS, params={"provider": "exotel", "agent_id": agent})
    assert ids(both) == [p for p in expected if fake.numbers[p]["provider"] == "exotel"]
    assert await api.call("GET", NUMBERS, params={"agent_id": "agent_nobody"}) == (200, [])


# Partial updates


async def test_omitted_fields_are_unchanged(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    before = fake.numbers[pid]
    status, body = await api.patch(pid, {})
    assert (status, body) == (200, before)
    status, body = await api.patch(pid, {"label": "Renamed"})
    assert status == 200
    assert body == {**before, "label": "Renamed"}
    assert fake.numbers[pid] == body


async def test_agent_id_assigns_and_null_unassigns(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "twilio")
    fake.add_agent("agent_known", name="Known Agent")
    _, body = await api.patch(pid, {"agent_id": "agent_known"})
    assert body["assigned_agent"] == {
        "agent_id": "agent_known",
        "agent_name": "Known Agent",
        "environment": None,
        "branch_id": None,
    }
    _, body = await api.patch(pid, {"agent_id": "agent_0123456789abcdefghjkmnpqrstv"})
    assert body["assigned_agent"]["agent_name"] == "Agent pqrstv"
    assert fake.agents["agent_0123456789abcdefghjkmnpqrstv"]["name"] == "Agent pqrstv"
    _, body = await api.patch(pid, {"agent_id": None})
    assert body["assigned_agent"] is None
    assert fake.numbers[pid]["assigned_agent"] is None


async def test_branch_and_environment_live_on_the_assigned_agent(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid = fake.add_number(agent_id="agent_a", agent_name="A")
    _, body = await api.patch(pid, {"branch_id": "agtbrch_1", "environment": "staging"})
    assert body["assigned_agent"] == {
        "agent_id": "agent_a",
        "agent_name": "A",
        "environment": "staging",
        "branch_id": "agtbrch_1",
    }
    # Same agent again: the branch stays; omitted environment stays; null clears.
    _, body = await api.patch(pid, {"agent_id": "agent_a", "environment": None})
    assert body["assigned_agent"]["branch_id"] == "agtbrch_1"
    assert body["assigned_agent"]["environment"] is None
    # A different agent starts without the old agent's branch...
    _, body = await api.patch(pid, {"agent_id": "agent_b"})
    assert body["assigned_agent"]["branch_id"] is None
    # ...unless the same request sets one.
    _, body = await api.patch(pid, {"agent_id": "agent_c", "branch_id": "agtbrch_c"})
    assert body["assigned_agent"]["branch_id"] == "agtbrch_c"


async def test_branch_on_an_unassigned_number_is_rejected(api: Api, fake: FakeElevenLabs) -> None:
    pid = fake.add_number()
    status, body = await api.patch(pid, {"branch_id": "agtbrch_1"})
    assert status == 400
    assert body["detail"]["status"] == "invalid_request"
    assert fake.numbers[pid]["assigned_agent"] is None
    assert (await api.patch(pid, {"branch_id": None}))[0] == 200
    status, body = await api.patch(pid, {"agent_id": None, "environment": "prod"})
    assert status == 400


@pytest.mark.parametrize("provider", ["twilio", "exotel"])
async def test_sip_fields_on_other_providers(api: Api, fake: FakeElevenLabs, provider: str) -> None:
    pid = first_of(fake, provider)
    before = fake.numbers[pid]
    status, body = await api.patch(pid, {"label": "x", "livekit_stack": "static"})
    assert status == 400
    assert "livekit_stack" in body["detail"]["message"]
    assert fake.numbers[pid] == before  # nothing applied, not even the label
    status, body = await api.patch(pid, {"label": "x", "outbound_trunk_config": None})
    assert status == 200
    assert body == {**before, "label": "x"}
    assert "outbound_trunk" not in body


async def test_sip_trunk_configs_derive_trunk_info(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "sip_trunk")
    status, body = await api.patch(
        pid,
        {
            "outbound_trunk_config": {
                "address": "sip.carrier.example",
                "transport": "tls",
                "headers": {"X-Team": "support"},
                "credentials": {"username": "alice", "password": "s3cret"},
            },
            "inbound_trunk_config": {"allowed_numbers": ["+15550100"]},
            "livekit_stack": "static",
            "store_sip_messages": False,
        },
    )
    assert status == 200
    outbound = {
        "address": "sip.carrier.example",
        "transport": "tls",
        "media_encryption": "allowed",
        "headers": {"X-Team": "support"},
        "attributes_to_headers": {},
        "has_auth_credentials": True,
        "username": "alice",
        "has_outbound_trunk": True,
        "enabled_codecs": None,
    }
    assert body["outbound_trunk"] == outbound
    assert body["provider_config"] == outbound
    assert body["inbound_trunk"] == {
        "allowed_addresses": [],
        "allowed_numbers": ["+15550100"],
        "media_encryption": "allowed",
        "has_auth_credentials": False,
        "username": None,
        "remote_domains": None,
        "attributes_to_headers": {},
    }
    assert (body["livekit_stack"], body["store_sip_messages"]) == ("static", False)
    assert "s3cret" not in str(fake.numbers)

    # Credentials without a password keep the stored one.
    config = {"address": "sip.carrier.example", "credentials": {"username": "bob"}}
    _, body = await api.patch(pid, {"outbound_trunk_config": config})
    assert (body["outbound_trunk"]["username"], body["outbound_trunk"]["has_auth_credentials"]) == (
        "bob",
        True,
    )
    # A config without credentials replaces the whole trunk: no more auth.
    _, body = await api.patch(pid, {"outbound_trunk_config": {"address": "10.0.0.1"}})
    assert body["outbound_trunk"]["has_auth_credentials"] is False
    assert body["outbound_trunk"]["username"] is None
    # null clears, and the defaults come back for the required fields.
    _, body = await api.patch(
        pid,
        {
            "outbound_trunk_config": None,
            "inbound_trunk_config": None,
            "livekit_stack": None,
            "store_sip_messages": None,
        },
    )
    assert (body["outbound_trunk"], body["provider_config"], body["inbound_trunk"]) == (
        None,
        None,
        None,
    )
    assert (body["livekit_stack"], body["store_sip_messages"]) == ("standard", True)


async def test_username_without_password_on_a_new_trunk_has_no_auth(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid = first_of(fake, "sip_trunk")
    config = {"address": "x", "credentials": {"username": "carol", "password": None}}
    _, body = await api.patch(pid, {"outbound_trunk_config": None})
    _, body = await api.patch(pid, {"outbound_trunk_config": config})
    assert body["outbound_trunk"]["has_auth_credentials"] is False
    assert body["outbound_trunk"]["username"] == "carol"


async def test_label_null_clears_it(api: Api, fake: FakeElevenLabs) -> None:
    _, body = await api.patch(first_of(fake, "exotel"), {"label": None})
    assert body["label"] == ""


async def test_lax_boolean_is_stored_as_a_boolean(api: Api, fake: FakeElevenLabs) -> None:
    _, body = await api.patch(first_of(fake, "sip_trunk"), {"store_sip_messages": "no"})
    assert body["store_sip_messages"] is False


# Import and delete


async def test_import_then_get_then_delete(api: Api, fake: FakeElevenLabs) -> None:
    status, body = await api.call(
        "POST",
        NUMBERS,
        json={
            "provider": "sip_trunk",
            "phone_number": "+15550199",
            "label": "Imported",
            "outbound_trunk_config": {"address": "sip.example", "credentials": {"username": "u"}},
        },
    )
    assert status == 200
    pid = body["phone_number_id"]
    assert pid.startswith("phnum_")
    assert len(pid) == len("phnum_") + 28
    status, number = await api.call("GET", f"{NUMBERS}/{pid}")
    assert status == 200
    assert number["label"] == "Imported"
    assert number["assigned_agent"] is None
    assert number["livekit_stack"] == "standard"
    assert number["outbound_trunk"]["username"] == "u"
    assert number["inbound_trunk"] is None

    assert await api.call("DELETE", f"{NUMBERS}/{pid}") == (200, {})
    assert pid not in fake.numbers
    assert (await api.call("GET", f"{NUMBERS}/{pid}"))[0] == 404


async def test_import_twilio(api: Api, fake: FakeElevenLabs) -> None:
    body = {"provider": "twilio", "phone_number": "+15550198", "label": "T", "sid": "AC1"}
    status, answer = await api.call("POST", NUMBERS, json=body)
    assert status == 422
    assert answer["detail"][0]["loc"] == ["body", "twilio", "token"]
    status, answer = await api.call("POST", NUMBERS, json={**body, "token": "tok"})
    assert status == 200
    number = fake.numbers[answer["phone_number_id"]]
    assert number["provider"] == "twilio"
    assert "token" not in number
    assert "sid" not in number


async def test_add_number(fake: FakeElevenLabs) -> None:
    pid = fake.add_number(provider="sip_trunk", agent_id="agent_x", label="Support")
    assert fake.numbers[pid]["label"] == "Support"
    assert fake.numbers[pid]["assigned_agent"]["agent_id"] == "agent_x"
    assert fake.numbers[pid]["livekit_stack"] == "standard"
    other = fake.add_number()
    assert fake.numbers[other]["phone_number"] != fake.numbers[pid]["phone_number"]
