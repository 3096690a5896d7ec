"""Run every ```python block of the docs (docs/**/*.md and README.md) against the fake API.

One test per block, named ``<page>:<line of the opening fence>``. A page that
drifts from the code fails here.

How a block runs:

- Every block runs in a fresh temporary directory, against a fresh
  :class:`elevenphone.testing.FakeElevenLabs` holding the "docs world" below.
  ``ELEVENLABS_API_KEY`` and ``ELEVENLABS_BASE_URL`` point at the fake, so
  ``ElevenPhone()`` with no arguments talks to it.
- A block is either a complete program (it usually ends in
  ``asyncio.run(main())``), run as ``__main__``; or a snippet written with
  top-level ``await``, as typed into ``python -m asyncio``, which runs in a
  coroutine whose namespace holds ``client``: an open ``ElevenPhone()``. The
  block runs in a worker thread with its own event loop, while the fake serves
  from the test's loop.
- ``<!-- expected-output -->`` right before a ```text block: what the python
  block before it prints (stdout and stderr) must match the text block, with
  doctest's ``...`` wildcard.
- ```python title="name.py"``: the block is a module. It runs as module
  ``name`` (not ``__main__``, so ``if __name__ == "__main__":`` does not serve
  forever), and it is written to ``name.py`` in the temporary directory of
  every block of its page, so other blocks can import it. A block titled
  ``test_*.py`` is a pytest file: it runs with pytest in a subprocess
  (``-W error``, pytest-asyncio in strict mode) next to those modules.
- ``<!-- no-run: reason -->`` right before a block: it is compiled, not run.
  Kept for code that needs a third-party service (a Slack or Discord token).

The docs world, used consistently across pages:

- ``phnum_2701kacmjq23fzaacdgqwt0qty0b``: Twilio, +14155550123, "Support line";
- ``phnum_5101kadq8x0fz9tq7e2m4hcv3n6w``: SIP trunk, +442071838750,
  "London SIP trunk";
- 12 more numbers (``seed=7``); all 14 on ``agent_3701k3ttaq12ewp8b7qv5rfyszkz``
  ("Support Agent"); the agent ``agent_8201k9v3xg5qnfd0c8m7sjbw4hry`` ("Support
  Agent (2025)") exists with no numbers.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import doctest
import inspect
import io
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from elevenphone import ElevenPhone
from elevenphone.testing import FakeElevenLabs
from tests.docs.markdown_blocks import ROOT, Block, blocks, pages
from tests.pytest_outcomes import junit_option, outcomes

API_KEY = "sk_docs_0123456789abcdef"
PHONE = "phnum_2701kacmjq23fzaacdgqwt0qty0b"
SIP_PHONE = "phnum_5101kadq8x0fz9tq7e2m4hcv3n6w"
AGENT = "agent_3701k3ttaq12ewp8b7qv5rfyszkz"
NEW_AGENT = "agent_8201k9v3xg5qnfd0c8m7sjbw4hry"
BLOCK_TIMEOUT = 20.0


def _python_blocks() -> list[Any]:
    params = []
    for page in pages():
        page_blocks = blocks(page)
        for index, block in enumerate(page_blocks):
            if block.lang != "python":
                continue
            expected = None
            following = page_blocks[index + 1] if index + 1 < len(page_blocks) else None
            if following is not None and following.marker == "expected-output":
                expected = following.code
            titled = [b for b in page_blocks if b.lang == "python" and b.title]
            params.append(pytest.param(block, expected, titled, id=block.id))
    return params


@pytest.fixture
async def fake() -> AsyncIterator[FakeElevenLabs]:
    async with FakeElevenLabs(
        api_key=API_KEY, numbers=12, seed=7, agent_ids={AGENT: "Support Agent"}
    ) as server:
        server.add_agent(NEW_AGENT, name="Support Agent (2025)")
        server.add_number(
            phone_number_id=PHONE,
            phone_number="+14155550123",
            label="Support line",
            agent_id=AGENT,
        )
        server.add_number(
            provider="sip_trunk",
            phone_number_id=SIP_PHONE,
            phone_number="+442071838750",
            label="London SIP trunk",
            agent_id=AGENT,
        )
        yield server


@contextlib.contextmanager
def _logging_restored() -> Iterator[None]:
    """Give a block logging as a fresh program has it (so that basicConfig works),
    then undo what the block did to it."""
    root, ours = logging.getLogger(), logging.getLogger("elevenphone")
    saved = (root.handlers[:], root.level, ours.handlers[:], ours.level, ours.propagate)
    root.handlers[:] = []
    try:
        yield
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        ours.handlers[:], ours.level, ours.propagate = saved[2], saved[3], saved[4]


@contextlib.contextmanager
def _modules_restored(directory: Path) -> Iterator[None]:
    """Forget the modules a block imported from its temporary directory."""
    before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            file = getattr(sys.modules[name], "__file__", None)
            if file is not None and Path(file).is_relative_to(directory):
                del sys.modules[name]


def _compile(block: Block) -> Any:
    filename = f"<{block.id}>"
    return compile(block.code, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def _run(code: Any, module_name: str) -> str:
    """Run compiled block code in this (worker) thread; return what it printed."""
    namespace: dict[str, Any] = {"__name__": module_name}
    output = io.StringIO()

    async def with_client() -> None:
        async with ElevenPhone() as client:
            namespace["client"] = client
            await eval(code, namespace)

    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        if code.co_flags & inspect.CO_COROUTINE:
            asyncio.run(with_client())
        else:
            exec(code, namespace)
    return output.getvalue()


def _run_pytest(directory: Path, test_file: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ELEVENLABS_"))}
    env["PYTHONPATH"] = str(directory)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "-o",
            "asyncio_mode=strict",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            junit_option(directory),
            test_file,
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(("block", "expected", "titled"), _python_blocks())
async def test_example(
    block: Block,
    expected: str | None,
    titled: list[Block],
    fake: FakeElevenLabs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = _compile(block)
    if block.marker == "no-run":
        assert block.marker_reason, f"{block.id}: say why it cannot run: <!-- no-run: why -->"
        return
    for other in titled:
        if not other.title.startswith("test_"):  # type: ignore[union-attr]
            (tmp_path / other.title).write_text(other.code)  # type: ignore[operator]

    if block.title is not None and block.title.startswith("test_"):
        (tmp_path / block.title).write_text(block.code)
        result = await asyncio.to_thread(_run_pytest, tmp_path, block.title)
        assert result.returncode == 0, result.stdout + result.stderr
        ran = outcomes(tmp_path)
        assert ran["passed"] > 0, result.stdout
        assert ran["skipped"] == 0, result.stdout
        return

    monkeypatch.setenv("ELEVENLABS_API_KEY", fake.api_key)
    monkeypatch.setenv("ELEVENLABS_BASE_URL", fake.base_url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    with _logging_restored(), _modules_restored(tmp_path):
        module_name = Path(block.title).stem if block.title else "__main__"
        printed = await asyncio.wait_for(asyncio.to_thread(_run, code, module_name), BLOCK_TIMEOUT)
    if expected is not None:
        checker = doctest.OutputChecker()
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        assert checker.check_output(expected, printed, flags), (
            f"{block.id} printed:\n{printed}\nexpected:\n{expected}"
        )


def test_every_expected_output_follows_a_python_block() -> None:
    for page in pages():
        page_blocks = blocks(page)
        for index, block in enumerate(page_blocks):
            if block.marker == "expected-output":
                assert index > 0, block.id
                assert page_blocks[index - 1].lang == "python", block.id
                assert page_blocks[index - 1].marker != "no-run", block.id


def test_every_readme_block_runs_as_it_stands() -> None:
    """The README is the package's page on PyPI: each of its blocks runs, and
    its testing example runs as a pytest file, as a reader would run it."""
    readme = [b for b in blocks(ROOT / "README.md") if b.lang == "python"]
    assert readme
    assert not [b.id for b in readme if b.marker is not None], "a README block is not run"
    assert any(b.title is not None and b.title.startswith("test_") for b in readme)


def test_no_run_is_rare() -> None:
    skipped = [b.id for p in pages() for b in blocks(p) if b.marker == "no-run"]
    ran = [b.id for p in pages() for b in blocks(p) if b.lang == "python"]
    assert len(skipped) <= 3, skipped
    assert len(ran) >= 20
