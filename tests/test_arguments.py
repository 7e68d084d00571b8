"""The plain-command-line reader returns what argparse returns, or leaves the line to argparse."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.readme_modes import readme_modes
from troposphere_patterns import cli
from troposphere_patterns.cli import arguments
from troposphere_patterns.cli.registry import COMMAND_LINES

PATTERN = "lambda-sagemakerendpoint"
OPTIONS = arguments.options(COMMAND_LINES[PATTERN])
FLAGS = [flag for option in OPTIONS for flag in option.flags]


def by_argparse(argv: Sequence[str]) -> list[tuple[str, Any]] | None:
    """argparse's namespace for ``argv`` as (name, value) pairs in order; None for its errors."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return list(vars(cli.parser().parse_args(argv)).items())
        except SystemExit:
            return None


def by_reader(argv: Sequence[str]) -> list[tuple[str, Any]] | None:
    read = arguments.read(argv, COMMAND_LINES)
    return None if read is None else list(vars(read).items())


def values_of(option: arguments.Option) -> st.SearchStrategy[str]:
    if option.choices is not None:
        return st.sampled_from(option.choices)
    return st.sampled_from(
        ["out.json", "a.yaml", "-", "", "Blue2", "x y", "lambda-sagemakerendpoint"]
    )


@st.composite
def plain_lines(draw: st.DrawFn) -> list[str]:
    """Exact option strings, a value each where one is taken, one option per group at most."""
    argv = [PATTERN]
    groups: set[str] = set()
    for option in draw(st.lists(st.sampled_from(OPTIONS), max_size=8)):
        if option.group is not None:
            if option.group in groups:
                continue
            groups.add(option.group)
        argv.append(draw(st.sampled_from(option.flags)))
        if option.action != arguments.FLAG:
            argv.append(draw(values_of(option)))
    return argv


# Tokens argparse reads in ways of its own: abbreviations, attached values, option-like values,
# help and version, the end of options, unknown words and options, choices not offered.
ODD_TOKENS = [
    "--dep",
    "--deploy",
    "--output=x.json",
    "-ox.json",
    "-o",
    "--",
    "-h",
    "--help",
    "--version",
    "-1",
    "--x",
    "-",
    "stray",
    "xml",
    "linear",
    "--props",
    "--rollout",
    "canary",
    "--format",
    "yaml",
    "-v",
    "diagram",
]


@st.composite
def any_lines(draw: st.DrawFn) -> list[str]:
    head = draw(st.sampled_from([[PATTERN], [PATTERN], [PATTERN], [], ["diagram"], ["--version"]]))
    tokens = draw(st.lists(st.sampled_from(FLAGS + ODD_TOKENS), max_size=8))
    return [*head, *tokens]


@settings(max_examples=300, deadline=None)
@given(argv=plain_lines())
@example(argv=[PATTERN])
@example(argv=[PATTERN, "--props", "a.yaml", "--props", "b.json", "-o", "-"])
@example(argv=[PATTERN, "--rollout", "linear", "--rollout", "canary"])
@example(argv=[PATTERN, "--async", "--async", "--minify", "--output", "x", "-o", "y"])
def test_a_plain_command_line_is_read_as_argparse_reads_it(argv: list[str]) -> None:
    read = by_reader(argv)
    assert read is not None, argv
    assert read == by_argparse(argv)


@settings(max_examples=500, deadline=None)
@given(argv=any_lines())
@example(argv=[PATTERN, "--deploy-vpc", "--existing-vpc"])  # one group
@example(argv=[PATTERN, "--format", "xml"])
@example(argv=[PATTERN, "-o"])
@example(argv=[PATTERN, "-o", "--minify"])
@example(argv=[PATTERN, "--id-prefix", "-1"])
@example(argv=[PATTERN, "--dep"])
@example(argv=[PATTERN, "--output=x.json"])
@example(argv=[PATTERN, "stray"])
@example(argv=[PATTERN, "--", "--minify"])
@example(argv=[PATTERN, "--help"])
@example(argv=["--version"])
def test_any_command_line_read_is_read_as_argparse_reads_it(argv: list[str]) -> None:
    read = by_reader(argv)
    if read is not None:
        assert read == by_argparse(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [PATTERN, "--deploy-vpc", "--existing-vpc"],
        [PATTERN, "--format", "xml"],
        [PATTERN, "-o"],
        [PATTERN, "--id-prefix", "-1"],
        [PATTERN, "--dep"],
        [PATTERN, "--output=x.json"],
        [PATTERN, "stray"],
        [PATTERN, "--help"],
        ["--version"],
        ["diagram", "t.json"],
        [],
    ],
)
def test_what_the_reader_leaves_goes_to_argparse(argv: list[str]) -> None:
    assert arguments.read(argv, COMMAND_LINES) is None


@pytest.mark.parametrize("flags", readme_modes().values(), ids=list(readme_modes()))
def test_every_readme_mode_is_read_without_argparse(flags: list[str]) -> None:
    argv = [PATTERN, *flags, "-o", "out.json", "--props", "p.yaml", "--id-prefix", "Blue"]
    assert by_reader(argv) == by_argparse(argv)
    assert by_reader(argv) is not None


def test_a_line_left_to_argparse_gets_its_usage_and_status() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "troposphere_patterns", PATTERN, "--deploy-vpc", "--existing-vpc"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("usage: troposphere-patterns lambda-sagemakerendpoint")
    assert "argument --existing-vpc: not allowed with argument --deploy-vpc" in bad.stderr
