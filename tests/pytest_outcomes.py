"""What a pytest run in a child process did, read from its JUnit XML report
(a format for machines) rather than from the words of pytest's summary line."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

REPORT = "pytest-report.xml"


def junit_option(directory: Path) -> str:
    """The option that makes a run write its report into ``directory``."""
    return f"--junitxml={directory / REPORT}"


def outcomes(directory: Path) -> dict[str, int]:
    """How many tests of the run that wrote its report into ``directory``
    passed, failed, errored and were skipped."""
    root = ElementTree.parse(directory / REPORT).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    counts = {
        key: sum(int(suite.get(key, 0)) for suite in suites)
        for key in ("tests", "failures", "errors", "skipped")
    }
    return {
        "passed": counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"],
        "failed": counts["failures"],
        "errors": counts["errors"],
        "skipped": counts["skipped"],
    }
