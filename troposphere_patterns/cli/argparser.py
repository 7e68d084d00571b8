"""The command line's argparse parser: ``--help``, usage errors, and what a plain run leaves.

Built from the same declarations as :func:`troposphere_patterns.cli.arguments.read`, which
reads a plain command line without it (see :mod:`troposphere_patterns.cli.arguments`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from typing import Any

from troposphere_patterns import __version__
from troposphere_patterns.cli import EXIT_STATUS, PROG, arguments
from troposphere_patterns.cli.registry import COMMAND_LINES


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks; wide enough for the option column.

    The width is the terminal's as argparse would find it, without the ``shutil`` import
    (and its compression modules, ~3 ms) that argparse's default makes on every run.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=_columns() - 2)


def _columns() -> int:
    """The terminal's width: ``COLUMNS``, else the terminal of stdout, else 80."""
    with contextlib.suppress(ValueError):
        return int(os.environ.get("COLUMNS", ""))
    return _terminal_columns()


@functools.cache
def _terminal_columns() -> int:
    """Asked of the terminal once: argparse makes a formatter for every option it adds."""
    try:
        return os.get_terminal_size(sys.__stdout__.fileno() if sys.__stdout__ else 1).columns
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """Writes the top-level epilog (every pattern's modes) only when help is shown."""

    def format_help(self) -> str:
        self.epilog = _modes_epilog()
        return super().format_help()


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser: one sub-command per pattern, its options from its modes.

    Args:
        only: A pattern's name: the parser has that sub-command alone, which is all a run of
            it reads (argparse makes each sub-command's parser in full, and the ``diagram``
            command's module then stays unloaded). None: every sub-command, for ``--help``,
            ``diagram`` and any other first argument.
    """
    top = _Parser(
        prog=PROG,
        description="Generate CloudFormation templates for well-architected AWS patterns.",
        formatter_class=_Formatter,
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(
        dest="pattern", required=True, metavar="PATTERN", parser_class=argparse.ArgumentParser
    )
    for pattern in COMMAND_LINES.values():
        if only is not None and pattern.name != only:
            continue
        command = commands.add_parser(
            pattern.name,
            help=pattern.help,
            description=pattern.description,
            epilog=f"{pattern.examples}\n{EXIT_STATUS}",
            formatter_class=_Formatter,
        )
        sections = {True: command.add_argument_group("modes"), False: command}
        groups: dict[str, Any] = {}  # a group lists where its first option does
        for option in arguments.options(pattern):
            where: Any = sections[option.mode]
            if option.group is not None:
                if option.group not in groups:
                    groups[option.group] = where.add_mutually_exclusive_group()
                where = groups[option.group]
            if option.action == arguments.FLAG:
                where.add_argument(*option.flags, action=option.action, help=option.help)
            else:
                where.add_argument(
                    *option.flags,
                    action=option.action,
                    metavar=option.metavar,
                    choices=option.choices,
                    help=option.help,
                )
    if only is None:
        from troposphere_patterns.diagram import command as diagram_command

        diagram_command.add_parser(commands, _Formatter)
    return top


def _modes_epilog() -> str:
    """Every pattern and its modes, for the top-level ``--help``."""
    lines = ["patterns and their modes (PATTERN --help for the rest):"]
    for name, pattern in COMMAND_LINES.items():
        lines += [f"  {name}", *_epilog_entry("(no mode flag)", pattern.default_mode)]
        for mode in pattern.modes:
            if mode.metavar is None:
                flag = f"{mode.flag} {{{','.join(mode.choices)}}}" if mode.choices else mode.flag
                # Help strings escape % for argparse; the epilog is printed as it is.
                lines += _epilog_entry(flag, mode.help.replace("%%", "%"))
    return "\n".join(lines) + "\n\n" + EXIT_STATUS


# The top-level epilog's columns: flags from 4, descriptions from 26, lines up to 96.
_EPILOG_INDENT, _EPILOG_COLUMN, _EPILOG_WIDTH = 4, 26, 96


def _epilog_entry(flag: str, description: str) -> list[str]:
    """A flag and its description wrapped in a column; a flag too wide gets a line of its own."""
    import textwrap  # only for --help

    indent = " " * _EPILOG_COLUMN
    wrapped = textwrap.wrap(
        description, _EPILOG_WIDTH, initial_indent=indent, subsequent_indent=indent
    )
    head = " " * _EPILOG_INDENT + flag
    if len(head) < _EPILOG_COLUMN - 1:
        return [head.ljust(_EPILOG_COLUMN) + wrapped[0][_EPILOG_COLUMN:], *wrapped[1:]]
    return [head, *wrapped]
