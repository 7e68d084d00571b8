"""Shared fixtures and options: golden and templates/ regeneration."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/*.json from the code"
    )
    parser.addoption(
        "--update-templates", action="store_true", help="rewrite templates/*.json from the CLI"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def update_templates(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-templates"))
