"""What an endpoint is hosted with, and every rule between its props and its options.

A pattern that creates a SageMaker endpoint (this one, or a second such as API Gateway ->
SageMaker) hands over its Model, EndpointConfig and Endpoint props and the hosting options;
:meth:`Hosting.problems` reports what each option says of itself and what the endpoint allows
of it, named as the caller wrote them (``model_props...``, ``rollout.wait_seconds``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from troposphere_patterns.core.hosting.endpoint import (
    config_with_defaults,
    endpoint_config_problems,
    hosting_problems,
    model_props_problems,
    production_variants,
)
from troposphere_patterns.core.hosting.options import alarms as alarm_rules
from troposphere_patterns.core.hosting.options.alarms import Alarms
from troposphere_patterns.core.hosting.options.async_inference import AsyncInference
from troposphere_patterns.core.hosting.options.async_inference import problems as async_problems
from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
from troposphere_patterns.core.hosting.options.data_capture import DataCapture
from troposphere_patterns.core.hosting.options.rollout import Rollout
from troposphere_patterns.core.hosting.options.serverless import Serverless
from troposphere_patterns.core.overrides import merge, plain


@dataclass(frozen=True, kw_only=True)
class Hosting:
    """The props and options an endpoint is built from (each None when not given)."""

    model_props: Mapping[str, Any] | None = None
    endpoint_config_props: Mapping[str, Any] | None = None
    endpoint_props: Mapping[str, Any] | None = None
    serverless: Serverless | None = None
    autoscaling: Autoscaling | None = None
    alarms: Alarms | None = None
    rollout: Rollout | None = None
    data_capture: DataCapture | None = None
    async_inference: AsyncInference | None = None

    def problems(self, *, existing_endpoint: bool, in_vpc: bool) -> list[str]:
        """Every problem, for an endpoint the pattern creates or (``existing_endpoint``) not."""
        found: list[str] = []
        if self.model_props is not None and not existing_endpoint:
            model = plain(self.model_props)
            found += model_props_problems(model, "model_props", in_vpc=in_vpc)
            found += endpoint_config_problems(self._config(), "endpoint_config_props")
            # Whether the config is async decides how it may scale; its paths do not matter.
            queued: dict[str, Any] = {"AsyncInferenceConfig": {}} if self.async_inference else {}
            found += hosting_problems(
                model_props=self.model_props,
                endpoint_config_props=merge(self.endpoint_config_props, queued),
                endpoint_props=self.endpoint_props,
                serverless_option=self.serverless,
                scaling=self.autoscaling,
            )
        found += self._option_problems(existing_endpoint)
        if self.async_inference is not None:
            own = None if existing_endpoint else self._config()
            found += async_problems(self.async_inference, own, self.serverless)
        return found

    def _config(self) -> dict[str, Any]:
        return config_with_defaults(self.endpoint_config_props, self.serverless)

    def _option_problems(self, existing_endpoint: bool) -> list[str]:
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
                f"{n} with existing_sagemaker_endpoint_obj: the pattern makes no endpoint"
                for n in unused
            ]
        if self.data_capture and "DataCaptureConfig" in (self.endpoint_config_props or {}):
            found.append("data_capture and endpoint_config_props.DataCaptureConfig: give one")
        variants = production_variants(self._config())
        if self.data_capture is not None:
            found += self.data_capture.endpoint_problems(variants)
        if self.alarms is not None:
            found += alarm_rules.target_problems(
                variants, "endpoint_config_props.ProductionVariants"
            )
        if self.rollout is not None:
            watched = alarm_rules.PER_VARIANT * len(variants) if self.alarms is not None else 0
            scaled_min = self.autoscaling.min_capacity if self.autoscaling else None
            found += self.rollout.endpoint_problems(
                variants, watched, self.endpoint_props, scaled_min=scaled_min
            )
        return found
