"""Shared fixtures and options: the templates under test, regeneration, hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.templates_helpers import template_named

_UPDATE_OPTIONS = ("--update-golden", "--update-templates")
_UPDATES = pytest.StashKey[list[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the scenarios, then fail the run",
    )
    parser.addoption(
        "--update-templates",
        action="store_true",
        help="rewrite templates/*.json from the CLI, then fail the run",
    )


@pytest.fixture
def template(name: str) -> dict[str, Any]:
    """The scenario or committed template a test is parametrized with (``name`` from NAMES)."""
    return template_named(name)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def update_templates(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-templates"))


@pytest.fixture
def report_update(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Record a line for the summary that a regenerating run prints at its end."""
    lines = request.config.stash.setdefault(_UPDATES, [])
    return lines.append


def _updating(config: pytest.Config) -> list[str]:
    return [option for option in _UPDATE_OPTIONS if config.getoption(option)]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    options = _updating(config)
    if not options:
        return
    terminalreporter.section("regenerated files")
    for line in config.stash.get(_UPDATES, []) or ["nothing changed"]:
        terminalreporter.write_line(line)
    terminalreporter.write_line(
        f"{' and '.join(options)} fails the run on purpose: review the diff, commit it, "
        "and run the tests again without the option."
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A run that rewrote what it checks proves nothing: it must not pass, in CI or anywhere.
    if _updating(session.config) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# Property-based tests: `make test` runs a small fixed, derandomized set of examples, so a run is
# repeatable and bounded; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws fresh ones, as many as
# each test's `fuzz` count in tests.props_strategies.examples(test, fuzz): 25 to 100 times more.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
    # The explain phase re-runs a failure hundreds of times (each run lints): minutes, not seconds.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
}
settings.register_profile("default", derandomize=True, database=None, **_COMMON)
settings.register_profile("fuzz", **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
