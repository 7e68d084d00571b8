"""A pattern's command-line options as data, and a reader for plain command lines.

:func:`options` lists a sub-command's options once: its modes, then the options every pattern
has. ``cli/argparser.py`` builds argparse's parser from the list; :func:`read` reads a plain
command line from the same list without argparse.

Why two readers: argparse makes a parser of every option and asks gettext for the translation
of its titles on each run, which searches the locale's catalogues. With their imports that is
about 15 M instructions, 4% of a run. :func:`read` takes a command line of a pattern's name,
its option strings as declared and their values, and returns what argparse would return. Any
other command line it leaves to argparse by returning None: ``--help``, ``--version``, an
abbreviated or unknown option, ``--opt=value``, a value that starts with ``-`` (``-`` alone,
stdout, excepted), a missing value, a choice not offered, options of one group given together.
argparse then reads it, or reports it, as it always has. A test compares the two readers on
generated command lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from troposphere_patterns.records import record

if TYPE_CHECKING:
    import argparse
    from typing import TypeAlias

    from troposphere_patterns.cli.modes import CommandLine

    # What a command line is read into: :func:`read`'s namespace or argparse's.
    Namespace: TypeAlias = SimpleNamespace | argparse.Namespace

# What an option does with its strings, in argparse's words.
FLAG = "store_true"  # no value: True when given
VALUE = "store"  # one value: the last given wins
REPEATED = "append"  # one value each time: all of them, in order

# A value that starts with "-" is an option to argparse, except this one (stdout for -o).
_DASH = "-"


@record(kw_only=True)
class Option:
    """One option of a sub-command.

    Attributes:
        flags: Its option strings, e.g. ``("-o", "--output")``.
        help: One line for ``--help``.
        action: :data:`FLAG`, :data:`VALUE` or :data:`REPEATED`.
        metavar: The value's name in ``--help``; None for a flag or a choice.
        choices: The values it accepts; None for any.
        group: Options of one group exclude each other.
        mode: Listed under the sub-command's "modes" in ``--help``.
        sets: The props field an option of every pattern sets with its value, over every
            other layer (``--id-prefix``: ``id_prefix``); None for the others (a pattern's
            modes declare what they set).
    """

    flags: tuple[str, ...]
    help: str
    action: str = VALUE
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    group: str | None = None
    mode: bool = False
    sets: str | None = None

    @property
    def dest(self) -> str:
        """Where the value goes, as argparse names it: after the first long option string."""
        return dest_of(next((flag for flag in self.flags if flag.startswith("--")), self.flags[0]))

    @property
    def default(self) -> bool | None:
        """The value when the option is not given."""
        return False if self.action == FLAG else None


def dest_of(flag: str) -> str:
    """The attribute argparse names after an option string (``--id-prefix``: ``id_prefix``)."""
    return flag.lstrip("-").replace("-", "_")


# The options of every pattern's sub-command, after its modes.
COMMON = (
    Option(
        flags=("--props",),
        metavar="FILE",
        action=REPEATED,
        help="JSON or YAML props merged over the mode's; repeat to layer files (later wins)",
    ),
    Option(
        flags=("--id-prefix",),
        metavar="PREFIX",
        help="prefix for every logical ID",
        sets="id_prefix",
    ),
    Option(
        flags=("-o", "--output"),
        metavar="FILE",
        help="write here instead of stdout ('-' is stdout); regular files are replaced "
        "atomically, symlinks written through",
    ),
    Option(
        flags=("--format",),
        choices=("json", "yaml"),
        help="default: from -o's extension (.yaml/.yml: yaml), else json",
    ),
    Option(
        flags=("--minify",),
        action=FLAG,
        help="JSON without whitespace: deploys inline (51,200 bytes) where the readable "
        "layout is too big",
    ),
)


def options(command: CommandLine) -> tuple[Option, ...]:
    """A sub-command's options in ``--help``'s order: its modes, then :data:`COMMON`.

    A mode without a value (a flag, or one of a few choices) is listed under "modes"; one that
    takes any value (``--sagemaker-environment-variable-name NAME``) with the other options.
    """
    return (
        *(
            Option(
                flags=(mode.flag,),
                help=mode.help,
                action=FLAG if mode.metavar is None and mode.choices is None else VALUE,
                metavar=mode.metavar,
                choices=mode.choices,
                group=mode.group,
                mode=mode.metavar is None,
            )
            for mode in command.modes
        ),
        *COMMON,
    )


def read(argv: Sequence[str], commands: dict[str, CommandLine]) -> SimpleNamespace | None:
    """The namespace argparse returns for a plain command line, or None to leave it to argparse.

    The namespace holds ``pattern``, then each option's value (its default when not given) in
    declaration order, as argparse's does.
    """
    if not argv or argv[0] not in commands:
        return None
    table = options(commands[argv[0]])
    by_flag = {flag: option for option in table for flag in option.flags}
    values: dict[str, Any] = {"pattern": argv[0]}
    values.update((option.dest, option.default) for option in table)
    given: dict[str, Option] = {}  # group -> the option of it given
    at = 1
    while at < len(argv):
        option = by_flag.get(argv[at])
        if option is None:
            return None
        if option.group is not None and given.setdefault(option.group, option) is not option:
            return None
        if option.action == FLAG:
            values[option.dest] = True
            at += 1
            continue
        if at + 1 == len(argv):
            return None
        value = argv[at + 1]
        if value.startswith("-") and value != _DASH:
            return None
        if option.choices is not None and value not in option.choices:
            return None
        if option.action == REPEATED:
            values[option.dest] = [*(values[option.dest] or ()), value]
        else:
            values[option.dest] = value
        at += 2
    return SimpleNamespace(**values)
