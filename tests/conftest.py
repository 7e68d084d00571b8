"""Shared fixtures and options: the templates under test, regeneration, hypothesis profiles."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.templates_helpers import template_named


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/*.json from the code"
    )
    parser.addoption(
        "--update-templates", action="store_true", help="rewrite templates/*.json from the CLI"
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


# Property-based tests: `make test` runs a fixed, derandomized set of examples, so a run is
# repeatable and bounded; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) draws fresh ones, and each test
# runs tests.props_strategies.examples(n): 25 times as many.
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
