"""templates/ holds the committed renders of each CLI mode; they must match a fresh render."""

from __future__ import annotations

from pathlib import Path

import pytest

from troposphere_patterns import cli
from troposphere_patterns.cli import output_file

TEMPLATES = Path(__file__).parent.parent / "templates"

# File name -> CLI arguments. `make templates` rewrites them through this table.
MODES: dict[str, list[str]] = {
    "lambda-sagemakerendpoint.json": [],
    "lambda-sagemakerendpoint-deploy-vpc.json": ["--deploy-vpc"],
    "lambda-sagemakerendpoint-existing-vpc.json": ["--existing-vpc"],
    "lambda-sagemakerendpoint-existing-endpoint.json": ["--existing-endpoint"],
    "lambda-sagemakerendpoint-async.json": ["--async"],
    "lambda-sagemakerendpoint-async-deploy-vpc.json": ["--async", "--deploy-vpc"],
    "lambda-sagemakerendpoint-async-autoscaling.json": ["--async", "--autoscaling"],
    "lambda-sagemakerendpoint-serverless.json": ["--serverless"],
    "lambda-sagemakerendpoint-autoscaling.json": ["--autoscaling"],
}


@pytest.mark.parametrize("name", sorted(MODES))
def test_committed_template_matches_a_fresh_render(name: str, update_templates: bool) -> None:
    args = cli.parser().parse_args(["lambda-sagemakerendpoint", *MODES[name]])
    fresh = cli.render(args)
    path = TEMPLATES / name
    if update_templates:
        output_file.write(str(path), fresh)
    assert path.exists(), f"templates/{name} is missing: run `make templates`"
    assert path.read_text() == fresh, f"templates/{name} is stale: run `make templates`"


def test_no_stray_templates() -> None:
    assert {p.name for p in TEMPLATES.glob("*.json")} == set(MODES)
