"""Adding one built pattern instance to a caller's template: all of it, or none of it."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from troposphere import BaseAWSObject, Template

from troposphere_patterns.core.limits import check_resource_count
from troposphere_patterns.errors import PatternPropsError


@dataclass(frozen=True)
class Addition:
    """Everything one instance adds, built before any of it touches the template.

    Attributes:
        resources: Resources to add.
        conditions: Conditions to add, by name.
        then: Changes to objects already in the caller's template (an existing function's
            environment), made only once everything else is in.
    """

    resources: tuple[BaseAWSObject, ...]
    conditions: Mapping[str, Any] = field(default_factory=dict)
    then: tuple[Callable[[], None], ...] = ()


def add_all(template: Template, addition: Addition, id_prefix: str) -> None:
    """Add ``addition`` to ``template``, or raise and leave the template as it was.

    Raises:
        PatternPropsError: A resource troposphere cannot render (a required property missing),
            or logical IDs already taken in the template (naming ``id_prefix``).
        TemplateLimitError: The template would hold more than 500 resources.
    """
    try:
        # troposphere reports validator failures on stderr as well as in the exception.
        with contextlib.redirect_stderr(io.StringIO()):
            for resource in addition.resources:
                resource.to_dict()  # troposphere checks required properties only here
    except (AttributeError, TypeError, ValueError) as error:
        raise PatternPropsError([f"props rejected while building: {error}"]) from error
    taken = {*template.resources, *template.parameters, *template.outputs, *template.conditions}
    titles = [resource.title for resource in addition.resources] + list(addition.conditions)
    clashes = sorted(title for title in titles if title in taken)
    if clashes:
        raise PatternPropsError(
            [
                f"id_prefix: {id_prefix!r} gives logical IDs already in the template "
                f"({', '.join(clashes)}); give each instance its own id_prefix"
            ]
        )
    check_resource_count(len(template.resources), len(addition.resources))
    for resource in addition.resources:
        template.add_resource(resource)
    for name, condition in addition.conditions.items():
        template.add_condition(name, condition)
    for change in addition.then:
        change()
