"""What the package reports about bad input: each problem with its path, and the exceptions."""

from __future__ import annotations

import re
from collections.abc import Sequence

# One step of a dotted path: a name, or an index in brackets.
_STEP = r"\[(\d+)\]|([^.\[\]]+)"  # compiled on first use (re caches it), not on import

Path = tuple[str | int, ...]


def parse_path(where: str) -> Path:
    """``"endpoint_config_props.ProductionVariants[0].InstanceType"`` as a tuple of steps."""
    return tuple(int(index) if index else name for index, name in re.findall(_STEP, where))


def format_path(path: Sequence[str | int]) -> str:
    """The dotted form of a path, as messages write it."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


class Problem(str):
    """One problem with the props: the line a user reads, and the path of what it is about.

    A ``str`` (the whole line, as :attr:`PatternPropsError.problems` has always held), with
    the path as data, e.g. ``("endpoint_config_props", "ProductionVariants", 0,
    "InstanceType")``: the CLI maps ``path[0]`` to the flag or file that set it.

    Attributes:
        path: The props field first, then keys and indexes inside it.
    """

    path: Path

    def __new__(cls, where: str | Sequence[str | int], message: str) -> Problem:
        """``Problem("model_props.PrimaryContainer", "required")`` reads ``<where>: <message>``."""
        if isinstance(where, str):
            return cls.line(parse_path(where), f"{where}: {message}")
        return cls.line(where, f"{format_path(where)}: {message}")

    @classmethod
    def line(cls, path: Sequence[str | int], text: str) -> Problem:
        """A problem whose whole line is written out (one that names several props).

        Args:
            path: What it is about; its first step is the props field the CLI points at.
            text: The line, naming every prop involved.
        """
        problem = str.__new__(cls, text)
        problem.path = tuple(path)
        return problem

    def __reduce__(self) -> tuple[object, tuple[Path, str]]:
        return (Problem.line, (self.path, str(self)))


class PatternPropsError(ValueError):
    """One or more props of a pattern are invalid.

    Every problem found is listed, each naming the props involved, so a caller fixes
    them all in one pass instead of one per run.

    Attributes:
        problems: One human-readable line per problem, each starting with the prop's name;
            each a :class:`Problem` carrying its path.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"invalid props ({count} {noun}):\n{lines}")


class TemplateLimitError(ValueError):
    """A template exceeds a hard CloudFormation limit."""
