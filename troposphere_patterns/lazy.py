"""Names a package exports without importing their modules until first use.

A command-line run should pay only for what its template uses: importing
``troposphere_patterns`` must not import every option module (each builds its dataclasses and
pulls in troposphere and awacs modules) when the template has no rollout, capture, async
endpoint or scaling. So a package ``__init__`` lists its exports in a plain table, name ->
module, and hands it to :func:`exports`; the module is imported the first time the name is
read (``from troposphere_patterns import Rollout`` or ``troposphere_patterns.Rollout``).

To export a new name, add one line to the table of the package's ``__init__.py`` (and the
matching import under ``if TYPE_CHECKING:`` there, for type checkers and editors).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def exports(
    package: str, table: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose exports load on first use.

    Args:
        package: The package's ``__name__``.
        table: Exported name -> the module that defines it (absolute name).

    Returns:
        ``(__getattr__, __dir__)``, to assign at the package's top level.
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook PEP 562 names
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(table[name]), name)
        namespace[name] = value  # once loaded, a plain attribute: no second lookup here
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module hook PEP 562 names
        return sorted({*namespace, *table})

    return __getattr__, __dir__


class TypeRef:
    """A class named by its module, imported only when :meth:`resolve` is first called.

    A props field that accepts an option (``accepts(TypeRef(..., "Rollout"))``) checks a given
    value's type without importing the option's module when the field is not given.

    A frozen value (equal, and hashed, by its two names), written out rather than made by
    :func:`troposphere_patterns.records.record`: ``troposphere_patterns`` imports this module,
    and the command line turns Python's cyclic collector off only after that import, so it
    stays free of ``dataclasses`` and what that imports.

    Attributes:
        module: The module (or lazy package) that exports the class.
        name: The class's name there.
    """

    __slots__ = ("module", "name")
    module: str
    name: str

    def __init__(self, module: str, name: str) -> None:
        object.__setattr__(self, "module", module)
        object.__setattr__(self, "name", name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"TypeRef is frozen: cannot assign to {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"TypeRef is frozen: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TypeRef):
            return NotImplemented
        return (self.module, self.name) == (other.module, other.name)

    def __hash__(self) -> int:
        return hash((self.module, self.name))

    def __repr__(self) -> str:
        return f"TypeRef(module={self.module!r}, name={self.name!r})"

    def resolve(self) -> type:
        """The class itself (its module imported now if it was not yet)."""
        found: type = getattr(importlib.import_module(self.module), self.name)
        return found
