"""What an endpoint is hosted with, and every rule between its props and its options.

A pattern that hosts a SageMaker endpoint (this one, or a second such as API Gateway ->
SageMaker) hands over its Model, EndpointConfig and Endpoint props and the hosting options, or
an existing endpoint; :meth:`Hosting.problems` reports what each option says of itself and what
the endpoint allows of it, named as the caller wrote them (``model_props...``,
``rollout.wait_seconds``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from troposphere import BaseAWSObject, sagemaker

from troposphere_patterns.core import formats
from troposphere_patterns.core import ids as core_ids
from troposphere_patterns.core.hosting import target_models as pinned_models
from troposphere_patterns.core.hosting.endpoint import (
    endpoint_config_problems,
    endpoint_name_problems,
    hosting_problems,
    model_props_problems,
)
from troposphere_patterns.core.hosting.options import alarms as alarm_rules
from troposphere_patterns.core.hosting.options.serverless import Serverless
from troposphere_patterns.core.hosting.plan import COMPONENTS_WHERE, EndpointPlan, named_variants
from troposphere_patterns.core.hosting.types import EndpointConfig
from troposphere_patterns.core.overrides import problems as property_problems
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

# Options are types here; their modules load only when a template uses them.
if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.options.alarms import Alarms
    from troposphere_patterns.core.hosting.options.async_inference import AsyncInference
    from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
    from troposphere_patterns.core.hosting.options.data_capture import DataCapture
    from troposphere_patterns.core.hosting.options.inference_components import (
        InferenceComponent,
    )
    from troposphere_patterns.core.hosting.options.rollout import Rollout

# The CloudFormation properties each props mapping holds, checked against troposphere's table.
_PROPS_CLASSES: dict[str, type[BaseAWSObject]] = {
    "model_props": sagemaker.Model,
    "endpoint_config_props": EndpointConfig,
    "endpoint_props": sagemaker.Endpoint,
}
# The props an existing endpoint leaves nothing to apply to.
_CREATED_ONLY = (
    "model_props",
    "endpoint_config_props",
    "serverless",
    "autoscaling",
    "inference_components",
)
EXISTING = "existing_sagemaker_endpoint_obj"


@record(kw_only=True)
class Hosting:
    """The props and options an endpoint is built from (each None when not given).

    Attributes:
        existing_sagemaker_endpoint_obj: An endpoint to use instead of creating one: an
            ``AWS::SageMaker::Endpoint`` object, its name, or an intrinsic. Then only
            ``alarms`` may be set (they watch the client alone).
        model_props: ``AWS::SageMaker::Model`` properties of the endpoint to create.
        endpoint_config_props: Merged over the EndpointConfig defaults.
        endpoint_props: Merged over the Endpoint defaults.
        serverless: Make the default variant serverless.
        autoscaling: Scale each variant.
        alarms: Alarms on the variants (and thresholds the client's alarms share).
        rollout: Stepped updates that roll back on the variants' alarms.
        data_capture: Capture requests and responses.
        async_inference: Host the model behind an asynchronous endpoint.
        target_models: The only models of a multi-model endpoint a client may call.
        inference_components: Host these models and adapters as inference components (then
            no ``model_props``).
    """

    # The props each resource is built from, to name them if troposphere refuses it late.
    BUILT_FROM: ClassVar[Mapping[str, tuple[str, ...]]] = {
        core_ids.SAGEMAKER_MODEL: ("model_props",),
        core_ids.SAGEMAKER_ENDPOINT_CONFIG: ("endpoint_config_props",),
        core_ids.SAGEMAKER_ENDPOINT: ("endpoint_props",),
    }

    existing_sagemaker_endpoint_obj: Any = None
    model_props: Mapping[str, Any] | None = None
    endpoint_config_props: Mapping[str, Any] | None = None
    endpoint_props: Mapping[str, Any] | None = None
    serverless: Serverless | None = None
    autoscaling: Autoscaling | None = None
    alarms: Alarms | None = None
    rollout: Rollout | None = None
    data_capture: DataCapture | None = None
    async_inference: AsyncInference | None = None
    target_models: tuple[str, ...] | list[str] | None = None
    inference_components: Sequence[InferenceComponent] | None = None

    @property
    def components(self) -> tuple[InferenceComponent, ...]:
        """The inference components given (those of the right type)."""
        if self.inference_components is None:
            return ()
        from troposphere_patterns.core.hosting.components import valid_components  # with some

        return valid_components(self.inference_components)

    @property
    def creates_endpoint(self) -> bool:
        """The endpoint is the pattern's (no existing one was given)."""
        return self.existing_sagemaker_endpoint_obj is None

    @cached_property
    def plan(self) -> EndpointPlan:
        """The model, and the endpoint config merged over its defaults: read once."""
        return EndpointPlan.parse(
            self.model_props,
            self.endpoint_config_props,
            self.serverless,
            asynchronous=self.async_inference is not None,
            components=self.components,
        )

    @property
    def client_uses_s3(self) -> bool:
        """A client reaches S3 too: async payloads go in and results come out there."""
        return self.async_inference is not None

    @property
    def component_ids(self) -> tuple[str, ...]:
        """The logical-ID parts of the inference components that IDs are named after."""
        names = [component.name for component in self.components]
        return tuple(formats.variant_id(name) for name in names if isinstance(name, str))

    @property
    def variant_ids(self) -> tuple[str, ...]:
        """The logical-ID parts of the variants that IDs are named after (scaling, alarms).

        The default variant's when the config is not a mapping yet: its own problem is
        reported elsewhere, and the prefix check needs names either way.
        """
        config, option = self.endpoint_config_props, self.serverless
        if not isinstance(config, Mapping | None) or not isinstance(option, Serverless | None):
            return (core_ids.DEFAULT_VARIANT_ID,)
        plan = EndpointPlan.parse(None, config, option)
        named = [v.name for v in plan.production if isinstance(v.name, str)]
        return tuple(formats.variant_id(name) for name in named) or (core_ids.DEFAULT_VARIANT_ID,)

    def bucket_prefixes(self) -> list[str]:
        """What the options store in the pattern's bucket, one prefix each (none: no bucket)."""
        capture = self.data_capture
        prefixes = []
        if capture and capture.destination is None:
            from troposphere_patterns.core.hosting.options.data_capture import PREFIX

            prefixes.append(PREFIX)
        if self.async_inference is not None:
            prefixes += self.async_inference.bucket_prefixes()
        return prefixes

    def problems(self, *, in_vpc: bool) -> list[Problem]:
        """Every problem, for an endpoint the pattern creates or an existing one."""
        found = self._endpoint_problems()
        for name, cls in _PROPS_CLASSES.items():
            value = getattr(self, name)
            if value is not None:
                found += property_problems(cls, value, name)
        existing_endpoint = not self.creates_endpoint
        if self.inference_components is not None and not existing_endpoint:
            found += self._component_problems()
        elif self.model_props is not None and not existing_endpoint:
            plan = self.plan
            found += model_props_problems(plan, in_vpc=in_vpc)
            found += endpoint_config_problems(plan)
            found += _managed_scaling_without_components(plan)
            found += hosting_problems(
                plan,
                endpoint_props=self.endpoint_props,
                serverless_option=self.serverless,
                scaling=self.autoscaling,
            )
        found += self._option_problems(existing_endpoint)
        if self.async_inference is not None:
            from troposphere_patterns.core.hosting.options.async_inference import (
                problems as async_problems,
            )

            own = None if existing_endpoint else self.plan
            found += async_problems(self.async_inference, own, self.serverless)
        if self.target_models is not None:
            found += pinned_models.problems(
                self.target_models,
                "target_models",
                None if existing_endpoint or self.model_props is None else self.plan,
                asynchronous=self.async_inference is not None,
            )
        return found

    def _component_problems(self) -> list[Problem]:
        """The components' own rules, then what the endpoint allows of them."""
        from troposphere_patterns.core.hosting import components as component_rules  # with some

        found = component_rules.shape_problems(self.inference_components)
        if found:
            return found
        plan = self.plan
        return [
            *endpoint_config_problems(plan),
            *component_rules.endpoint_problems(
                plan,
                model_props=self.model_props,
                serverless=self.serverless,
                asynchronous=self.async_inference,
                autoscaling=self.autoscaling,
                rollout=self.rollout,
            ),
        ]

    def _endpoint_problems(self) -> list[Problem]:
        """An existing endpoint, or what to create one from: one or the other."""
        found: list[Problem] = []
        if self.creates_endpoint:
            if self.model_props is None and self.inference_components is None:
                found.append(
                    Problem.line(
                        ("model_props", EXISTING),
                        f"neither {EXISTING} nor model_props: one is required",
                    )
                )
            return found
        if self.endpoint_props is not None:
            found.append(
                Problem.line(
                    (EXISTING, "endpoint_props"),
                    f"{EXISTING} and endpoint_props: give one or the other",
                )
            )
        for name in _CREATED_ONLY:
            if getattr(self, name) is not None:
                found.append(
                    Problem.line(
                        (name, EXISTING),
                        f"{name} with {EXISTING}: no model or endpoint config is created to "
                        "apply them to",
                    )
                )
        return found + endpoint_name_problems(self.existing_sagemaker_endpoint_obj, EXISTING)

    def _option_problems(self, existing_endpoint: bool) -> list[Problem]:
        """Each day-2 option's own problems, and what the endpoint allows of them."""
        options = {
            "alarms": self.alarms,
            "rollout": self.rollout,
            "data_capture": self.data_capture,
        }
        found = [p for name, option in options.items() if option for p in option.problems(name)]
        if existing_endpoint:
            unused = [name for name in ("rollout", "data_capture") if options[name] is not None]
            return found + [
                Problem.line((n, EXISTING), f"{n} with {EXISTING}: the pattern makes no endpoint")
                for n in unused
            ]
        if self.data_capture and "DataCaptureConfig" in self.plan.config:
            found.append(
                Problem.line(
                    ("data_capture", "endpoint_config_props", "DataCaptureConfig"),
                    "data_capture and endpoint_config_props.DataCaptureConfig: give one",
                )
            )
        captured = "data_capture" if self.data_capture else None
        if captured is None and "DataCaptureConfig" in self.plan.config:
            captured = "endpoint_config_props.DataCaptureConfig"
        if captured and self.async_inference is not None:
            # SageMaker documents data capture for real-time endpoints and batch transform
            # (model-monitor-data-capture), not for asynchronous endpoints.
            found.append(
                Problem.line(
                    (*captured.split("."), "async_inference"),
                    f"{captured} with async_inference: SageMaker documents data capture for "
                    "real-time endpoints only; the async results in S3 are the record of each "
                    "request",
                )
            )
        production = self.plan.production
        if self.data_capture is not None:
            found += self.data_capture.endpoint_problems(production)
        if self.inference_components is not None:
            # Alarms and rollouts are the components' (each on its own dimension and copies).
            if self.rollout is not None and self.alarms is None:
                found.append(
                    Problem.line(
                        ("rollout", "alarms"),
                        "rollout with alarms=None: a component's rollout rolls back on its "
                        "alarms; keep the default alarms (or give Alarms(...))",
                    )
                )
            return found
        named_by = [n for n in ("alarms", "autoscaling") if getattr(self, n) is not None]
        if named_by:
            found += named_variants(production, " and ".join(named_by))
        if self.rollout is not None:
            watched = alarm_rules.PER_VARIANT * len(production) if self.alarms else 0
            scaled_min = self.autoscaling.min_capacity if self.autoscaling else None
            found += self.rollout.endpoint_problems(
                production, watched, self.endpoint_props, scaled_min=scaled_min
            )
        return found


def _managed_scaling_without_components(plan: EndpointPlan) -> list[Problem]:
    """``ManagedInstanceScaling`` only exists for endpoints of inference components."""
    return [
        Problem.line(
            (*parse_path(f"{v.path}.ManagedInstanceScaling"), COMPONENTS_WHERE),
            f"{v.path}.ManagedInstanceScaling without inference_components: SageMaker supports "
            "it only for inference component endpoints (its instances follow the copies)",
        )
        for v in plan.variants
        if "ManagedInstanceScaling" in v.props
    ]
