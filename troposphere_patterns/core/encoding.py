"""troposphere objects as JSON-ready data in one walk: ``encode_to_dict`` without its re-walks.

troposphere's ``encode_to_dict(obj)`` calls ``obj.to_dict()``, which already returns encoded
data, and then walks that result again; each nested property object repeats it, so a value
three objects deep is walked four times. Encoding a template twice (once to check the
resources before they are added, once to render it) was about a tenth of a command-line run.
:func:`encoded` gives the same data, checked the same way (each object's ``_validate_props``
and ``validate``, as its ``to_dict`` runs them), walking each value once; :func:`check` makes
the same checks without building the data, for a resource checked before it is added. An
object whose class defines its own ``to_dict`` (``Tags``, for one) or only ``JSONrepr`` (awacs)
is asked for it, as troposphere asks. This is the one place the package works around troposphere's
encoding; a test compares both on every template the project renders.
"""

from __future__ import annotations

from typing import Any

from troposphere import AWSHelperFn, BaseAWSObject, Template

_OBJECT_TO_DICT = BaseAWSObject.to_dict
_HELPER_TO_DICT = AWSHelperFn.to_dict
_SCALARS = frozenset({str, int, float, bool, type(None)})


def encoded(value: Any) -> Any:
    """``troposphere.encode_to_dict(value)``: the same result and the same checks.

    Raises:
        ValueError, TypeError: What troposphere raises for the object it refuses (a required
            property missing, a value its ``validate`` rejects).
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {key: encoded(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [encoded(item) for item in value]
    to_dict = getattr(kind, "to_dict", None)
    if to_dict is _OBJECT_TO_DICT:
        if value.do_validation:
            value._validate_props()
            value.validate()
        if value.properties:
            return encoded(value.resource)
        if hasattr(value, "resource_type"):
            return {
                key: encoded(item) for key, item in value.resource.items() if key != "Properties"
            }
        return {}
    if to_dict is _HELPER_TO_DICT:
        return encoded(value.data)
    if to_dict is not None:
        return encoded(value.to_dict())
    if isinstance(value, list | tuple):
        return [encoded(item) for item in value]
    if isinstance(value, dict):
        return {key: encoded(item) for key, item in value.items()}
    if hasattr(value, "JSONrepr"):
        return encoded(value.JSONrepr())
    return value


def check(value: Any) -> None:
    """What :func:`encoded` checks, without building the data: troposphere's refusal, or None.

    Raises:
        ValueError, TypeError: As :func:`encoded` raises them.
    """
    kind = type(value)
    if kind in _SCALARS:
        return
    if kind is dict:
        for item in value.values():
            check(item)
        return
    if kind is list or kind is tuple:
        for item in value:
            check(item)
        return
    to_dict = getattr(kind, "to_dict", None)
    if to_dict is _OBJECT_TO_DICT:
        if value.do_validation:
            value._validate_props()
            value.validate()
        check(value.resource)
    elif to_dict is _HELPER_TO_DICT:
        check(value.data)
    else:  # Tags, awacs and the like: as troposphere encodes them
        encoded(value)


def template_body(template: Template) -> dict[str, Any]:
    """``template.to_dict()``: its sections, in troposphere's order, through :func:`encoded`."""
    sections: dict[str, Any] = {}
    for key, value in (
        ("Description", template.description),
        ("Metadata", template.metadata),
        ("Conditions", template.conditions),
        ("Mappings", template.mappings),
        ("Outputs", template.outputs),
        ("Parameters", template.parameters),
        ("AWSTemplateFormatVersion", template.version),
        ("Transform", template.transform),
        ("Rules", template.rules),
        ("Globals", template.globals),
    ):
        if value:
            sections[key] = value
    sections["Resources"] = template.resources
    body: dict[str, Any] = encoded(sections)
    return body
