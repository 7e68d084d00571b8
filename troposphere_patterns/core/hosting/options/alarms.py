"""CloudWatch alarms on a SageMaker endpoint's variants, and the option that sets them.

Watched by default, because each is how a bad model or a broken caller shows first:

- ``Invocation5XXErrors`` (Sum): the model container failed requests;
- ``ModelLatency``: the model got slow (SageMaker reports it in microseconds). p99 on a
  real-time endpoint; on an async endpoint, whose jobs take minutes, the Maximum (one of the
  statistics AWS lists for the metric) against the default invocation timeout, and it rolls a
  deployment back only when the caller set its threshold;
- ``Invocation4XXErrors`` (Average, which is the share of requests answered 4xx): callers and
  the model disagree on the input, as after a model update that changed its format;
- the client's own alarms, from the same option (``core/function_alarms.py`` for a function).

Every alarm is named ``${AWS::StackName}-<logical ID>``: deterministic, so the endpoint's
``DeploymentConfig`` can list its rollback alarms by name while the alarms take the endpoint's
name from ``GetAtt``. A ``Ref`` both ways would be a cycle; a fixed endpoint name would break
it, but would also stop CloudFormation from ever replacing the endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from troposphere import (
    AWSHelperFn,
    Equals,
    GetAtt,
    If,
    Not,
    NoValue,
    Parameter,
    Ref,
    Sub,
    cloudwatch,
)

from troposphere_patterns.core import formats, iam_policies
from troposphere_patterns.core.options import number_problem, present
from troposphere_patterns.core.values import Value
from troposphere_patterns.core.waivers import guard_metadata
from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

SAGEMAKER_NAMESPACE = "AWS/SageMaker"
MICROSECONDS_PER_MILLISECOND = 1000
# Alarms on each endpoint variant: 5xx errors, model latency, 4xx rate.
PER_VARIANT = 3
DEFAULT_LATENCY_MS = 1000
# An async request expires after its invocation timeout, 900 s unless the caller sets
# X-Amzn-SageMaker-InvocationTimeoutSeconds (botocore, InvokeEndpointAsync): a job near it is
# about to fail, while minutes are normal ("long processing times (up to one hour)").
DEFAULT_ASYNC_LATENCY_MS = 900_000
# CloudWatch evaluates at most one day of periods per alarm.
MAX_EVALUATED_SECONDS = 86_400


@record(kw_only=True)
class Alarms:
    """CloudWatch alarms the pattern creates (on by default; ``alarms=None`` opts out).

    An alarm goes off when ``datapoints_to_alarm`` of the last ``evaluation_periods`` periods
    break its threshold; a period without data (no traffic) counts as fine.

    Attributes:
        topic: SNS topic ARN the alarms notify: a literal, an intrinsic, or a ``Parameter``
            (then an empty value at deploy time means no actions). Default None: no actions.
        server_errors: ``Invocation5XXErrors`` per period (Sum) at or above which a variant
            alarms. Default 1.
        client_error_rate: Share of requests answered 4xx (``Invocation4XXErrors`` Average,
            0-1) above which a variant alarms. Default 0.05.
        latency_p99_ms: ``ModelLatency``, in milliseconds, above which a variant alarms (the
            alarm's threshold is this times 1000: SageMaker reports microseconds): the p99 on a
            real-time endpoint, the Maximum on an async one. Default None: 1000 for real time;
            900000 (the default invocation timeout) for async, whose latency alarm then stays
            out of a rollout's rollback alarms (set it to put it back in).
        function_errors: Function ``Errors`` per period at or above which it alarms. Default 1.
        function_throttles: Function ``Throttles`` per period at or above which it alarms.
            Default 1.
        oldest_request_seconds: For an async endpoint, ``ApproximateAgeOfOldestRequest`` (the
            queue's oldest request, Maximum) in seconds above which it alarms: requests wait
            longer than callers expect. Default 900.
        period_seconds: Length of a period, a multiple of 60 (SageMaker publishes per minute).
            Default 60.
        evaluation_periods: Periods looked at. Default 5.
        datapoints_to_alarm: Breaching periods among them that set the alarm off. Default 3.
    """

    topic: Value | None = None
    server_errors: float = 1
    client_error_rate: float = 0.05
    latency_p99_ms: float | None = None
    function_errors: float = 1
    function_throttles: float = 1
    oldest_request_seconds: float = 900
    period_seconds: int = 60
    evaluation_periods: int = 5
    datapoints_to_alarm: int = 3

    def problems(self, where: str = "alarms") -> list[Problem]:
        """Every problem with the fields, each naming ``<where>.<field>``."""
        found = present(
            number_problem(self.server_errors, f"{where}.server_errors", 1, 1e9, integer=False),
            number_problem(
                self.client_error_rate, f"{where}.client_error_rate", 0.0001, 1, integer=False
            ),
            None
            if self.latency_p99_ms is None
            else number_problem(
                self.latency_p99_ms, f"{where}.latency_p99_ms", 1, 3.6e6, integer=False
            ),
            number_problem(self.function_errors, f"{where}.function_errors", 1, 1e9, integer=False),
            number_problem(
                self.function_throttles, f"{where}.function_throttles", 1, 1e9, integer=False
            ),
            number_problem(
                self.oldest_request_seconds,
                f"{where}.oldest_request_seconds",
                1,
                86_400,
                integer=False,
            ),
            number_problem(self.period_seconds, f"{where}.period_seconds", 60, 86_400),
            number_problem(self.evaluation_periods, f"{where}.evaluation_periods", 1, 1440),
            number_problem(self.datapoints_to_alarm, f"{where}.datapoints_to_alarm", 1, 1440),
        )
        if found:
            return found
        if self.period_seconds % 60:
            found.append(
                Problem(f"{where}.period_seconds", f"{self.period_seconds} is not a multiple of 60")
            )
        if self.datapoints_to_alarm > self.evaluation_periods:
            found.append(
                Problem(
                    f"{where}.datapoints_to_alarm",
                    f"{self.datapoints_to_alarm} is more than "
                    f"evaluation_periods ({self.evaluation_periods})",
                )
            )
        if self.period_seconds * self.evaluation_periods > MAX_EVALUATED_SECONDS:
            found.append(
                Problem(
                    f"{where}.evaluation_periods",
                    f"{self.evaluation_periods} periods of {self.period_seconds} s exceed the "
                    "day CloudWatch evaluates",
                )
            )
        topic = self.topic
        if isinstance(topic, str):
            found += present(_topic_problem(topic, f"{where}.topic"))
        elif topic is not None and not isinstance(topic, str | AWSHelperFn | Parameter):
            found.append(
                Problem(
                    f"{where}.topic",
                    "must be an SNS topic ARN, an intrinsic or a Parameter, not "
                    f"{type(topic).__name__}",
                )
            )
        return found


def _topic_problem(topic: str, where: str) -> Problem | None:
    problem = formats.SNS_TOPIC_ARN.problem(topic, where)
    if problem is None and topic.endswith(".fifo"):
        # Alarm actions notify standard topics only (the rule since the first release).
        return Problem(where, f"{topic!r} is a FIFO topic; alarm actions notify a standard topic")
    return problem


@record
class AlarmMaker:
    """Builds every alarm of an instance the same way: its periods, its name, its actions.

    Attributes:
        option: Thresholds, periods and topic.
        topic_condition_id: The Condition to create when ``option.topic`` is a Parameter.
    """

    option: Alarms
    topic_condition_id: str

    @property
    def conditions(self) -> dict[str, Any]:
        """The Condition the actions use when the topic is a Parameter (it may be empty)."""
        if isinstance(self.option.topic, Parameter):
            return {self.topic_condition_id: Not(Equals(Ref(self.option.topic), ""))}
        return {}

    def __call__(self, logical_id: str, watch: dict[str, Any]) -> cloudwatch.Alarm:
        """One alarm named ``${AWS::StackName}-<logical_id>`` on what ``watch`` describes."""
        topic = self.option.topic
        if isinstance(topic, Parameter):
            watch["AlarmActions"] = If(self.topic_condition_id, [Ref(topic)], NoValue)
        elif topic is not None:
            watch["AlarmActions"] = [topic]
        else:  # no actions by the caller's choice: Control Tower's CT.CLOUDWATCH.PR.1 waived
            watch["Metadata"] = guard_metadata(["CT.CLOUDWATCH.PR.1"])
        return cloudwatch.Alarm(
            logical_id,
            AlarmName=alarm_name(logical_id),
            Period=self.option.period_seconds,
            EvaluationPeriods=self.option.evaluation_periods,
            DatapointsToAlarm=self.option.datapoints_to_alarm,
            TreatMissingData="notBreaching",
            **watch,
        )


@record
class AlarmsBundle:
    """The endpoint's alarms, and what refers to them.

    Attributes:
        alarms: The ``AWS::CloudWatch::Alarm`` resources.
        rollback_names: Names of the alarms a rollout watches (``AutoRollbackConfiguration``).
        rollback_arns: Their ARNs, for the execution role's ``cloudwatch:DescribeAlarms``.
    """

    alarms: tuple[cloudwatch.Alarm, ...]
    rollback_names: tuple[Sub, ...]
    rollback_arns: tuple[Sub, ...] = ()


def alarm_name(logical_id: str) -> Sub:
    """An alarm's deterministic name: the stack's name and the alarm's logical ID."""
    return Sub(f"${{AWS::StackName}}-{logical_id}")


def alarm_arn(logical_id: str) -> Sub:
    """The ARN of the alarm :func:`alarm_name` names."""
    return iam_policies.arn("cloudwatch", f"alarm:${{AWS::StackName}}-{logical_id}")


def endpoint_alarms(
    make: AlarmMaker, endpoint_id: str, variant_names: Sequence[str], *, asynchronous: bool
) -> AlarmsBundle:
    """Build the alarms on each of the endpoint's variants (and on its queue when async).

    Args:
        make: Builds each alarm.
        endpoint_id: The ``AWS::SageMaker::Endpoint`` logical ID.
        variant_names: The endpoint's production variants.
        asynchronous: The endpoint queues requests (async inference): its queue is watched.
    """
    option = make.option
    endpoint_name = dimension("EndpointName", GetAtt(endpoint_id, "EndpointName"))
    alarms: list[cloudwatch.Alarm] = []
    for variant in variant_names:
        stem = f"{endpoint_id}{formats.variant_id(variant)}"
        on_variant = {
            "Namespace": SAGEMAKER_NAMESPACE,
            "Dimensions": [endpoint_name, dimension("VariantName", variant)],
        }
        alarms += [
            make(
                f"{stem}Invocation5XXErrorsAlarm",
                {
                    **on_variant,
                    "AlarmDescription": f"{variant}: the model failed requests (5xx)",
                    "MetricName": "Invocation5XXErrors",
                    "Statistic": "Sum",
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "Threshold": option.server_errors,
                },
            ),
            make(
                f"{stem}ModelLatencyAlarm",
                {**on_variant, **latency_watch(option, variant, asynchronous=asynchronous)},
            ),
            make(
                f"{stem}Invocation4XXErrorsAlarm",
                {
                    **on_variant,
                    "AlarmDescription": f"{variant}: over {option.client_error_rate:.0%} "
                    "of requests answered 4xx",
                    "MetricName": "Invocation4XXErrors",
                    "Statistic": "Average",
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Threshold": option.client_error_rate,
                },
            ),
        ]
    # A long queue is load, not a broken model: not a reason to roll a deployment back. Nor
    # is an async job's latency, unless the caller chose its threshold.
    latency_rolls_back = not asynchronous or option.latency_p99_ms is not None
    rollback_ids = [
        a.title for a in alarms if latency_rolls_back or not a.title.endswith("ModelLatencyAlarm")
    ]
    if asynchronous:
        alarms.append(
            make(
                f"{endpoint_id}OldestRequestAlarm",
                {
                    "Namespace": SAGEMAKER_NAMESPACE,
                    "Dimensions": [endpoint_name],
                    "AlarmDescription": "The oldest queued request has waited over "
                    f"{option.oldest_request_seconds:g} s",
                    "MetricName": "ApproximateAgeOfOldestRequest",
                    "Statistic": "Maximum",
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Threshold": option.oldest_request_seconds,
                },
            )
        )
    return AlarmsBundle(
        tuple(alarms),
        tuple(alarm_name(i) for i in rollback_ids),
        tuple(alarm_arn(i) for i in rollback_ids),
    )


def latency_watch(option: Alarms, variant: str, *, asynchronous: bool) -> dict[str, Any]:
    """What the ``ModelLatency`` alarm watches: p99 in real time, the Maximum for async jobs.

    AWS lists Average, Sum, Min, Max and SampleCount for ``ModelLatency``; p99 is kept where
    it is known to work (real-time endpoints), and async uses a listed statistic.
    """
    threshold = option.latency_p99_ms
    if asynchronous:
        threshold = DEFAULT_ASYNC_LATENCY_MS if threshold is None else threshold
        statistic, what = {"Statistic": "Maximum"}, "maximum"
    else:
        threshold = DEFAULT_LATENCY_MS if threshold is None else threshold
        statistic, what = {"ExtendedStatistic": "p99"}, "p99"
    return {
        "AlarmDescription": f"{variant}: {what} model latency over {threshold:g} ms",
        "MetricName": "ModelLatency",
        **statistic,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": threshold * MICROSECONDS_PER_MILLISECOND,
    }


def dimension(name: str, value: Any) -> cloudwatch.MetricDimension:
    """A metric dimension."""
    return cloudwatch.MetricDimension(Name=name, Value=value)
