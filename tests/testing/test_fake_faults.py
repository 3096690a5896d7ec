"""Fault injection: scripted answers, random faults under a seed, latency, counters."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from elevenphone.testing import FakeElevenLabs, Fault, StatusFault
from tests.testing.helpers import NUMBERS, Api, first_of


async def test_scripted_status_sends_exact_status_headers_and_body(
    api: Api, session: aiohttp.ClientSession
) -> None:
    page = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
    api.fake.script(Fault.status(503, body=page, headers={"Retry-After": "7", "X-Proxy": "edge"}))
    async with session.get(api.fake.base_url + NUMBERS) as response:
        assert response.status == 503
        assert response.headers["Retry-After"] == "7"
        assert response.headers["X-Proxy"] == "edge"
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert await response.read() == page.encode()
    # The next request is answered normally again.
    assert (await api.call("GET", NUMBERS))[0] == 200
    assert api.fake.stats.faults == {"status": 1}


async def test_rate_limited_with_and_without_retry_after(
    api: Api, session: aiohttp.ClientSession
) -> None:
    api.fake.script(Fault.rate_limited(retry_after=2), Fault.rate_limited())
    for expected in ("2", None):
        async with session.get(api.fake.base_url + NUMBERS) as response:
            assert response.status == 429
            assert response.headers.get("Retry-After") == expected
            body = await response.json()
            assert body["detail"]["code"] == "rate_limit_exceeded"


async def test_scripted_faults_are_used_in_order_and_never_apply_the_update(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid = first_of(fake, "twilio")
    fake.script(Fault.server_error(500), Fault.html_error(502))
    assert fake.scripted_pending == 2
    status, body = await api.patch(pid, {"label": "one"})
    assert status == 500
    assert body["detail"]["status"] == "internal_server_error"
    async with api.session.patch(
        f"{fake.base_url}{NUMBERS}/{pid}", json={"label": "two"}, headers={"xi-api-key": "test-key"}
    ) as response:
        assert response.status == 502
        assert b"<title>502 Bad Gateway</title>" in await response.read()
    assert fake.numbers[pid]["label"] not in ("one", "two")
    assert fake.scripted_pending == 0
    assert [r.json for r in fake.requests] == [{"label": "one"}, {"label": "two"}]


async def test_reset_is_a_connection_error(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "twilio")
    fake.script(Fault.reset())
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.patch(pid, {"label": "lost"})
    assert fake.numbers[pid]["label"] != "lost"
    assert fake.stats.faults == {"reset": 1}
    assert (await api.patch(pid, {"label": "kept"}))[0] == 200


async def test_truncated_body_is_a_payload_error(api: Api, fake: FakeElevenLabs) -> None:
    fake.script(Fault.truncate(b'{"phone_number_id":"phn', missing=40))
    async with api.session.get(
        f"{fake.base_url}{NUMBERS}", headers={"xi-api-key": "test-key"}
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Length"] == str(len(b'{"phone_number_id":"phn') + 40)
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()
    assert fake.stats.faults == {"truncate": 1}


async def test_delay_then_normal_answer(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "exotel")
    fake.script(Fault.delay(0.3))
    started = time.perf_counter()
    status, body = await api.patch(pid, {"label": "late"})
    assert time.perf_counter() - started >= 0.3
    assert (status, body["label"]) == (200, "late")
    assert fake.stats.faults == {"delay": 1}


async def test_script_rejects_non_faults(fake: FakeElevenLabs) -> None:
    with pytest.raises(TypeError):
        fake.script(503)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fake.script(Fault())
    fake.script(Fault.reset())
    fake.clear_script()
    assert fake.scripted_pending == 0


def test_status_fault_body_encodings() -> None:
    json_fault = Fault.status(500, {"detail": "x"})
    assert json_fault == StatusFault(
        http_status=500,
        body=b'{"detail":"x"}',
        headers=(("Content-Type", "application/json"),),
    )
    assert Fault.status(503).headers == ()
    assert Fault.status(400, "oops", {"content-type": "text/csv"}).headers == (
        ("content-type", "text/csv"),
    )


async def outcomes(fake: FakeElevenLabs, count: int) -> list[str]:
    """PATCH ``count`` times, one by one; return each status, or "reset".

    PATCH, because aiohttp silently retries GET, PUT and DELETE once after a reset.
    """
    url = f"{fake.base_url}{NUMBERS}/{next(iter(fake.numbers))}"
    seen = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as session:
        for _ in range(count):
            try:
                async with session.patch(
                    url, json={}, headers={"xi-api-key": fake.api_key}
                ) as response:
                    await response.read()
                    seen.append(str(response.status))
            except aiohttp.ClientConnectionError:
                seen.append("reset")
    return seen


async def test_fault_rate_is_deterministic_under_a_seed() -> None:
    runs = []
    for seed in (3, 3, 4):
        async with FakeElevenLabs(numbers=2, seed=seed, fault_rate=0.3) as fake:
            runs.append(await outcomes(fake, 60))
            assert sum(fake.stats.faults.values()) == sum(s != "200" for s in runs[-1])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    failures = [s for s in runs[0] if s != "200"]
    assert 6 <= len(failures) <= 30
    # The default mix: 500, 502, 503, 429 and resets all show up.
    assert {"429", "500", "502", "503", "reset"} <= set(runs[0] + runs[2])


async def test_fault_settings_change_while_serving() -> None:
    async with FakeElevenLabs(numbers=1, fault_rate=1.0, fault_mix=[Fault.status(418)]) as fake:
        assert await outcomes(fake, 3) == ["418"] * 3
        fake.fault_rate = 0.0
        assert await outcomes(fake, 2) == ["200"] * 2
        fake.fault_rate = 1.0
        fake.fault_mix = [Fault.server_error(503)]
        assert await outcomes(fake, 1) == ["503"]
        assert fake.stats.statuses == {418: 3, 200: 2, 503: 1}


async def test_fixed_and_random_latency() -> None:
    async with FakeElevenLabs(numbers=1, latency=0.2) as fake:
        started = time.perf_counter()
        assert await outcomes(fake, 1) == ["200"]
        assert time.perf_counter() - started >= 0.2
        fake.latency = (0.05, 0.1)
        draws: list[float] = []
        draw = fake._next_latency

        def recorded() -> float:
            draws.append(draw())
            return draws[-1]

        fake._next_latency = recorded  # type: ignore[method-assign]
        started = time.perf_counter()
        assert await outcomes(fake, 3) == ["200"] * 3
        # Each request waited its own draw from the range (no upper bound on
        # the time: a busy machine only adds to it).
        assert len(draws) == 3
        assert all(0.05 <= d <= 0.1 for d in draws)
        assert time.perf_counter() - started >= sum(draws)


async def test_latency_draws_are_seeded() -> None:
    draws = []
    for _ in range(2):
        fake = FakeElevenLabs(seed=5, latency=(0.0, 1.0))
        draws.append([fake._next_latency() for _ in range(5)])
    assert draws[0] == draws[1]
    assert len(set(draws[0])) == 5


async def test_aiohttp_retries_a_reset_get_once(api: Api, fake: FakeElevenLabs) -> None:
    # Not the fake's doing, but what its users see: one reset is invisible to a GET.
    fake.script(Fault.reset())
    assert (await api.call("GET", NUMBERS))[0] == 200
    assert fake.stats.requests == 2


async def test_faulted_requests_still_count(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "twilio")
    fake.script(Fault.rate_limited(), Fault.reset())
    await api.patch(pid, {})
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.patch(pid, {})
    await asyncio.sleep(0)
    assert fake.stats.requests == 2
    assert fake.stats.faults == {"status": 1, "reset": 1}
    assert fake.stats.statuses == {429: 1}
    assert fake.stats.in_flight == 0


# Faults after the API acted: the reply is lost, the state has changed.

CALL = "/v1/convai/twilio/outbound-call"


def call_body(fake: FakeElevenLabs) -> dict[str, str]:
    pid = first_of(fake, "twilio")
    return {"agent_id": "agent_a", "agent_phone_number_id": pid, "to_number": "+15550009999"}


async def test_reset_after_acting_places_the_call_and_loses_the_reply(
    api: Api, fake: FakeElevenLabs
) -> None:
    fake.script(Fault.after_acting(Fault.reset()))
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("POST", CALL, json=call_body(fake))
    assert len(fake.calls) == 1
    assert fake.stats.faults == {"after_acting": 1}
    assert fake.stats.statuses == {}  # nothing was answered


async def test_a_fault_before_acting_places_no_call(api: Api, fake: FakeElevenLabs) -> None:
    fake.script(Fault.reset(), Fault.server_error(503))
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("POST", CALL, json=call_body(fake))
    assert (await api.call("POST", CALL, json=call_body(fake)))[0] == 503
    assert fake.calls == []


async def test_status_after_acting_imports_the_number(api: Api, fake: FakeElevenLabs) -> None:
    fake.script(Fault.after_acting(Fault.server_error(503)))
    body = {"provider": "twilio", "phone_number": "+15550001234", "label": "x"}
    status, answer = await api.call("POST", NUMBERS, json={**body, "sid": "AC1", "token": "t"})
    assert (status, answer["detail"]["status"]) == (503, "internal_server_error")
    [imported] = [n for n in fake.numbers.values() if n["phone_number"] == "+15550001234"]
    # Sent again, the import now finds the number it made the first time.
    status, answer = await api.call("POST", NUMBERS, json={**body, "sid": "AC1", "token": "t"})
    assert status == 409
    assert imported["phone_number_id"] in answer["detail"]["message"]
    assert fake.stats.statuses == {503: 1, 409: 1}


async def test_truncate_and_delay_after_acting(api: Api, fake: FakeElevenLabs) -> None:
    pid = first_of(fake, "exotel")
    fake.script(Fault.after_acting(Fault.truncate()), Fault.after_acting(Fault.delay(0.05)))
    with pytest.raises(aiohttp.ClientPayloadError):
        await api.patch(pid, {"label": "cut"})
    assert fake.numbers[pid]["label"] == "cut"
    status, body = await api.patch(pid, {"label": "late"})
    assert (status, body["label"]) == (200, "late")
    assert fake.stats.faults == {"after_acting": 2}


async def test_after_acting_a_refused_request_changes_nothing(
    api: Api, fake: FakeElevenLabs
) -> None:
    fake.script(Fault.after_acting(Fault.server_error(503)))
    body = {**call_body(fake), "agent_phone_number_id": "phnum_missing"}
    assert (await api.call("POST", CALL, json=body))[0] == 503
    assert fake.calls == []


async def test_after_acting_in_the_random_mix() -> None:
    mix = [Fault.after_acting(Fault.server_error(503))]
    async with FakeElevenLabs(numbers=1, fault_rate=1.0, fault_mix=mix) as fake:
        assert await outcomes(fake, 2) == ["503", "503"]
        assert fake.stats.faults == {"after_acting": 2}


def test_after_acting_takes_a_reply_fault() -> None:
    assert Fault.after_acting(Fault.reset()).reply == Fault.reset()
    for bad in (Fault.after_acting(Fault.reset()), 503, Fault()):
        with pytest.raises(TypeError):
            Fault.after_acting(bad)  # type: ignore[arg-type]


# --- faults aimed at some requests: script(..., method=, path=) ----------------------------


async def test_a_fault_aimed_at_a_method_and_path_waits_for_that_request(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid, other = [pid for pid, n in fake.numbers.items() if n["provider"] == "twilio"][:2]
    fake.script(Fault.server_error(503), method="PATCH", path=f"{NUMBERS}/{pid}")
    assert (await api.call("GET", f"{NUMBERS}/{pid}"))[0] == 200  # another method
    assert (await api.patch(other, {"label": "other"}))[0] == 200  # another path
    assert fake.scripted_pending == 1
    assert (await api.patch(pid, {"label": "aimed"}))[0] == 503
    assert fake.numbers[pid]["label"] != "aimed"
    assert (await api.patch(pid, {"label": "again"}))[0] == 200  # used once
    assert fake.scripted_pending == 0
    assert fake.stats.faults == {"status": 1}


async def test_a_pattern_aims_past_the_lookup_at_the_call(api: Api, fake: FakeElevenLabs) -> None:
    body = call_body(fake)
    fake.script(Fault.after_acting(Fault.reset()), path="/v1/convai/*/outbound-call")
    # The lookup a client makes first is served normally.
    assert (await api.call("GET", f"{NUMBERS}/{body['agent_phone_number_id']}"))[0] == 200
    with pytest.raises(aiohttp.ClientConnectionError):
        await api.call("POST", CALL, json=body)
    assert len(fake.calls) == 1
    assert fake.stats.faults == {"after_acting": 1}


async def test_aimed_faults_answer_the_matching_requests_in_order(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid = first_of(fake, "exotel")
    fake.script(Fault.server_error(500), Fault.server_error(503), method=" patch")
    statuses = []
    for label in ("a", "b", "c"):
        statuses.append((await api.call("GET", NUMBERS))[0])
        statuses.append((await api.patch(pid, {"label": label}))[0])
    assert statuses == [200, 500, 200, 503, 200, 200]


async def test_each_scripted_fault_answers_the_first_request_it_matches(
    api: Api, fake: FakeElevenLabs
) -> None:
    pid = first_of(fake, "exotel")
    fake.script(Fault.server_error(500), method="PATCH")
    fake.script(Fault.server_error(503))  # any request
    assert (await api.call("GET", NUMBERS))[0] == 503
    assert (await api.patch(pid, {"label": "x"}))[0] == 500
    assert (await api.patch(pid, {"label": "y"}))[0] == 200


async def test_requests_an_aimed_fault_does_not_match_are_served_normally(
    api: Api, fake: FakeElevenLabs
) -> None:
    fake.fault_rate = 1.0
    fake.fault_mix = [Fault.rate_limited()]
    fake.script(Fault.server_error(503), path="/v1/convai/nowhere")
    assert (await api.call("GET", NUMBERS))[0] == 429  # the random mix, as without a script
    assert fake.scripted_pending == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"method": ""}, ValueError),
        ({"method": "  "}, ValueError),
        ({"method": 1}, TypeError),
        ({"path": "v1/convai/phone-numbers"}, ValueError),
        ({"path": "http://127.0.0.1/v1/convai/phone-numbers"}, ValueError),
        ({"path": b"/v1"}, TypeError),
    ],
)
def test_script_refuses_a_bad_method_or_path(kwargs: dict[str, object], error: type) -> None:
    fake = FakeElevenLabs()
    with pytest.raises(error):
        fake.script(Fault.reset(), **kwargs)  # type: ignore[arg-type]
    assert fake.scripted_pending == 0
