"""The names a template's intrinsics refer to: parameters, resources, conditions, mappings.

Used by the command line to keep exactly the Parameters the template refers to (by ``Ref`` or
in a ``Fn::Sub`` string), and to refuse a props file whose intrinsics name something the
template lacks, before CloudFormation would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from troposphere import AWSHelperFn, BaseAWSObject

from troposphere_patterns.records import record

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
# ${Name} or ${Name.Attribute}; ${!Literal} is not a reference.
_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")
_set = object.__setattr__  # a frozen record's fields are set past its __setattr__


@record
class Reference:
    """One name an intrinsic refers to.

    Attributes:
        path: Where the intrinsic sits (keys and list indexes down to it).
        function: ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::If``, ``Condition`` or
            ``Fn::FindInMap``.
        name: The parameter, resource, condition or mapping named.
    """

    path: tuple[str | int, ...]
    function: str
    name: str

    def __init__(self, path: tuple[str | int, ...], function: str, name: str) -> None:
        # Its own, as a frozen dataclass writes it: the record's shared __init__ reads the
        # table of fields on every call, and a render makes one Reference per intrinsic.
        _set(self, "path", path)
        _set(self, "function", function)
        _set(self, "name", name)

    @property
    def kind(self) -> str:
        """``condition``, ``mapping``, ``resource`` (GetAtt, ``${X.Attr}``) or ``name``."""
        if self.function in ("Fn::If", "Condition"):
            return "condition"
        if self.function == "Fn::FindInMap":
            return "mapping"
        return "resource" if self.function == "Fn::GetAtt" else "name"


def references(
    node: Any, path: tuple[str | int, ...] = (), *, inside: bool = False
) -> Iterator[Reference]:
    """Every reference in ``node`` (a template dict, props, troposphere objects), in order.

    Each reference's path ends where the outermost intrinsic holding it starts. The walk runs
    whole when the first reference is asked for.
    """
    found: list[Reference] = []
    _walk(node, path, inside, found)
    yield from found


# What a template or props hold that renders as intrinsics and properties.
_OBJECTS = (AWSHelperFn, BaseAWSObject)


def _walk(node: Any, path: tuple[str | int, ...], inside: bool, found: list[Reference]) -> None:
    """Add the references in ``node`` to ``found``: a plain recursion, no generator per level.

    A string on its own refers to nothing (a ``Fn::Sub`` string is read with its intrinsic),
    so strings are passed over where they are met, without a call.
    """
    if isinstance(node, list):
        for n, item in enumerate(node):
            if not isinstance(item, str):
                _walk(item, path if inside else (*path, n), inside, found)
        return
    if not isinstance(node, dict):  # a template's lists and dicts are tested for first
        if isinstance(node, _OBJECTS):
            _walk(node.to_dict(), path, inside, found)
            return
        if not isinstance(node, Mapping):
            return
    if len(node) == 1:
        ((function, argument),) = node.items()
        if _is_function(function):
            _named(function, argument, path, found)
            inside = True  # the items' references hold this intrinsic's path
    for key, item in node.items():
        if not isinstance(item, str):
            _walk(item, path if inside else (*path, key), inside, found)


def _is_function(key: Any) -> bool:
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def _named(
    function: str, argument: Any, path: tuple[str | int, ...], found: list[Reference]
) -> None:
    """Add what the intrinsic ``{function: argument}`` names itself to ``found``."""
    if function in ("Ref", "Condition") and isinstance(argument, str):
        found.append(Reference(path, function, argument))
    elif function in ("Fn::GetAtt", "Fn::If", "Fn::FindInMap"):
        if isinstance(argument, list) and argument and isinstance(argument[0], str):
            found.append(Reference(path, function, argument[0]))
        elif function == "Fn::GetAtt" and isinstance(argument, str):
            found.append(Reference(path, function, argument.split(".", 1)[0]))
    elif function == "Fn::Sub":
        pair = isinstance(argument, list) and len(argument) == 2
        text, variables = argument if pair else (argument, {})
        if isinstance(text, str) and isinstance(variables, Mapping):
            for variable in _SUB_VARIABLE.findall(text):
                if variable not in variables:
                    name, dot, _ = variable.partition(".")
                    found.append(Reference(path, "Fn::GetAtt" if dot else function, name))


def problems(found: Iterator[Reference], template: Mapping[str, Any]) -> Iterator[Reference]:
    """The references in ``found`` that ``template`` (a template dict) cannot resolve."""
    resources = set(template.get("Resources", {}))
    names = resources | set(template.get("Parameters", {})) | PSEUDO_PARAMETERS
    pools = {
        "condition": set(template.get("Conditions", {})),
        "mapping": set(template.get("Mappings", {})),
        "resource": resources,
        "name": names,
    }
    for reference in found:
        if reference.name not in pools[reference.kind]:
            yield reference


def known(reference: Reference, template: Mapping[str, Any]) -> list[str]:
    """What ``reference`` could have named in ``template``, for a suggestion."""
    section = {"condition": "Conditions", "mapping": "Mappings", "resource": "Resources"}
    if reference.kind in section:
        return list(template.get(section[reference.kind], {}))
    return [*template.get("Parameters", {}), *template.get("Resources", {}), *PSEUDO_PARAMETERS]
