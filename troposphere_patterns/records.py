"""Frozen dataclasses that cost half as much to define: the package's value types.

Python 3.11's ``dataclass(frozen=True)`` compiles six methods for every class, each with its
own ``exec``: ``__init__``, ``__setattr__``, ``__delattr__``, ``__repr__``, ``__eq__`` and
``__hash__``. The package defines about 50 such classes, and a command-line run imports most of
them: creating them took about a tenth of a run's instructions. :func:`record` makes the same
frozen dataclass with the first three compiled as usual and the last three written once, here,
for every class: the same results (the fields in order, ``compare``, ``hash`` and ``repr`` of
each field honoured), read through :func:`dataclasses.fields` when called.

Use it as ``dataclass(frozen=True, ...)`` is used: ``@record`` or ``@record(kw_only=True)``;
``dataclasses.fields``, ``replace`` and ``asdict`` work as on any dataclass. A class that
defines one of the three itself keeps its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


def _repr(self: Any) -> str:
    shown = (f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
    return f"{type(self).__qualname__}({', '.join(shown)})"


def _compared(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.compare)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _compared(self) == _compared(other)


def _hash(self: Any) -> int:
    hashed = (
        getattr(self, f.name)
        for f in dataclasses.fields(self)
        if (f.compare if f.hash is None else f.hash)
    )
    return hash(tuple(hashed))


_SHARED = {"__repr__": _repr, "__eq__": _eq, "__hash__": _hash}


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, kw_only: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True)
def record(
    cls: type[_T] | None = None, /, *, kw_only: bool = False
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """A frozen dataclass with value semantics (``repr``, ``==``, ``hash`` by its fields).

    Args:
        cls: The class, when used bare (``@record``).
        kw_only: Every field keyword-only, as ``dataclass(kw_only=True)``.
    """

    def wrap(cls: type[_T]) -> type[_T]:
        own = {name for name in _SHARED if name in cls.__dict__}
        made = dataclasses.dataclass(cls, frozen=True, kw_only=kw_only, repr=False, eq=False)
        for name, method in _SHARED.items():
            if name not in own:
                setattr(made, name, method)
        return made

    return wrap if cls is None else wrap(cls)
