"""CloudWatch alarms on a Lambda function: its ``Errors`` and ``Throttles``.

Built by the same :class:`AlarmMaker` as the endpoint's alarms, so they share the topic, the
periods and the naming; the thresholds are the :class:`Alarms` option's ``function_*`` fields.
"""

from __future__ import annotations

from troposphere import Ref, cloudwatch

from troposphere_patterns.core.hosting.options.alarms import AlarmMaker, dimension

LAMBDA_NAMESPACE = "AWS/Lambda"


def function_alarms(make: AlarmMaker, function_id: str) -> tuple[cloudwatch.Alarm, ...]:
    """The function's errors and throttles alarms.

    Args:
        make: Builds each alarm (the option's thresholds and topic).
        function_id: The function's logical ID.
    """
    on_function = {
        "Namespace": LAMBDA_NAMESPACE,
        "Dimensions": [dimension("FunctionName", Ref(function_id))],
        "Statistic": "Sum",
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    }
    return tuple(
        make(
            f"{function_id}{metric}Alarm",
            {
                **on_function,
                "AlarmDescription": f"The function's {metric.lower()}",
                "MetricName": metric,
                "Threshold": threshold,
            },
        )
        for metric, threshold in (
            ("Errors", make.option.function_errors),
            ("Throttles", make.option.function_throttles),
        )
    )
