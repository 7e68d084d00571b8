"""How a pattern appears on the command line, as data the front door reads.

A pattern declares its deploy-time Parameters, the props its template starts from, and its
modes (``--deploy-vpc``, ``--existing-endpoint``, ...): each mode names the Parameters it
brings and the props layer it sets. The front door (``cli/__init__.py``) turns the declarations
into arguments and merges the layers (base, then each chosen mode, then ``--props`` files), so
adding a mode never adds a branch to the front door.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from troposphere import Parameter, Template

from troposphere_patterns.core.overrides import merge

# A props layer: props field name -> value. Values that are mappings merge over earlier layers.
Layer = Mapping[str, Any]
# What a mode does to one of the pattern's Parameters: the Parameter in, its replacement out.
ParameterChange = Callable[[Parameter], Parameter]


def allowed_values_without(unwanted: Callable[[Any], bool]) -> ParameterChange:
    """A change that drops the values ``unwanted`` picks from a Parameter's AllowedValues."""

    def change(parameter: Parameter) -> Parameter:
        properties = dict(parameter.properties)
        allowed = [value for value in properties["AllowedValues"] if not unwanted(value)]
        return Parameter(parameter.title, **{**properties, "AllowedValues": allowed})

    return change


@dataclass(frozen=True, kw_only=True)
class Mode:
    """One command-line option of a pattern.

    Attributes:
        flag: The option, e.g. ``--deploy-vpc``.
        help: One line for ``--help``.
        props: The props layer the mode sets, given the Parameters (by name) and the option's
            value (True for a flag).
        drops: Props fields the mode removes from the layers before it (``--existing-endpoint``
            drops the model the base layer describes).
        parameter_changes: Parameter name -> how the mode changes that Parameter (``--autoscaling``
            drops the burstable types from ``InstanceType``'s AllowedValues).
        group: Modes of one group exclude each other.
        metavar: Set for an option that takes any value; None for a flag or a choice.
        choices: The values an option that takes one of a few accepts (``--help`` lists
            them); None for a flag or any value.
    """

    flag: str
    help: str
    props: Callable[[Mapping[str, Parameter], Any], Layer] = lambda params, value: {}
    drops: tuple[str, ...] = ()
    parameter_changes: Mapping[str, ParameterChange] = field(default_factory=dict)
    group: str | None = None
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def dest(self) -> str:
        """The argparse destination of the option."""
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True, kw_only=True)
class CommandLine:
    """A pattern as the CLI offers it.

    Attributes:
        name: The sub-command, e.g. ``lambda-sagemakerendpoint``.
        help: One line for the top-level ``--help``.
        description: The sub-command's description.
        examples: Text after the sub-command's options in ``--help``.
        props_type: The props dataclass the layers become.
        render: Props to template.
        parameters: Every Parameter any mode may use, made fresh for each run.
        base: The props layer every run starts from, given the Parameters and the handler code.
        modes: The pattern's options.
        default_mode: What the template holds without a mode flag, for the top-level ``--help``.
        keys: Props field -> what its mapping may hold: a troposphere class (its property
            table, nested classes followed) or None, and further key names; a props file's
            misspelt keys are found and named with a suggestion from these.
        alternatives: Keys that replace each other across layers, as dotted paths to a mapping
            and groups of its keys: when a later layer sets a key of one group, the keys of the
            other groups from earlier layers go (a props file's ``ModelDataSource`` replaces the
            default ``ModelDataUrl``; its S3 ``Code`` replaces the inlined ``ZipFile``).
        options: Props fields that layers may give as mappings of an option type's fields
            (``autoscaling: {max_capacity: 4}`` in a props file): merged like any mapping, then
            built into the type once all layers are combined.
    """

    name: str
    help: str
    description: str
    examples: str
    props_type: type
    render: Callable[[Any], Template]
    parameters: Callable[[], Mapping[str, Parameter]]
    base: Callable[[Mapping[str, Parameter], str], Layer]
    modes: tuple[Mode, ...] = ()
    default_mode: str = ""
    keys: Mapping[str, tuple[type | None, tuple[str, ...]]] = field(default_factory=dict)
    alternatives: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = field(default=())
    options: Mapping[str, type] = field(default_factory=dict)

    def chosen_modes(self, chosen: Mapping[str, Any]) -> list[Mode]:
        """The modes the command line turned on, in declaration order."""
        return [mode for mode in self.modes if chosen.get(mode.dest) not in (None, False)]

    def parameters_for(self, chosen: Mapping[str, Any]) -> dict[str, Parameter]:
        """Fresh Parameters, as the chosen modes change them."""
        params = dict(self.parameters())
        for mode in self.chosen_modes(chosen):
            for name, change in mode.parameter_changes.items():
                params[name] = change(params[name])
        return params

    def with_options(self, combined: Mapping[str, Any]) -> dict[str, Any]:
        """Merged props with the :attr:`options` given as mappings built into their types.

        Raises:
            TypeError: An option mapping with a field its type does not have, naming the prop.
        """
        result = dict(combined)
        for name, option_type in self.options.items():
            value = result.get(name)
            if isinstance(value, Mapping):
                try:
                    result[name] = option_type(**value)
                except TypeError as error:
                    raise TypeError(f"{name}: {error}") from error
        return result

    def layers(
        self, params: Mapping[str, Parameter], handler: str, chosen: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The base layer and one layer per chosen mode, with each mode's drops applied."""
        layers: list[dict[str, Any]] = [dict(self.base(params, handler))]
        for mode in self.chosen_modes(chosen):
            for layer in layers:
                for name in mode.drops:
                    layer.pop(name, None)
            layers.append(dict(mode.props(params, chosen[mode.dest])))
        return layers

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
