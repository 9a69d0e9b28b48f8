"""Test-wide settings: Keras runs on the torch backend (the CPU build pinned in the test extras), and in CI
(the environment variable CI set, as CI services do) a test that skips for a reason not listed here fails
the run: everything the tests need is in the test extras, so a skip there means a test silently did not run."""

import compileall
import os
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("KERAS_HOME", os.path.join(os.path.dirname(__file__), ".keras-home"))



def pytest_sessionstart(session: pytest.Session) -> None:
    """Write the package's bytecode once, as `pip install` would: with PYTHONDONTWRITEBYTECODE set (some CI
    images set it) every `python -m shapecalc` the tests start would otherwise compile ~60 modules anew."""
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "shapecalc", quiet=1)


# reason (as given to pytest.skip) -> why it may skip in CI
ALLOWED_SKIPS: dict[str, str] = {
    "Keras references are taken on the torch backend":
        "a deliberate choice of backend by whoever runs the tests (KERAS_BACKEND), not a missing tool",
}


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


UNEXPECTED_SKIPS: list[str] = []  # "node id: reason", gathered during the run


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get("CI"):
        reason = skip_reason(report)
        if reason not in ALLOWED_SKIPS:
            UNEXPECTED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if UNEXPECTED_SKIPS and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if UNEXPECTED_SKIPS:
        terminalreporter.section("unexpected skips (CI is set: these fail the run)", red=True)
        for line in UNEXPECTED_SKIPS:
            terminalreporter.line(line)
