"""Every committed template and every mode README.md shows deploys inline, as written.

``aws cloudformation deploy`` sends a template body of at most 51,200 bytes without
``--s3-bucket``; the README's Deploy section shows it without one. A size test, not a timing
test: it fails as soon as a change pushes a template over, before anyone deploys it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.readme_modes import readme_modes
from tests.test_templates import MODES as TEMPLATE_MODES
from troposphere_patterns import cli
from troposphere_patterns.core import limits

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT / "templates"
LIMIT = limits.MAX_BODY_BYTES_INLINE
# The default template leaves a tenth of the limit to the caller's own props and alarms.
DEFAULT_MARGIN_LIMIT = LIMIT * 9 // 10  # 46,080 bytes
MODES = readme_modes()
HANDLER_SOURCE = (ROOT / "handler_src" / "lambda_sagemakerendpoint.py").read_text()


def render(flags: list[str], output: str) -> str:
    return cli.render(
        cli.parser().parse_args(["lambda-sagemakerendpoint", *flags, *output.split()])
    )


def inlines_the_whole_handler(flags: list[str]) -> bool:
    """Whether the template inlines handler_src/ whole, docstrings, comments and async path."""
    code = json.loads(render(flags, ""))["Resources"]["LambdaFunction"]["Properties"]["Code"]
    return bool(code.get("ZipFile") == HANDLER_SOURCE)


# A mode over the limit only while the template inlines the whole documented handler: the
# derivation that leaves docstrings, comments and unused paths out (issue 22's handler part)
# brings it under. The mark applies only while the CLI inlines handler_src/ whole; after
# that the assertion is live. Strict: a mode that fits even so must leave this set.
OVER_WITH_THE_WHOLE_HANDLER = {"--async --deploy-vpc", "--async --autoscaling"}


def _marks(mode: str) -> list[pytest.MarkDecorator]:
    if mode not in OVER_WITH_THE_WHOLE_HANDLER:
        return []
    return [
        pytest.mark.xfail(
            inlines_the_whole_handler(mode.split()),
            reason="over 51,200 bytes while the template inlines handler_src/ whole "
            "(docstrings, comments); fits once the inlined handler is derived without them",
            strict=True,
        )
    ]


@pytest.mark.parametrize(
    ("mode", "output"),
    [
        pytest.param(mode, output, id=f"{mode} {output or 'json'}", marks=_marks(mode))
        for mode in MODES
        for output in ("", "--format yaml")
    ],
)
def test_readme_mode_fits_inline_as_written(mode: str, output: str) -> None:
    size = limits.body_size(render(MODES[mode], output))
    assert size <= LIMIT, f"{mode} ({output or 'JSON'}): {size:,} bytes > {LIMIT:,}"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, id=path.name, marks=_marks(" ".join(TEMPLATE_MODES.get(path.name, []))))
        for path in sorted(TEMPLATES.glob("*.json"))
    ],
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
