"""Running the command line on a pseudo-terminal, to answer its prompts.

The child gets a new session whose controlling terminal is the pty, and the
pty as stdin; stdout and stderr stay pipes. So ``sys.stdin.isatty()`` is true,
``getpass`` reads (without echo) from ``/dev/tty``, and what the terminal
showed can be read back to check that a secret typed was never echoed.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import struct
import termios
from collections.abc import Sequence

from cli_helpers import API_KEY, Completed, assert_clean, clean_env, cli_command

from elevenphone.testing import FakeElevenLabs


def _own_the_terminal() -> None:
    # Runs in the child after setsid (start_new_session): fd 0 becomes its
    # controlling terminal, which getpass opens as /dev/tty.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # EIO: every end of the terminal's other side is closed
        return b""


async def run_cli_on_terminal(
    *args: str,
    fake: FakeElevenLabs,
    hidden: Sequence[str] = (),
    typed: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> tuple[Completed, str]:
    """Run the command line with a terminal as stdin; return the result and
    what the terminal showed.

    ``typed`` is typed at once (what ``input()`` reads); each of ``hidden`` is
    typed once the terminal shows the prompt of a hidden input (``getpass``
    flushes what was typed before it asks).
    """
    loop = asyncio.get_running_loop()
    master, slave = pty.openpty()
    try:
        process = await asyncio.create_subprocess_exec(
            *cli_command(*args, fake=fake),
            stdin=slave,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=clean_env() if env is None else env,
            start_new_session=True,
            preexec_fn=_own_the_terminal,
        )
    finally:
        os.close(slave)
    shown = b""
    try:
        if typed:
            os.write(master, typed.encode())
        for asked, answer in enumerate(hidden, start=1):
            # A hidden prompt ends in ": " on the terminal; wait for the next one.
            while shown.count(b": ") < asked:
                chunk = await asyncio.wait_for(loop.run_in_executor(None, _read, master), timeout)
                if not chunk:
                    break
                shown += chunk
            os.write(master, answer.encode() + b"\n")
        out, err = await asyncio.wait_for(process.communicate(), timeout)
        while chunk := await loop.run_in_executor(None, _read, master):
            shown += chunk
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        os.close(master)
    assert process.returncode is not None
    result = Completed(process.returncode, out.decode(), err.decode())
    assert_clean(result)
    return result, shown.decode(errors="replace")


async def run_cli_with_terminal_output(
    *args: str,
    fake: FakeElevenLabs,
    env: dict[str, str] | None = None,
    columns: int = 160,
    timeout: float = 60.0,
) -> tuple[int, str]:
    """Run the command line with a terminal as stdin, stdout and stderr, as a
    person runs it; return its exit status and everything the terminal got
    (its line ends as ``\\r\\n``)."""
    loop = asyncio.get_running_loop()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    try:
        process = await asyncio.create_subprocess_exec(
            *cli_command(*args, fake=fake),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=clean_env(TERM="xterm-256color") if env is None else env,
            start_new_session=True,
            preexec_fn=_own_the_terminal,
        )
    finally:
        os.close(slave)

    async def everything() -> bytes:
        shown = b""
        # Read as it comes, so the child never blocks on a full terminal; the
        # read ends once the child, the terminal's last other end, has exited.
        while chunk := await loop.run_in_executor(None, _read, master):
            shown += chunk
        return shown

    try:
        shown, _ = await asyncio.wait_for(asyncio.gather(everything(), process.wait()), timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        os.close(master)
    assert process.returncode is not None
    text = shown.decode(errors="replace")
    assert "Traceback" not in text, text
    assert API_KEY not in text
    return process.returncode, text
