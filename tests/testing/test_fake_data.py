"""Seeded data: realistic, well-formed and identical for the same seed."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from elevenphone.testing import FakeElevenLabs

ID = "[0123456789abcdefghjkmnpqrstvwxyz]{28}"
PHONE_NUMBER_ID = re.compile(f"phnum_{ID}")
AGENT_ID = re.compile(f"agent_{ID}")
BRANCH_ID = re.compile(f"agtbrch_{ID}")
E164 = re.compile(r"\+[1-9]\d{7,14}")


def test_same_seed_same_numbers_and_ids() -> None:
    first = FakeElevenLabs(numbers=200, seed=11)
    second = FakeElevenLabs(numbers=200, seed=11)
    assert first.numbers == second.numbers
    assert list(first.numbers) == list(second.numbers)
    assert first.agents == second.agents
    assert first.add_number() == second.add_number()
    assert FakeElevenLabs(numbers=200, seed=12).numbers != first.numbers


def test_seeded_numbers_look_like_the_api() -> None:
    fake = FakeElevenLabs(numbers=300, seed=2)
    numbers = list(fake.numbers.values())
    assert len(numbers) == 300
    assert len({n["phone_number"] for n in numbers}) == 300
    assert Counter(n["provider"] for n in numbers).keys() == {"twilio", "exotel", "sip_trunk"}
    common = ["phone_number", "label", "supports_inbound", "supports_outbound", "phone_number_id"]
    for pid, number in fake.numbers.items():
        assert PHONE_NUMBER_ID.fullmatch(pid)
        assert number["phone_number_id"] == pid
        assert E164.fullmatch(number["phone_number"])
        assert number["label"]
        keys = {"provider", "assigned_agent", *common}
        if number["provider"] == "sip_trunk":
            keys |= {
                "provider_config",
                "outbound_trunk",
                "inbound_trunk",
                "livekit_stack",
                "store_sip_messages",
            }
            assert number["livekit_stack"] in ("standard", "static")
            assert number["provider_config"] == number["outbound_trunk"]
            for trunk in (number["outbound_trunk"], number["inbound_trunk"]):
                if trunk is not None:
                    assert "password" not in trunk
        if number["provider"] == "exotel":
            assert number["phone_number"].startswith("+91")
        assert number.keys() == keys
        agent = number["assigned_agent"]
        if agent is not None:
            assert AGENT_ID.fullmatch(agent["agent_id"])
            assert agent["agent_name"] == fake.agents[agent["agent_id"]]["name"]
            assert agent["branch_id"] is None or BRANCH_ID.fullmatch(agent["branch_id"])
    agents = [n["assigned_agent"] for n in numbers]
    assert 10 <= sum(a is None for a in agents) <= 50
    assert sum(a is not None and a["branch_id"] is not None for a in agents) >= 20
    assert len({a["agent_id"] for a in agents if a}) > 10


@pytest.mark.parametrize("agents", [["agent_a"], {"agent_a": "Alice"}])
def test_all_seeded_numbers_on_one_agent(agents: list[str] | dict[str, str]) -> None:
    fake = FakeElevenLabs(numbers=1000, seed=1, agent_ids=agents)
    assert {n["assigned_agent"]["agent_id"] for n in fake.numbers.values()} == {"agent_a"}
    expected_name = "Alice" if isinstance(agents, dict) else "Agent a"
    assert {n["assigned_agent"]["agent_name"] for n in fake.numbers.values()} == {expected_name}


@pytest.mark.parametrize(
    ("agent_id", "name"),
    [
        ("agent_B", "Agent B"),
        ("agent_support_2", "Agent support_2"),
        ("agent_3701k3ttaq12ewp8b7qv5rfyszkz", "Agent fyszkz"),
        ("bot-7", "Agent bot-7"),
        ("agent_", "Agent agent_"),
    ],
)
def test_an_unknown_agent_gets_a_readable_name(agent_id: str, name: str) -> None:
    fake = FakeElevenLabs()
    pid = fake.add_number(agent_id=agent_id)
    assert fake.agents[agent_id]["name"] == name
    assert fake.numbers[pid]["assigned_agent"]["agent_name"] == name


def test_numbers_spread_round_robin_over_given_agents() -> None:
    fake = FakeElevenLabs(numbers=9, agent_ids=["agent_a", "agent_b", "agent_c"])
    assigned = Counter(n["assigned_agent"]["agent_id"] for n in fake.numbers.values())
    assert assigned == {"agent_a": 3, "agent_b": 3, "agent_c": 3}


@pytest.mark.parametrize(
    "kwargs", [{"numbers": -1}, {"fault_rate": 1.5}, {"fault_rate": -0.1}, {"concurrency_limit": 0}]
)
def test_bad_settings_raise(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        FakeElevenLabs(**kwargs)  # type: ignore[arg-type]


async def test_lifecycle() -> None:
    fake = FakeElevenLabs()
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    await fake.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fake.base_url)
        assert fake.port > 0
        with pytest.raises(RuntimeError):
            await fake.start()
    finally:
        await fake.close()
    await fake.close()
