"""Frozen dataclasses that cost nothing to compile: the package's value types.

Python 3.11's ``dataclass(frozen=True)`` writes six methods as source for every class and
compiles each with its own ``exec``: ``__init__``, ``__setattr__``, ``__delattr__``,
``__repr__``, ``__eq__`` and ``__hash__``. The package defines about 50 such classes and a
command-line run imports most of them: compiling them was about a fifth of what a run spends
beyond importing troposphere. :func:`record` makes the same frozen dataclass with the six
methods written once, here, for every class. Each reads a small table the decorator keeps on
the class (the fields in order, which are positional, their defaults and factories), so the
results are the same: ``__init__`` takes the same arguments and refuses the same mistakes with
a ``TypeError``, ``__post_init__`` runs, assignment raises ``FrozenInstanceError``, and
``compare``, ``hash``, ``repr``, ``init`` and ``kw_only`` of each field are honoured.

The class is a dataclass to the standard library: ``dataclasses.fields``, ``replace``,
``asdict`` and ``is_dataclass`` work on it, and ``inspect.signature`` shows its fields.

Use it as ``dataclass(frozen=True, ...)`` is used: ``@record`` or ``@record(kw_only=True)``,
with ``dataclasses.field(...)`` for a field's options. A class that defines one of the six
methods itself keeps its own. ``InitVar``, ``KW_ONLY`` and ``__slots__`` are not supported.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_MISSING: Any = dataclasses.MISSING
_NONE: Any = None  # a Field's metadata when there is none, as dataclasses.field() passes it
_set = object.__setattr__


class _Spec:
    """What the shared methods read: a class's fields, worked out once when it is defined."""

    __slots__ = (
        "compared",
        "defaults",
        "factories",
        "hashed",
        "keywords",
        "later",
        "name",
        "positional",
        "post_init",
        "shown",
    )

    def __init__(self, cls: type, fields: list[dataclasses.Field[Any]]) -> None:
        self.name = cls.__qualname__
        positional: list[str] = []
        keywords: list[str] = []
        later: list[str] = []
        shown: list[str] = []
        compared: list[str] = []
        hashed: list[str] = []
        self.defaults: dict[str, Any] = {}
        self.factories: dict[str, Any] = {}
        defaulted = ""  # the last positional field with a default, as __init__ would take it
        for field in fields:  # one pass: a command-line run defines about 40 records
            name = field.name
            has_default = True
            if field.default is not _MISSING:
                self.defaults[name] = field.default
            elif field.default_factory is not _MISSING:
                self.factories[name] = field.default_factory
            else:
                has_default = False
            if not field.init:
                later.append(name)
            elif field.kw_only:
                keywords.append(name)
            else:
                positional.append(name)
                if has_default:
                    defaulted = name
                elif defaulted:
                    raise TypeError(
                        f"{self.name}: non-default argument {name!r} follows default "
                        f"argument {defaulted!r}"
                    )
            if field.repr:
                shown.append(name)
            if field.compare:
                compared.append(name)
            if field.compare if field.hash is None else field.hash:
                hashed.append(name)
        self.positional, self.keywords, self.later = (
            tuple(positional),
            tuple(keywords),
            tuple(later),
        )
        self.shown, self.compared, self.hashed = tuple(shown), tuple(compared), tuple(hashed)
        self.post_init = hasattr(cls, "__post_init__")

    def value(self, name: str) -> Any:
        """A field's default: its value, or a fresh one from its factory."""
        if name in self.defaults:
            return self.defaults[name]
        return self.factories[name]()


def _spec(self: Any) -> _Spec:
    spec: _Spec = type(self).__record__
    return spec


def _init(self: Any, /, *args: Any, **kwargs: Any) -> None:
    spec = _spec(self)
    positional = spec.positional
    if len(args) > len(positional):
        raise TypeError(
            f"{spec.name}.__init__() takes {len(positional) + 1} positional arguments "
            f"but {len(args) + 1} were given"
        )
    for index, value in enumerate(args):
        name = positional[index]
        if name in kwargs:
            raise TypeError(f"{spec.name}.__init__() got multiple values for argument {name!r}")
        _set(self, name, value)
    missing = []
    for name in (*positional[len(args) :], *spec.keywords):  # the rest, by keyword or default
        if name in kwargs:
            _set(self, name, kwargs.pop(name))
        elif name in spec.defaults or name in spec.factories:
            _set(self, name, spec.value(name))
        else:
            missing.append(name)
    if kwargs:
        unknown = next(iter(kwargs))
        raise TypeError(f"{spec.name}.__init__() got an unexpected keyword argument {unknown!r}")
    if missing:
        raise TypeError(
            f"{spec.name}.__init__() missing {len(missing)} required argument(s): "
            + ", ".join(repr(name) for name in missing)
        )
    for name in spec.later:
        if name in spec.defaults or name in spec.factories:
            _set(self, name, spec.value(name))
    if spec.post_init:
        self.__post_init__()


def _frozen(self: Any, name: str) -> bool:
    own = type(self).__dict__.get("__record__")
    return own is not None or name in type(self).__dataclass_fields__


def _setattr(self: Any, name: str, value: Any) -> None:
    if _frozen(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    _set(self, name, value)


def _delattr(self: Any, name: str) -> None:
    if _frozen(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _repr(self: Any) -> str:
    shown = (f"{name}={getattr(self, name)!r}" for name in _spec(self).shown)
    return f"{type(self).__qualname__}({', '.join(shown)})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = _spec(self).compared
    return tuple(getattr(self, name) for name in compared) == tuple(
        getattr(other, name) for name in compared
    )


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, name) for name in _spec(self).hashed))


_SHARED: dict[str, Callable[..., Any]] = {
    "__init__": _init,
    "__setattr__": _setattr,
    "__delattr__": _delattr,
    "__repr__": _repr,
    "__eq__": _eq,
    "__hash__": _hash,
}


class _Signature:
    """``inspect.signature`` of a record class: its fields as ``__init__`` takes them."""

    def __get__(self, instance: Any, owner: type) -> Any:
        spec: _Spec = vars(owner)["__record__"]
        fields = dataclasses.fields(owner)
        types = {field.name: field.type for field in fields}
        kinds: list[tuple[str, inspect._ParameterKind]] = [
            (name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in spec.positional
        ]
        kinds += [(name, inspect.Parameter.KEYWORD_ONLY) for name in spec.keywords]
        parameters = []
        for name, kind in kinds:
            default = spec.defaults.get(name, inspect.Parameter.empty)
            if name in spec.factories:
                default = dataclasses._HAS_DEFAULT_FACTORY  # type: ignore[attr-defined]  # <factory>
            parameters.append(
                inspect.Parameter(name, kind, default=default, annotation=types[name])
            )
        return inspect.Signature(parameters, return_annotation=None)


_SIGNATURE = _Signature()
_UNSUPPORTED = ("InitVar", "dataclasses.InitVar", "KW_ONLY", "dataclasses.KW_ONLY")


def _is_class_var(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _own_fields(cls: type, kw_only: bool) -> list[dataclasses.Field[Any]]:
    """The fields the class body annotates, as ``dataclass`` reads them."""
    made = []
    for name, annotation in inspect.get_annotations(cls).items():
        if _is_class_var(annotation):
            continue
        if isinstance(annotation, str) and annotation.startswith(_UNSUPPORTED):
            raise TypeError(f"{cls.__qualname__}.{name}: record does not support {annotation}")
        default = cls.__dict__.get(name, _MISSING)
        field: Any = default
        if not isinstance(default, dataclasses.Field):  # as dataclasses.field(default=default)
            field = dataclasses.Field(default, _MISSING, True, True, None, True, _NONE, kw_only)
        field.name, field.type = name, annotation
        field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]  # fields() reads it
        if field.kw_only is _MISSING:
            field.kw_only = kw_only
        if field.default is not _MISSING and type(field.default).__hash__ is None:
            raise ValueError(
                f"mutable default {type(field.default)} for field {name} is not allowed: "
                "use default_factory"
            )
        if field.default is _MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, field.default)
        made.append(field)
    return made


def _make(cls: type[_T], kw_only: bool) -> type[_T]:
    fields: dict[str, dataclasses.Field[Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        fields.update(getattr(base, "__dataclass_fields__", {}))
    for field in _own_fields(cls, kw_only):
        fields[field.name] = field
    spec = _Spec(cls, list(fields.values()))
    params = dataclasses._DataclassParams(True, True, True, False, False, True)  # type: ignore[attr-defined]
    marks = {
        "__dataclass_fields__": fields,  # what dataclasses.fields() and is_dataclass() read
        "__dataclass_params__": params,  # init, repr, eq, not order, not unsafe_hash, frozen
        "__record__": spec,
        "__match_args__": spec.positional,
        "__signature__": _SIGNATURE,
    }
    for name, value in marks.items():
        setattr(cls, name, value)
    own = cls.__dict__
    explicit_hash = own.get("__hash__", _MISSING) is not None or "__eq__" not in own
    for name, method in _SHARED.items():
        if name == "__hash__":
            if "__hash__" in own and explicit_hash:
                continue
        elif name in own:
            continue
        setattr(cls, name, method)
    return cls


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, kw_only: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(
    cls: type[_T] | None = None, /, *, kw_only: bool = False
) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """A frozen dataclass with value semantics (``repr``, ``==``, ``hash`` by its fields).

    Args:
        cls: The class, when used bare (``@record``).
        kw_only: Every field keyword-only, as ``dataclass(kw_only=True)``.
    """

    def wrap(cls: type[_T]) -> type[_T]:
        return _make(cls, kw_only)

    return wrap if cls is None else wrap(cls)
