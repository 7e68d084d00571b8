"""Every committed template and every mode README.md shows deploys inline, as written.

``aws cloudformation deploy`` sends a template body of at most 51,200 bytes without
``--s3-bucket``; the README's Deploy section shows it without one. A size test, not a timing
test: it fails as soon as a change pushes a template over, before anyone deploys it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readme_modes import readme_modes
from troposphere_patterns import cli
from troposphere_patterns.core import limits

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT / "templates"
LIMIT = limits.MAX_BODY_BYTES_INLINE
# The default template leaves a tenth of the limit to the caller's own props and alarms.
DEFAULT_MARGIN_LIMIT = LIMIT * 9 // 10  # 46,080 bytes
MODES = readme_modes()


def render(flags: list[str], output: str) -> str:
    return cli.render(
        cli.parser().parse_args(["lambda-sagemakerendpoint", *flags, *output.split()])
    )


@pytest.mark.parametrize(
    ("mode", "output"),
    [
        pytest.param(mode, output, id=f"{mode} {output or 'json'}")
        for mode in MODES
        for output in ("", "--format yaml")
    ],
)
def test_readme_mode_fits_inline_as_written(mode: str, output: str) -> None:
    size = limits.body_size(render(MODES[mode], output))
    assert size <= LIMIT, f"{mode} ({output or 'JSON'}): {size:,} bytes > {LIMIT:,}"


@pytest.mark.parametrize(
    "path", [pytest.param(path, id=path.name) for path in sorted(TEMPLATES.glob("*.json"))]
)
def test_committed_template_fits_inline(path: Path) -> None:
    size = path.stat().st_size
    assert size <= LIMIT, f"templates/{path.name}: {size:,} bytes > {LIMIT:,}"


@pytest.mark.parametrize("output", ["", "--format yaml"])
def test_default_template_leaves_a_tenth_of_the_limit(output: str) -> None:
    size = limits.body_size(render([], output))
    assert size <= DEFAULT_MARGIN_LIMIT, f"default: {size:,} bytes > {DEFAULT_MARGIN_LIMIT:,}"


def test_readme_shows_the_modes_the_committed_templates_render() -> None:
    # The README's command lines are what these tests measure: losing them loses the test.
    assert {"default", "--deploy-vpc", "--async --deploy-vpc", "--async --autoscaling"} <= set(
        MODES
    )
