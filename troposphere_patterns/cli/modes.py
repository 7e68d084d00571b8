"""How a pattern appears on the command line, as data the front door reads.

A pattern declares its deploy-time Parameters, the props its template starts from, its
handler, how its props files are read, and its modes (``--deploy-vpc``,
``--existing-endpoint``, ...): each mode names the Parameters it brings, the props fields it
sets and the layer that sets them. The front door (``cli/__init__.py``) turns the declarations
into arguments and merges the layers (the base, each chosen flag, the ``--props`` files, each
option's value), so adding a mode never adds a branch to the front door.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, field, fields, is_dataclass, replace
from typing import Any

from troposphere import Parameter, Ref, Template

from troposphere_patterns.cli import arguments
from troposphere_patterns.core.overrides import merge
from troposphere_patterns.errors import PatternPropsError, Problem
from troposphere_patterns.lazy import TypeRef
from troposphere_patterns.records import record

# A props layer: props field name -> value. Values that are mappings merge over earlier layers.
Layer = Mapping[str, Any]
# What a mode does to one of the pattern's Parameters: the Parameter in, its replacement out.
ParameterChange = Callable[[Parameter], Parameter]


class Parameters(Mapping[str, Parameter]):
    """A run's Parameters by name, each made when first read.

    A pattern declares a dozen or more Parameters and a template keeps three or four: making
    each when a mode or the front door first reads it spares a run the others (and the option
    modules their defaults come from). The same Parameter object is returned on every read,
    so a change made to it in place (``fit_parameters``) is what the template keeps. Reading
    every value (``values()``, ``items()``) makes them all.
    """

    def __init__(self, makers: Mapping[str, Callable[[], Parameter]]) -> None:
        self._makers = dict(makers)
        self._made: dict[str, Parameter] = {}

    def __getitem__(self, name: str) -> Parameter:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = self._makers[name]()
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)

    def __contains__(self, name: object) -> bool:
        return name in self._makers

    def change(self, name: str, change: ParameterChange) -> None:
        """Make ``name`` through ``change`` from now on (before it is first read)."""
        if name in self._made:
            raise ValueError(f"{name}: changed after it was read")
        maker = self._makers[name]
        self._makers[name] = lambda: change(maker())


def allowed_values_without(unwanted: Callable[[Any], bool]) -> ParameterChange:
    """A change that drops the values ``unwanted`` picks from a Parameter's AllowedValues."""

    def change(parameter: Parameter) -> Parameter:
        properties = dict(parameter.properties)
        allowed = [value for value in properties["AllowedValues"] if not unwanted(value)]
        return Parameter(parameter.title, **{**properties, "AllowedValues": allowed})

    return change


def resolve(ref: type | TypeRef) -> type:
    """A class, or the class a :class:`~troposphere_patterns.lazy.TypeRef` names (imported now).

    Declarations name the classes of options and props-file keys by reference, so that a run
    imports an option's module only when it uses the option.
    """
    return ref.resolve() if isinstance(ref, TypeRef) else ref


@record(kw_only=True)
class Mode:
    """One command-line option of a pattern.

    Attributes:
        flag: The option, e.g. ``--deploy-vpc``.
        help: One line for ``--help``.
        sets: The props fields the mode's layer may set, whatever the option's value. The front
            door reads them without building the layer: a props file that sets one of them
            wins over the flag (and applies the mode's drops), and messages about them name
            the flag.
        props: The props layer the mode sets, given the Parameters (by name) and the option's
            value (True for a flag); only fields named in :attr:`sets`.
        drops: Props fields the mode removes from the layers built before its own
            (``--existing-endpoint`` drops the model the base layer describes); also applied,
            sparing what the files give, when a props file sets one of :attr:`sets`.
        parameter_changes: Parameter name -> how the mode changes that Parameter (``--autoscaling``
            leaves the burstable types out of ``InstanceType``'s AllowedPattern).
        group: Modes of one group exclude each other.
        metavar: Set for an option that takes any value; None for a flag or a choice.
        choices: The values an option that takes one of a few accepts (``--help`` lists
            them); None for a flag or any value.
    """

    flag: str
    help: str
    sets: tuple[str, ...] = ()
    props: Callable[[Mapping[str, Parameter], Any], Layer] = lambda params, value: {}
    drops: tuple[str, ...] = ()
    parameter_changes: Mapping[str, ParameterChange] = field(default_factory=dict)
    group: str | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def dest(self) -> str:
        """The argparse destination of the option."""
        return arguments.dest_of(self.flag)

    @property
    def takes_value(self) -> bool:
        """An option with any value (``--env-var-name NAME``): it wins over props files."""
        return self.metavar is not None

    def layer(self, params: Mapping[str, Parameter], value: Any) -> dict[str, Any]:
        """The props layer for the option's ``value``.

        Raises:
            ValueError: The layer sets a field :attr:`sets` does not declare (a bug in the
                declaration, not bad input).
        """
        layer = dict(self.props(params, value))
        undeclared = sorted(set(layer) - set(self.sets))
        if undeclared:
            raise ValueError(f"{self.flag} sets {', '.join(undeclared)}, not declared in its sets")
        return layer


@record(kw_only=True)
class CommandLine:
    """A pattern as the CLI offers it.

    Attributes:
        name: The sub-command, e.g. ``lambda-sagemakerendpoint``.
        help: One line for the top-level ``--help``.
        description: The sub-command's description.
        examples: Text after the sub-command's options in ``--help``.
        props_type: The props dataclass the layers become.
        render: Props to template.
        parameters: Every Parameter any mode may use, by name, as a function that makes it:
            fresh for each run, and only if the run reads it (see :class:`Parameters`).
        base: The props layer every run starts from, given the Parameters and the source of
            :attr:`handler` (None without one).
        handler: The module in ``handler_src/`` whose source the base layer inlines, or None.
        modes: The pattern's options.
        default_mode: What the template holds without a mode flag, for the top-level ``--help``.
        keys: Props field -> what its mapping may hold: a troposphere class or a
            :class:`~troposphere_patterns.lazy.TypeRef` to one (its property
            table, nested classes followed) or None, and further key names; a props file's
            misspelt keys are found and named with a suggestion from these. The
            :attr:`options` need no entry: their keys are their type's fields.
        alternatives: Keys that replace each other across layers, as dotted paths to a mapping
            and groups of its keys: when a later layer sets a key of one group, the keys of the
            other groups from earlier layers go (a props file's ``ModelDataSource`` replaces the
            default ``ModelDataUrl``; its S3 ``Code`` replaces the inlined ``ZipFile``).
        options: Props fields that layers may give as mappings of an option type's fields
            (``autoscaling: {max_capacity: 4}`` in a props file): merged like any mapping, then
            built into the type once all layers are combined. The type is a dataclass, or a
            :class:`~troposphere_patterns.lazy.TypeRef` to one (imported only when used).
        library_only: Props fields a props file may not set, each with the reason (a
            troposphere object that only the library can pass).
        fit_parameters: Given the props (options holding this run's Parameters, see
            :meth:`with_parameters`) and the Parameters, raise the Parameters' bounds to what
            the props need (a stepped rollout's fewest instances); it changes the run's fresh
            Parameters in place. None: nothing to fit.
        rules: Given the Parameters the template keeps, the template's ``Rules`` (cross-checks
            between Parameters, evaluated before anything is created). None: no rules.
        option_lists: Props fields that hold a list of an option type (``inference_components:
            [{name: chat, ...}]``): each mapping in the list is built into the type, as
            :attr:`options` are. A later layer's list replaces an earlier one whole.
    """

    name: str
    help: str
    description: str
    examples: str
    props_type: type
    render: Callable[[Any], Template]
    parameters: Callable[[], Mapping[str, Callable[[], Parameter]]]
    base: Callable[[Mapping[str, Parameter], str | None], Layer]
    handler: str | None = None
    modes: tuple[Mode, ...] = ()
    default_mode: str = ""
    keys: Mapping[str, tuple[type | TypeRef | None, tuple[str, ...]]] = field(default_factory=dict)
    alternatives: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = field(default=())
    options: Mapping[str, type | TypeRef] = field(default_factory=dict)
    library_only: Mapping[str, str] = field(default_factory=dict)
    fit_parameters: Callable[[Any, Mapping[str, Parameter]], None] | None = None
    rules: Callable[[Mapping[str, Parameter]], Mapping[str, Any]] | None = None
    option_lists: Mapping[str, type | TypeRef] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = {f.name for f in fields(self.props_type)}
        declared = {
            *(name for mode in self.modes for name in (*mode.sets, *mode.drops)),
            *self.keys,
            *self.options,
            *self.library_only,
            *self.option_lists,
        }
        unknown = sorted(declared - names)
        if unknown:
            raise ValueError(
                f"{self.name}: {', '.join(unknown)}: not fields of {self.props_type.__name__}"
            )

    def chosen_modes(self, chosen: Mapping[str, Any]) -> list[Mode]:
        """The modes the command line turned on, in declaration order."""
        return [mode for mode in self.modes if chosen.get(mode.dest) not in (None, False)]

    def parameters_for(self, chosen: Mapping[str, Any]) -> Parameters:
        """Fresh Parameters, as the chosen modes change them, each made when first read."""
        params = Parameters(self.parameters())
        for mode in self.chosen_modes(chosen):
            for name, change in mode.parameter_changes.items():
                params.change(name, change)
        return params

    def option_fields(self) -> dict[str, tuple[str, ...]]:
        """Each of the :attr:`options` and the fields of its type, for the props files' keys."""
        return {
            name: tuple(f.name for f in fields(resolve(cls)))
            for name, cls in {**self.options, **self.option_lists}.items()
        }

    def with_options(self, combined: Mapping[str, Any]) -> dict[str, Any]:
        """Merged props with the :attr:`options` given as mappings built into their types.

        Raises:
            PatternPropsError: Every option mapping that lacks a field its type requires.
            ValueError: A field the type does not have (a mode's layer: a bug).
        """
        result = dict(combined)
        found: list[Problem] = []
        for name, option_ref in self.options.items():
            value = result.get(name)
            if isinstance(value, Mapping):
                result[name] = _built(resolve(option_ref), value, name, found)
        for name, option_type in self.option_lists.items():
            value = result.get(name)
            if isinstance(value, list | tuple):
                result[name] = [
                    _built(resolve(option_type), item, f"{name}[{index}]", found)
                    if isinstance(item, Mapping)
                    else item
                    for index, item in enumerate(value)
                ]
        if found:
            raise PatternPropsError(found)
        return result

    def with_parameters(self, props: Any, params: Mapping[str, Parameter]) -> Any:
        """``props`` whose options refer to this run's Parameters by the Parameters themselves.

        Layers merge into plain mappings, where a Parameter becomes its ``Ref``; an option's
        field that is a ``Ref`` to one of ``params`` gets the Parameter back, so the library
        sees its constraints (an alarm topic that may be empty gets conditional actions; a
        minimum capacity's ``MinValue`` is checked against a rollout). Then
        :attr:`fit_parameters` runs.
        """
        changes = {}
        for name in self.options:
            option = getattr(props, name, None)
            if not is_dataclass(option) or isinstance(option, type):
                continue
            targets = {f.name: _ref_target(getattr(option, f.name)) for f in fields(option)}
            resolved = {
                name: params[target]
                for name, target in targets.items()
                if target is not None and target in params
            }
            if resolved:
                changes[name] = replace(option, **resolved)
        props = replace(props, **changes) if changes else props
        if self.fit_parameters is not None:
            self.fit_parameters(props, params)
        return props

    def combine(self, layers: Sequence[Layer]) -> dict[str, Any]:
        """Merge props layers in order (mappings deeply), honouring :attr:`alternatives`."""
        result: dict[str, Any] = {}
        for layer in layers:
            for path, groups in self.alternatives:
                _drop_replaced(result, layer, path.split("."), groups)
            for name, value in layer.items():
                current = result.get(name)
                if isinstance(value, Mapping):
                    # A copy: later layers' alternatives must not edit an earlier layer.
                    value = merge(current if isinstance(current, Mapping) else None, value)
                result[name] = value
        return result


def _built(option_type: type, value: Mapping[str, Any], where: str, found: list[Problem]) -> Any:
    """``value``'s fields built into ``option_type``; a missing required field is a problem."""
    known = fields(option_type)
    unknown = sorted(set(value) - {f.name for f in known})
    if unknown:  # props files' keys are checked: only a mode's layer gets here
        raise ValueError(f"{where}: {', '.join(unknown)}: not fields of {option_type}")
    missing = [
        f.name
        for f in known
        if f.name not in value and f.default is MISSING and f.default_factory is MISSING
    ]
    if missing:
        found.append(Problem(where, f"needs {' and '.join(missing)}"))
        return value
    # Every field is known and given: the type checks its values in problems().
    return option_type(**value)


def _ref_target(value: Any) -> str | None:
    """The name a plain ``Ref`` names, else None."""
    if isinstance(value, Ref) and isinstance(value.data.get("Ref"), str):
        return str(value.data["Ref"])
    return None


def _drop_replaced(
    result: dict[str, Any], layer: Layer, path: list[str], groups: tuple[frozenset[str], ...]
) -> None:
    old: Any = result
    new: Any = layer
    for key in path:
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            return
        old, new = old.get(key), new.get(key)
    if not isinstance(old, dict) or not isinstance(new, Mapping):
        return
    for group in groups:
        if group & set(new):
            for other in groups:
                if other is not group:
                    for key in other:
                        old.pop(key, None)
