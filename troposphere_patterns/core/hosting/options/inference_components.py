"""Several models (and LoRA adapters) on one endpoint: SageMaker inference components.

Each :class:`InferenceComponent` is an ``AWS::SageMaker::InferenceComponent`` with its own model,
its own reservation of accelerators and memory per copy and its own copies, scaled on its own
metric; the endpoint's instances follow the copies (``ManagedInstanceScaling``) and may go to
zero when every component may. An adapter (``base``) is a LoRA artifact served by another
component's copies, with no compute of its own.

This module holds the option and what it says of itself; what the endpoint allows of it (the
base is one of this endpoint's components, the instance type has the accelerators, ...) is
checked in ``core/hosting/components.py``, which also builds the components.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from troposphere_patterns.core import formats
from troposphere_patterns.core.options import (
    bounds_problems,
    deploy_time,
    integer,
    number,
    number_problem,
)
from troposphere_patterns.core.values import Value
from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

# What a component scales on (Application Auto Scaling's predefined metric types).
CONCURRENT_REQUESTS = "concurrent_requests"
INVOCATIONS = "invocations"
PREDEFINED_METRICS = {
    # Requests in flight per copy, every 10 s, counting queued requests and streamed responses
    # to their last token: the signal for LLMs, whose requests last seconds.
    CONCURRENT_REQUESTS: "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
    INVOCATIONS: "SageMakerInferenceComponentInvocationsPerCopy",
}
DEFAULT_TARGETS = {
    # A few requests at once per copy: what a continuous-batching LLM server keeps busy without
    # queueing long. Load-test your model and set your own.
    CONCURRENT_REQUESTS: 4.0,
    # Invocations per copy per minute, as the variant default (SageMaker's example value).
    INVOCATIONS: 70.0,
}
DEFAULT_SCALE_IN_COOLDOWN = 300
DEFAULT_SCALE_OUT_COOLDOWN = 60
# A wake loads the model from zero: an instance starts, the weights download and load onto the
# GPUs. One measured wake took about 9 minutes; adding copies meanwhile would start more.
DEFAULT_WAKE_COOLDOWN = 600
# The 10 s metric: a cooldown below one period only repeats the same decision.
MAX_COOLDOWN_SECONDS = 86_400
# AWS::SageMaker::InferenceComponent's ComputeResourceRequirements minimums (cfn-lint schema).
MIN_MEMORY_MB = 128
MIN_CPU_CORES = 0.25
COMPUTE_FIELDS = ("accelerators", "memory_mb", "cpu_cores")
COPY_FIELDS = ("copies", "min_copies", "max_copies")


@record(kw_only=True)
class InferenceComponent:
    """One model (or LoRA adapter) on the endpoint, with its own compute, copies and scaling.

    Numbers may be literals or intrinsics (a ``Ref`` to a Parameter).

    Attributes:
        name: Short name: letters, digits and single hyphens, at most 40. It starts the
            component's ``InferenceComponentName`` (in lower case, followed by part of the
            stack's ID) and, in PascalCase, its logical IDs. Required.
        model_props: The component's ``AWS::SageMaker::Model`` properties; the pattern creates
            that model (with the endpoint's execution role unless it names one). Required
            unless ``base`` is given. Default None.
        base: The ``name`` of another component of this endpoint: this one is a LoRA adapter
            loaded into that component's copies; it then takes ``artifact_url`` and no model,
            compute, copies or scaling. Default None.
        artifact_url: The adapter's weights in S3 (``s3://bucket/key.tar.gz``, or a prefix
            ending in ``/``). Only with ``base``. Default None.
        accelerators: Accelerator devices (GPUs) each copy reserves; what the container uses
            (its tensor-parallel degree). Default None: none (a CPU model).
        memory_mb: Memory each copy reserves, in MB (at least 128). Required unless ``base``.
            Default None.
        cpu_cores: CPU cores each copy reserves (at least 0.25). Default None: not reserved.
        copies: Copies at creation, at least 1 (SageMaker refuses 0; the first deploy runs and
            bills them until scaling takes them in). Default None: 1.
        min_copies: Fewest copies scaling leaves; 0 lets the component, and the endpoint's
            instances when every component may, go to zero. Default None: ``copies``.
        max_copies: Most copies scaling adds: the cost ceiling. Default None: ``copies``.
        scaling_metric: ``concurrent_requests`` (requests in flight per copy, high resolution)
            or ``invocations`` (invocations per copy per minute). Default
            ``concurrent_requests``.
        target_value: The metric's target per copy. Default None: 4 concurrent requests, or 70
            invocations per minute.
        scale_in_cooldown: Seconds after a scale-in before the next one. Default 300.
        scale_out_cooldown: Seconds after a scale-out before the next one. Default 60.
        wake_cooldown_seconds: With ``min_copies`` 0: seconds the wake policy waits after adding
            the first copy, to cover its cold start. Default 600.
        component_props: ``AWS::SageMaker::InferenceComponent`` properties merged over the
            pattern's (``Tags``, ``Specification.StartupParameters``, ``SchedulingConfig``,
            ``DataCacheConfig``, or ``Specifications`` for instance pools). Default None.
    """

    name: str
    model_props: Mapping[str, Any] | None = None
    base: str | None = None
    artifact_url: Value | None = None
    accelerators: Value | None = None
    memory_mb: Value | None = None
    cpu_cores: Value | None = None
    copies: Value | None = None
    min_copies: Value | None = None
    max_copies: Value | None = None
    scaling_metric: str = CONCURRENT_REQUESTS
    target_value: Value | None = None
    scale_in_cooldown: Value = DEFAULT_SCALE_IN_COOLDOWN
    scale_out_cooldown: Value = DEFAULT_SCALE_OUT_COOLDOWN
    wake_cooldown_seconds: Value = DEFAULT_WAKE_COOLDOWN
    component_props: Mapping[str, Any] | None = None

    @property
    def adapter(self) -> bool:
        """A LoRA adapter on another component (``base`` given)."""
        return self.base is not None

    @property
    def initial_copies(self) -> Value:
        """``RuntimeConfig.CopyCount``."""
        return 1 if self.copies is None else self.copies

    @property
    def lowest(self) -> Value:
        """The scalable target's ``MinCapacity``."""
        return self.initial_copies if self.min_copies is None else self.min_copies

    @property
    def highest(self) -> Value:
        """The scalable target's ``MaxCapacity``."""
        return self.initial_copies if self.max_copies is None else self.max_copies

    @property
    def may_reach_zero(self) -> bool:
        """Scaling may take the last copy: ``min_copies`` is 0 or known only at deploy time."""
        return not self.adapter and (self.lowest == 0 or deploy_time(self.lowest))

    @property
    def metric_type(self) -> str:
        """The predefined metric type the component's target tracking follows."""
        return PREDEFINED_METRICS.get(self.scaling_metric, self.scaling_metric)

    @property
    def target(self) -> Value:
        """The target value of the scaling policy."""
        if self.target_value is not None:
            return self.target_value
        return DEFAULT_TARGETS.get(self.scaling_metric, 1.0)

    def problems(self, where: str) -> list[Problem]:
        """What is wrong with the component on its own, each naming ``<where>.<field>``."""
        found: list[Problem] = []
        name = self.name
        if not formats.COMPONENT_SHORT_NAME.match(name):
            found.append(Problem(f"{where}.name", formats.COMPONENT_SHORT_NAME.refusal(name)))
        for field, resource in (
            ("model_props", "AWS::SageMaker::Model"),
            ("component_props", "AWS::SageMaker::InferenceComponent"),
        ):
            value = getattr(self, field)
            if value is not None and not isinstance(value, Mapping):
                found.append(
                    Problem(
                        f"{where}.{field}",
                        f"must be a mapping of {resource} properties, not {type(value).__name__}",
                    )
                )
        if self.adapter:
            return found + self._adapter_problems(where)
        if self.model_props is None:
            found.append(
                Problem(
                    f"{where}.model_props",
                    "required: the component's model (or give base and artifact_url for an "
                    "adapter)",
                )
            )
        if self.artifact_url is not None:
            found.append(
                Problem(
                    f"{where}.artifact_url",
                    "only an adapter (with base) takes artifact_url; a model's weights go in its "
                    "model_props",
                )
            )
        found += self._compute_problems(where)
        found += self._copy_problems(where)
        found += self._scaling_problems(where)
        return found

    def _adapter_problems(self, where: str) -> list[Problem]:
        found: list[Problem] = []
        given = [
            f
            for f in (*COMPUTE_FIELDS, *COPY_FIELDS, "model_props")
            if getattr(self, f) is not None
        ]
        if given:
            found.append(
                Problem(
                    f"{where}.{given[0]}",
                    f"an adapter (base {self.base!r}) runs in its base's copies with its base's "
                    f"compute: drop {', '.join(given)}",
                )
            )
        url = self.artifact_url
        if url is None:
            found.append(
                Problem(f"{where}.artifact_url", "required for an adapter: its weights in S3")
            )
        elif isinstance(url, str) and not formats.S3_PREFIX_URI.match(url):
            found.append(Problem(f"{where}.artifact_url", formats.S3_PREFIX_URI.refusal(url)))
        if self.base == self.name:
            found.append(Problem(f"{where}.base", f"{self.base!r} is this component itself"))
        return found

    def _compute_problems(self, where: str) -> list[Problem]:
        found: list[Problem] = []
        if self.memory_mb is None:
            found.append(
                Problem(
                    f"{where}.memory_mb",
                    "required: the memory each copy reserves (MinMemoryRequiredInMb, which "
                    "SageMaker requires)",
                )
            )
        elif not deploy_time(self.memory_mb):
            found += _present(number_problem(self.memory_mb, f"{where}.memory_mb", 128, 4e6))
        if self.accelerators is not None and not deploy_time(self.accelerators):
            found += _present(number_problem(self.accelerators, f"{where}.accelerators", 1, 64))
        cores = self.cpu_cores
        if cores is not None and not deploy_time(cores):
            found += _present(
                number_problem(cores, f"{where}.cpu_cores", MIN_CPU_CORES, 1024, integer=False)
            )
        return found

    def _copy_problems(self, where: str) -> list[Problem]:
        found: list[Problem] = []
        copies, low, high = self.initial_copies, self.lowest, self.highest
        if copies == 0 and integer(copies):
            found.append(
                Problem(
                    f"{where}.copies",
                    "0: SageMaker creates a component with at least 1 copy; set min_copies=0 to "
                    "let it scale to zero after",
                )
            )
        elif not deploy_time(copies) and (not integer(copies) or copies < 1):
            found.append(Problem(f"{where}.copies", f"{copies!r} must be an integer of at least 1"))
        found += bounds_problems(low, high, f"{where}.min_copies", f"{where}.max_copies", lowest=0)
        if integer(copies) and integer(high) and copies > high:
            found.append(
                Problem(f"{where}.copies", f"{copies} is above {where}.max_copies ({high})")
            )
        return found

    def _scaling_problems(self, where: str) -> list[Problem]:
        found: list[Problem] = []
        if self.scaling_metric not in PREDEFINED_METRICS:
            allowed = ", ".join(PREDEFINED_METRICS)
            found.append(
                Problem(
                    f"{where}.scaling_metric", f"{self.scaling_metric!r} must be one of {allowed}"
                )
            )
        target = self.target
        if not deploy_time(target) and (not number(target) or target <= 0):
            found.append(Problem(f"{where}.target_value", f"{target!r} must be a number above 0"))
        for name in ("scale_in_cooldown", "scale_out_cooldown", "wake_cooldown_seconds"):
            value = getattr(self, name)
            if not deploy_time(value):
                found += _present(number_problem(value, f"{where}.{name}", 0, MAX_COOLDOWN_SECONDS))
        return found


def _present(problem: Problem | None) -> list[Problem]:
    return [] if problem is None else [problem]
