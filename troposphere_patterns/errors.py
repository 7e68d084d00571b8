"""The exceptions the package raises for bad input."""

from __future__ import annotations

from collections.abc import Sequence


class PatternPropsError(ValueError):
    """One or more props of a pattern are invalid.

    Every problem found is listed, each naming the props involved, so a caller fixes
    them all in one pass instead of one per run.

    Attributes:
        problems: One human-readable line per problem, each starting with the prop's name.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"invalid props ({count} {noun}):\n{lines}")


class TemplateLimitError(ValueError):
    """A template exceeds a hard CloudFormation limit."""
