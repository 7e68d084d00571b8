"""templates/ holds the committed renders of each CLI mode; they must match a fresh render."""

from __future__ import annotations

from collections.abc import Callable
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
    "lambda-sagemakerendpoint-inference-components.json": ["--inference-components"],
}


@pytest.mark.parametrize("name", sorted(MODES))
def test_committed_template_matches_a_fresh_render(
    name: str, update_templates: bool, report_update: Callable[[str], None]
) -> None:
    args = cli.parser().parse_args(["lambda-sagemakerendpoint", *MODES[name]])
    fresh = cli.render(args)
    path = TEMPLATES / name
    if update_templates:
        if not path.exists() or path.read_text() != fresh:
            report_update(f"templates/{name}: {'changed' if path.exists() else 'new'}")
            output_file.write(str(path), fresh)
        return
    assert path.exists(), f"templates/{name} is missing: run `make templates`"
    assert path.read_text() == fresh, f"templates/{name} is stale: run `make templates`"


def test_no_stray_templates(update_templates: bool, report_update: Callable[[str], None]) -> None:
    strays = sorted({p.name for p in TEMPLATES.glob("*.json")} - set(MODES))
    if update_templates:
        for name in strays:
            (TEMPLATES / name).unlink()
            report_update(f"templates/{name}: removed (no such mode)")
        return
    assert strays == [], "templates/ holds renders of no mode: run `make templates`"
