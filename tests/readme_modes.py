"""The command lines README.md shows, as the flags each renders with the default props.

The size test and ``make bench`` read the README itself, so a mode it starts to show is
measured without anyone updating a list. A command line with ``--props`` needs the reader's
files and is left out; so are ``--help`` and ``--version``. Output flags (``-o``, ``--format``,
``--minify``) are dropped: the size test renders each mode as JSON and as YAML itself.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
PATTERN = "lambda-sagemakerendpoint"
PROGRAM = "troposphere-patterns"
# Flags that choose where and how the text is written, not what the template holds.
_OUTPUT_FLAGS = {"-o": 1, "--output": 1, "--format": 1, "--minify": 0}
_NOT_RENDERS = {"--props", "--help", "-h", "--version"}


def readme_modes(readme: Path = README) -> dict[str, list[str]]:
    """Each distinct mode README.md shows: its name (the flags, or "default") -> its flags."""
    modes: dict[str, list[str]] = {}
    for command in _commands(readme.read_text(encoding="utf-8")):
        words = shlex.split(command, comments=True)
        if PATTERN not in words or _NOT_RENDERS & set(words):
            continue
        flags: list[str] = []
        rest = words[words.index(PATTERN) + 1 :]
        while rest:
            word = rest.pop(0)
            if word in _OUTPUT_FLAGS:
                del rest[: _OUTPUT_FLAGS[word]]
            elif word == ">":  # a shell redirection ends the command's own words
                break
            else:
                flags.append(word)
        modes.setdefault(" ".join(flags) or "default", flags)
    return modes


def _commands(text: str) -> list[str]:
    """The lines of shell blocks that run the program, continuation lines joined."""
    found = []
    for block in re.findall(r"```(?:sh|bash|console)\n(.*?)```", text, flags=re.DOTALL):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.strip().removeprefix("$ ")
            program = line.split(" ", 1)[0]
            if program == PROGRAM or program.endswith(f"/{PROGRAM}"):
                found.append(line)
    return found
