"""How a model update reaches an endpoint: the Endpoint's ``DeploymentConfig``.

Blue/green strategies (canary, linear, all at once) start a new fleet beside the old one and
shift traffic to it step by step, baking ``wait_seconds`` after each step; rolling replaces
the fleet a batch at a time. Either way SageMaker watches the given CloudWatch alarms the whole
time and rolls back to the old model when one goes off, so a rollout here always comes with
the pattern's endpoint alarms (``AutoRollbackConfiguration``).

The rules checked here are SageMaker's, checked at generation time: a canary, linear step or
rolling batch is at most half of each variant's instances (and linear steps 10-50%, rolling
batches 5-50% of them); ``MaximumExecutionTimeoutInSeconds`` exceeds the total wait; rolling
serves one variant.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from troposphere import Parameter

from troposphere_patterns.core.hosting import instance_types
from troposphere_patterns.core.options import integer, number_problem, present
from troposphere_patterns.core.values import Value
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.plan import Variant

CANARY, LINEAR, ALL_AT_ONCE, ROLLING = "CANARY", "LINEAR", "ALL_AT_ONCE", "ROLLING"
STRATEGIES = (CANARY, LINEAR, ALL_AT_ONCE, ROLLING)
# Percent of a variant's instances per step, by strategy (SageMaker's ranges).
PERCENT_RANGE = {CANARY: (1, 50), LINEAR: (10, 50), ROLLING: (5, 50)}
WAIT_SECONDS = (0, 3600)
TERMINATION_WAIT_SECONDS = (0, 3600)
EXECUTION_TIMEOUT_SECONDS = (600, 28_800)
# Time the default timeout leaves, beyond the waits, to start the new fleet (large models
# download and load for up to an hour before their health check passes).
PROVISIONING_ALLOWANCE_SECONDS = 3600
# AutoRollbackConfiguration takes at most 10 alarms.
MAX_ROLLBACK_ALARMS = 10


@record(kw_only=True)
class Rollout:
    """How an update of the endpoint shifts traffic, and rolls back on the endpoint's alarms.

    Prefer the constructors: :meth:`canary`, :meth:`linear`, :meth:`all_at_once`,
    :meth:`rolling`.

    Attributes:
        strategy: ``CANARY``, ``LINEAR``, ``ALL_AT_ONCE`` or ``ROLLING``.
        percent: The canary size, linear step or rolling batch, in percent of each variant's
            instances; None for ``ALL_AT_ONCE``.
        wait_seconds: Baking time after each step (0-3600).
        termination_wait_seconds: Blue/green only: time the old fleet stays after all traffic
            moved, for a last rollback (0-3600). Default 0.
        maximum_execution_timeout_seconds: The whole update's limit (600-28800), more than the
            total wait. Default None: the total wait plus an hour to start the new fleet.
    """

    strategy: str
    percent: int | None = None
    wait_seconds: int = 600
    termination_wait_seconds: int = 0
    maximum_execution_timeout_seconds: int | None = None

    @classmethod
    def canary(
        cls,
        percent: int = 10,
        wait_seconds: int = 600,
        *,
        termination_wait_seconds: int = 0,
        maximum_execution_timeout_seconds: int | None = None,
    ) -> Rollout:
        """A canary of ``percent`` of the new fleet bakes ``wait_seconds``, then the rest moves."""
        return cls(
            strategy=CANARY,
            percent=percent,
            wait_seconds=wait_seconds,
            termination_wait_seconds=termination_wait_seconds,
            maximum_execution_timeout_seconds=maximum_execution_timeout_seconds,
        )

    @classmethod
    def linear(
        cls,
        step_percent: int = 20,
        wait_seconds: int = 300,
        *,
        termination_wait_seconds: int = 0,
        maximum_execution_timeout_seconds: int | None = None,
    ) -> Rollout:
        """Traffic moves in steps of ``step_percent``, each baking ``wait_seconds``."""
        return cls(
            strategy=LINEAR,
            percent=step_percent,
            wait_seconds=wait_seconds,
            termination_wait_seconds=termination_wait_seconds,
            maximum_execution_timeout_seconds=maximum_execution_timeout_seconds,
        )

    @classmethod
    def all_at_once(
        cls,
        wait_seconds: int = 600,
        *,
        termination_wait_seconds: int = 0,
        maximum_execution_timeout_seconds: int | None = None,
    ) -> Rollout:
        """All traffic moves to the new fleet, which bakes ``wait_seconds`` before the old goes."""
        return cls(
            strategy=ALL_AT_ONCE,
            wait_seconds=wait_seconds,
            termination_wait_seconds=termination_wait_seconds,
            maximum_execution_timeout_seconds=maximum_execution_timeout_seconds,
        )

    @classmethod
    def rolling(
        cls,
        batch_percent: int = 25,
        wait_seconds: int = 300,
        *,
        termination_wait_seconds: int = 0,
        maximum_execution_timeout_seconds: int | None = None,
    ) -> Rollout:
        """Instances are replaced ``batch_percent`` at a time, each batch baking ``wait_seconds``.

        Needs no second fleet: the endpoint never runs twice its instances (so a
        ``termination_wait_seconds`` is refused by :meth:`problems`).
        """
        return cls(
            strategy=ROLLING,
            percent=batch_percent,
            wait_seconds=wait_seconds,
            termination_wait_seconds=termination_wait_seconds,
            maximum_execution_timeout_seconds=maximum_execution_timeout_seconds,
        )

    @property
    def steps(self) -> int:
        """How many times the rollout bakes ``wait_seconds``."""
        if self.strategy in (LINEAR, ROLLING) and isinstance(self.percent, int) and self.percent:
            return math.ceil(100 / self.percent)
        return 1

    @property
    def total_wait_seconds(self) -> int:
        """Every wait the rollout makes: each step's bake and the old fleet's last wait."""
        return self.steps * self.wait_seconds + self.termination_wait_seconds

    @property
    def timeout_seconds(self) -> int:
        """``MaximumExecutionTimeoutInSeconds``: the given one, or the default's reckoning."""
        if self.maximum_execution_timeout_seconds is not None:
            return self.maximum_execution_timeout_seconds
        low, high = EXECUTION_TIMEOUT_SECONDS
        return max(low, min(high, self.total_wait_seconds + PROVISIONING_ALLOWANCE_SECONDS))

    def problems(self, where: str = "rollout") -> list[Problem]:
        """Every problem with the fields, each naming ``<where>.<field>``."""
        if self.strategy not in STRATEGIES:
            allowed = ", ".join(STRATEGIES)
            return [Problem(f"{where}.strategy", f"{self.strategy!r} must be one of {allowed}")]
        found = present(
            number_problem(self.wait_seconds, f"{where}.wait_seconds", *WAIT_SECONDS),
            number_problem(
                self.termination_wait_seconds,
                f"{where}.termination_wait_seconds",
                *TERMINATION_WAIT_SECONDS,
            ),
        )
        if self.strategy in PERCENT_RANGE:
            found += present(
                number_problem(self.percent, f"{where}.percent", *PERCENT_RANGE[self.strategy])
            )
        elif self.percent is not None:
            found.append(
                Problem(f"{where}.percent", "ALL_AT_ONCE moves all traffic at once; drop percent")
            )
        if self.strategy == ROLLING and self.termination_wait_seconds:
            found.append(
                Problem(
                    f"{where}.termination_wait_seconds",
                    "a rolling update keeps no old fleet to wait on",
                )
            )
        if self.maximum_execution_timeout_seconds is not None:
            found += present(
                number_problem(
                    self.maximum_execution_timeout_seconds,
                    f"{where}.maximum_execution_timeout_seconds",
                    *EXECUTION_TIMEOUT_SECONDS,
                )
            )
        if found:
            return found
        if self.timeout_seconds <= self.total_wait_seconds:
            found.append(
                Problem(
                    f"{where}.maximum_execution_timeout_seconds",
                    f"{self.timeout_seconds} s does not exceed the rollout's total wait of "
                    f"{self.total_wait_seconds} s ({self.steps} x {self.wait_seconds} s + "
                    f"{self.termination_wait_seconds} s); SageMaker would stop the update "
                    "before it could finish",
                )
            )
        return found

    def endpoint_problems(
        self,
        variants: Sequence[Variant],
        alarm_count: int,
        endpoint_props: Mapping[str, Any] | None = None,
        where: str = "rollout",
        *,
        scaled_min: Value | None = None,
    ) -> list[Problem]:
        """What the endpoint's variants, alarms and caller properties allow of this rollout.

        Args:
            variants: The endpoint config's production variants.
            alarm_count: How many endpoint alarms roll the update back (0: alarms are off).
            endpoint_props: The caller's Endpoint properties (its own ``DeploymentConfig``
                would clash).
            where: The option's name in messages.
            scaled_min: The fewest instances autoscaling may leave a variant at, when it scales:
                an update can start there (the endpoint keeps the scaled count). A
                ``Parameter``'s ``MinValue`` and ``Default`` are held to the same rule.
        """
        path = parse_path(where)
        found: list[Problem] = []
        if "DeploymentConfig" in (endpoint_props or {}):
            found.append(
                Problem.line(
                    path, f"{where} and endpoint_props.DeploymentConfig: give one or the other"
                )
            )
        if alarm_count == 0:
            found.append(
                Problem.line(
                    path,
                    f"{where} with alarms=None: a rollout rolls back on the endpoint's alarms; "
                    "keep the default alarms (or give Alarms(...))",
                )
            )
        elif alarm_count > MAX_ROLLBACK_ALARMS:
            found.append(
                Problem(
                    where,
                    f"{len(variants)} variants give {alarm_count} rollback alarms and SageMaker "
                    f"takes at most {MAX_ROLLBACK_ALARMS}; use at most 3 variants",
                )
            )
        unguarded = [
            t.value
            for variant in variants
            for t in variant.instance_types
            if isinstance(t.value, str) and not instance_types.guardrails(t.value)
        ]
        if unguarded:
            found.append(
                Problem.line(
                    path,
                    f"{where} with {unguarded[0]}: SageMaker's deployment guardrails exclude Inf1 "
                    "instances and would fall back to all at once, unwatched; use Inf2 or drop "
                    "rollout",
                )
            )
        serverless = [v.name for v in variants if v.serverless]
        if self.strategy in (CANARY, LINEAR) and serverless:
            # SageMaker defines canary and linear sizes against instance counts, and no page
            # documents them on serverless variants; all at once is documented for them.
            found.append(
                Problem(
                    where,
                    f"a {self.strategy.lower()} rollout sizes its steps in instances and "
                    f"Serverless Inference variant {serverless[0]!r} has none (SageMaker "
                    "documents no canary or linear traffic shifting for serverless endpoints); "
                    "use Rollout.all_at_once()",
                )
            )
        if self.strategy == ROLLING and serverless:
            found.append(
                Problem(
                    where,
                    "a rolling update replaces instances and Serverless Inference variant "
                    f"{serverless[0]!r} has none; use a blue/green rollout (canary, linear, "
                    "all_at_once)",
                )
            )
        if self.strategy == ROLLING and len(variants) > 1:
            found.append(
                Problem(
                    where,
                    f"a rolling update serves one variant and this endpoint has {len(variants)}; "
                    "use a blue/green rollout (canary, linear, all_at_once)",
                )
            )
        if self.strategy in PERCENT_RANGE and not self.problems(where):
            for variant in variants:
                if variant.serverless:
                    continue  # refused above: no instances to size a step against
                given = (variant.count, scaled_min)
                counts = [c for c in given if integer(c)]
                if counts:
                    scaled = min(counts) == scaled_min and min(counts) != given[0]
                    found += _step_problem(self, variant.name, min(counts), where, scaled=scaled)
            if isinstance(scaled_min, Parameter) and any(not v.serverless for v in variants):
                found += _parameter_floor_problems(self, scaled_min)
        return found


def fewest_instances(percent: int) -> int:
    """The fewest instances a variant needs for steps of ``percent`` to be at most half of it."""
    return next(n for n in itertools.count(1) if 2 * math.ceil(n * percent / 100) <= n)


def _parameter_floor_problems(rollout: Rollout, parameter: Parameter) -> list[Problem]:
    """A deploy-time minimum capacity is held to the rule literal counts are held to.

    The endpoint keeps the scaled-in count across updates (``RetainAllVariantProperties``), so
    the next rollout starts from the Parameter's lowest value: its ``MinValue`` and its
    ``Default`` must both leave room for a step of at most half the variant.
    """
    percent = rollout.percent
    if percent is None:
        raise ValueError(f"{rollout.strategy} has no step: only stepped rollouts are checked here")
    enough = fewest_instances(percent)
    found: list[Problem] = []
    for key in ("MinValue", "Default"):
        value = parameter.properties.get(key)
        try:
            number_value = None if value is None else float(value)
        except (TypeError, ValueError):
            number_value = None
        if number_value is None or number_value < enough:
            given = "has none" if value is None else f"is {value}"
            found.append(
                Problem(
                    "autoscaling.min_capacity",
                    f"Parameter {parameter.title}'s {key} {given}; a {rollout.strategy.lower()} "
                    f"rollout of {percent}% steps needs every variant at {enough} instances or "
                    f"more, since an update starts from the scaled-in count: give the Parameter "
                    f"MinValue and Default of at least {enough}",
                )
            )
    return found


def _step_problem(
    rollout: Rollout, name: Any, count: int, where: str, *, scaled: bool = False
) -> list[Problem]:
    percent = rollout.percent
    if percent is None:
        raise ValueError(f"{rollout.strategy} has no step: only stepped rollouts are checked here")

    def step(instances: int) -> int:
        return math.ceil(instances * percent / 100)

    if 2 * step(count) <= count:
        return []
    enough = next(n for n in range(count + 1, 2 * count + 3) if 2 * step(n) <= n)
    noun = "instance" if count == 1 else "instances"
    has, fix = (
        ("may scale to", "autoscaling.min_capacity") if scaled else ("has", "InitialInstanceCount")
    )
    return [
        Problem(
            f"{where}.percent",
            f"variant {name!r} {has} {count} {noun} and {percent}% of them is {step(count)}, "
            f"more than half; give it at least {enough} instances ({fix}) or a smaller step",
        )
    ]


def deployment_config(rollout: Rollout, alarm_names: Sequence[Any]) -> dict[str, Any]:
    """The Endpoint's ``DeploymentConfig`` for ``rollout``, rolling back on ``alarm_names``."""
    size = (
        {"Type": "CAPACITY_PERCENT", "Value": rollout.percent}
        if rollout.percent is not None
        else None
    )
    config: dict[str, Any] = {
        "AutoRollbackConfiguration": {"Alarms": [{"AlarmName": name} for name in alarm_names]}
    }
    if rollout.strategy == ROLLING:
        config["RollingUpdatePolicy"] = {
            "MaximumBatchSize": size,
            "WaitIntervalInSeconds": rollout.wait_seconds,
            "MaximumExecutionTimeoutInSeconds": rollout.timeout_seconds,
        }
        return config
    routing: dict[str, Any] = {
        "Type": rollout.strategy,
        "WaitIntervalInSeconds": rollout.wait_seconds,
    }
    if rollout.strategy == CANARY:
        routing["CanarySize"] = size
    elif rollout.strategy == LINEAR:
        routing["LinearStepSize"] = size
    config["BlueGreenUpdatePolicy"] = {
        "TrafficRoutingConfiguration": routing,
        "TerminationWaitInSeconds": rollout.termination_wait_seconds,
        "MaximumExecutionTimeoutInSeconds": rollout.timeout_seconds,
    }
    return config
