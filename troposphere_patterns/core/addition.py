"""Adding one built pattern instance to a caller's template: all of it, or none of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any

from troposphere import BaseAWSObject, Template

from troposphere_patterns.core.encoding import check
from troposphere_patterns.core.limits import check_resource_count
from troposphere_patterns.core.overrides import check_renders, rejected
from troposphere_patterns.errors import PatternPropsError, Problem
from troposphere_patterns.records import record


@record
class Addition:
    """Everything one instance adds, built before any of it touches the template.

    Attributes:
        resources: Resources to add.
        conditions: Conditions to add, by name.
        then: Changes to objects already in the caller's template (an existing function's
            environment), made only once everything else is in.
        built_from: Logical ID to the props fields that resource was built from, to name them
            if troposphere refuses to render it. A resource not listed holds no caller value
            troposphere could refuse: its failure is a bug, raised as it is.
    """

    resources: tuple[BaseAWSObject, ...]
    conditions: Mapping[str, Any] = field(default_factory=dict)
    then: tuple[Callable[[], None], ...] = ()
    built_from: Mapping[str, Sequence[str]] = field(default_factory=dict)


def add_all(template: Template, addition: Addition, id_prefix: str) -> None:
    """Add ``addition`` to ``template``, or raise and leave the template as it was.

    Raises:
        PatternPropsError: A resource built from the caller's props that troposphere cannot
            render (a required property missing), or logical IDs already taken in the template
            (naming ``id_prefix``).
        TemplateLimitError: The template would hold more than 500 resources.
    """
    for resource in addition.resources:
        names = addition.built_from.get(resource.title)
        if names:
            with rejected(*names):
                check_renders(resource)  # troposphere checks required properties only here
        else:
            check(resource)
    taken = {*template.resources, *template.parameters, *template.outputs, *template.conditions}
    titles = [resource.title for resource in addition.resources] + list(addition.conditions)
    clashes = sorted(title for title in titles if title in taken)
    if clashes:
        raise PatternPropsError(
            [
                Problem(
                    "id_prefix",
                    f"{id_prefix!r} gives logical IDs already in the template "
                    f"({', '.join(clashes)}); give each instance its own id_prefix",
                )
            ]
        )
    check_resource_count(len(template.resources), len(addition.resources))
    for resource in addition.resources:
        template.add_resource(resource)
    for name, condition in addition.conditions.items():
        template.add_condition(name, condition)
    for change in addition.then:
        change()
