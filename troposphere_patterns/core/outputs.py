"""A template's Outputs: what a stack exports for other stacks and people to find."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from troposphere import Export, Output, Ref, Sub, Template, cloudwatch

from troposphere_patterns.core.ids import ALARM_OUTPUT, LogicalIds

# An Output's base ID (the prefix goes in front), its value and its description.
OutputRow = tuple[str, Any, str]


def add_outputs(
    template: Template,
    ids: LogicalIds,
    rows: Iterable[OutputRow],
    alarms: Iterable[cloudwatch.Alarm] = (),
) -> None:
    """Add exported Outputs, then each alarm's name.

    Args:
        template: The template.
        ids: Prefixes each base ID; the export is ``${AWS::StackName}-<prefixed ID>``.
        rows: What to export.
        alarms: Alarms whose names are output, not exported: each name is already
            ``${AWS::StackName}-<its logical ID>``.
    """
    for name, value, description in rows:
        export = Export(Sub(f"${{AWS::StackName}}-{ids(name)}"))
        template.add_output(Output(ids(name), Description=description, Value=value, Export=export))
    for alarm in alarms:
        name = ALARM_OUTPUT.format(alarm=alarm.title)
        template.add_output(Output(name, Description="Alarm name", Value=Ref(alarm)))
