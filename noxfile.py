"""Automation for elevenphone: tests, lint and type checks.

Every session runs on the Python that runs nox, so a fresh machine needs only
``pip install nox``. What a session needs beyond the package and its extras
comes from pyproject.toml's ``[dependency-groups]``.
"""

from __future__ import annotations

from pathlib import Path

import nox
from packaging.requirements import Requirement

# nox.project.dependency_groups came with nox 2025.02.09.
nox.needs_version = ">=2025.2.9"
nox.options.sessions = [
    "tests",
    "tests-lowest",
    "tests-latest-aiohttp",
    "lint",
    "typecheck",
    "docs",
]
nox.options.reuse_existing_virtualenvs = True

SOURCES = ["elevenphone", "tests", "bench", "docs/_ext", "noxfile.py"]

PARALLEL = ("-n", "auto")
"""pytest-xdist, one worker per CPU: on 2 CPUs the suite takes 127 s, not 233."""
PYPROJECT = nox.project.load_toml("pyproject.toml")


def group(*names: str) -> tuple[str, ...]:
    """The requirements of pyproject.toml's dependency groups ``names``."""
    return nox.project.dependency_groups(PYPROJECT, *names)


def lowest_pins() -> list[str]:
    """``name==X`` for each runtime dependency declared ``name>=X`` that this
    Python installs (sessions run on the Python running nox).

    A dependency its marker leaves out here (typing_extensions from 3.11 on)
    is not pinned: it has no lowest version to prove on this Python, and a pin
    would still hold back the test tools that need it newer.
    """
    pins = []
    for line in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        [lowest] = [s.version for s in requirement.specifier if s.operator == ">="]
        pins.append(f"{requirement.name}=={lowest}")
    return pins


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite (tracing included, with the otel extra)."""
    session.install("-e", ".[cli,otel]", *group("test"))
    session.run("pytest", *PARALLEL, *session.posargs)


@nox.session(name="tests-lowest")
def tests_lowest(session: nox.Session) -> None:
    """Run the whole test suite on the lowest versions pyproject.toml declares
    for the runtime dependencies (aiohttp, msgspec, tenacity, aiolimiter), to
    prove those bounds true."""
    pins = lowest_pins()
    constraints = Path(session.create_tmp()) / "lowest.txt"
    constraints.write_text("".join(f"{pin}\n" for pin in pins))
    # Constraints bind: pip installs exactly these versions, or fails.
    session.install("-c", str(constraints), "-e", ".[cli,otel]", *group("test"))
    session.log("lowest: " + ", ".join(pins))
    session.run("pytest", *PARALLEL, *session.posargs)


@nox.session(name="tests-latest-aiohttp")
def tests_latest_aiohttp(session: nox.Session) -> None:
    """Every test but those that mock HTTP with aioresponses, on the newest aiohttp.

    The test group caps aiohttp below 3.14 for aioresponses' sake; this session
    lifts the cap so the wire layer, the client, the resources, the fake, bulk
    and the CLI are proven on 3.14+.
    """
    session.install("-e", ".[cli,otel]", *group("test"))
    session.install("--upgrade", "aiohttp>=3.14")
    session.run("pytest", *PARALLEL, "tests", "-m", "not aioresponses", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install(*group("lint"))
    session.run("ruff", "check", *SOURCES)
    session.run("ruff", "format", "--check", *SOURCES)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package."""
    session.install("-e", ".[cli]", *group("typecheck", "test"))
    session.run("mypy", "--strict", "elevenphone")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs --strict, then check the built
    API reference (every public method's parameters, formatted signatures)."""
    session.install("-e", ".[cli]", *group("docs", "test"))
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")
    session.run("pytest", "tests/docs/test_rendered_reference.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against raw aiohttp and the official SDK; writes bench/results/."""
    session.install("-e", ".[cli]", "elevenlabs>=2.0")
    session.run("python", "bench/run.py", *session.posargs)
