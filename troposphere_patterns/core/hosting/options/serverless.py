"""SageMaker Serverless Inference: an endpoint variant without instances, billed per request.

A serverless variant has no instance type or count: SageMaker runs the container on demand, up
to ``MaxConcurrency`` at once, and bills compute per millisecond of inference, so an idle endpoint
costs nothing. Provisioned concurrency keeps that many copies warm (no cold start) and is billed
while idle. Serverless endpoints do not support VPC configuration, network isolation, data
capture, several variants, inference pipelines, private registries or rolling deployments
(SageMaker developer guide, serverless-endpoints, "Feature exclusions";
deployment-guardrails-exclusions): CreateEndpointConfig or CreateEndpoint refuse them at deploy
time, so they are refused here when the template is generated.

The same rules apply to the :class:`Serverless` option and to a ``ServerlessConfig`` written
straight into an EndpointConfig: :meth:`Serverless.of_config` reads one into the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from troposphere_patterns.core.hosting.plan import CONFIG_WHERE, MODEL_WHERE
from troposphere_patterns.core.options import deploy_time, integer
from troposphere_patterns.core.values import Value
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.plan import EndpointPlan

MEMORY_SIZES_MB = (1024, 2048, 3072, 4096, 5120, 6144)
CONCURRENCY = (1, 200)
DEFAULT_MEMORY_SIZE_MB = 2048
# Headroom for bursts; every endpoint's concurrency counts against the account's regional
# serverless concurrency quota, so the default stays modest.
DEFAULT_MAX_CONCURRENCY = 20

# Option field -> ServerlessConfig key.
CONFIG_KEYS = {
    "memory_size_in_mb": "MemorySizeInMB",
    "max_concurrency": "MaxConcurrency",
    "provisioned_concurrency": "ProvisionedConcurrency",
}
# ProductionVariant keys that only instance-backed variants take.
INSTANCE_KEYS = (
    "InstanceType",
    "InitialInstanceCount",
    "InstancePools",
    "VolumeSizeInGB",
    "ManagedInstanceScaling",
    "CapacityReservationConfig",
)


@record(kw_only=True)
class Serverless:
    """Make the endpoint's variant serverless: no instances, billed per request.

    Values may be literals or intrinsics (a ``Ref`` to a Parameter is checked by the Parameter's
    own constraints at deploy time).

    Attributes:
        memory_size_in_mb: Memory of each copy of the container: 1024, 2048, 3072, 4096, 5120
            or 6144; vCPUs grow with it. Default 2048.
        max_concurrency: Invocations served at once, 1-200; more are throttled. Default 20.
        provisioned_concurrency: Copies kept warm (no cold start), 1-200 and at most
            ``max_concurrency``; billed while idle. With ``Autoscaling`` it is what scales.
            Default None (none: nothing is billed while idle).
    """

    memory_size_in_mb: Value | None = DEFAULT_MEMORY_SIZE_MB
    max_concurrency: Value | None = DEFAULT_MAX_CONCURRENCY
    provisioned_concurrency: Value | None = None

    @classmethod
    def of_config(cls, config: Mapping[str, Any]) -> Serverless:
        """The option a ``ServerlessConfig`` mapping describes (missing keys become None)."""
        return cls(**{name: config.get(key) for name, key in CONFIG_KEYS.items()})

    def config(self) -> dict[str, Any]:
        """The ``ServerlessConfig`` property of the variant."""
        values = {CONFIG_KEYS[f.name]: getattr(self, f.name) for f in fields(self)}
        return {key: value for key, value in values.items() if value is not None}

    def variant(self, name: str) -> dict[str, Any]:
        """The one production variant of a serverless endpoint config."""
        return {"VariantName": name, "ServerlessConfig": self.config()}

    def problems(self, where: str = "serverless", *, config_keys: bool = False) -> list[Problem]:
        """What is wrong with the values, each naming its field.

        Args:
            where: The option's path in the caller's props.
            config_keys: Name ``ServerlessConfig`` keys (``MaxConcurrency``) instead of the
                option's fields, for an option read from a config by :meth:`of_config`.
        """

        def path(name: str) -> str:
            return f"{where}.{CONFIG_KEYS[name] if config_keys else name}"

        found: list[Problem] = []
        memory, most, warm = (
            self.memory_size_in_mb,
            self.max_concurrency,
            self.provisioned_concurrency,
        )
        for name, value in (("memory_size_in_mb", memory), ("max_concurrency", most)):
            if value is None:
                found.append(Problem(path(name), "required"))
        if memory is not None and not deploy_time(memory) and memory not in MEMORY_SIZES_MB:
            sizes = ", ".join(str(size) for size in MEMORY_SIZES_MB)
            found.append(
                Problem(path("memory_size_in_mb"), f"{memory!r} must be one of {sizes} (MB)")
            )
        low, high = CONCURRENCY
        for name, value in (("max_concurrency", most), ("provisioned_concurrency", warm)):
            if value is None or deploy_time(value):
                continue
            if not integer(value) or not low <= value <= high:
                found.append(
                    Problem(path(name), f"{value!r} must be an integer from {low} to {high}")
                )
        if integer(warm) and integer(most) and low <= most < warm <= high:
            found.append(
                Problem(
                    path("provisioned_concurrency"),
                    f"{warm} is more than {path('max_concurrency')} ({most}); a warm copy beyond "
                    "the maximum never serves",
                )
            )
        return found


def problems(
    option: Serverless | None,
    plan: EndpointPlan,
    endpoint_props: Mapping[str, Any],
    where: str = "serverless",
) -> list[Problem]:
    """Every serverless rule broken by the option or by a ``ServerlessConfig`` in the config.

    Args:
        option: The caller's :class:`Serverless`, or None.
        plan: What the endpoint is built from (with the option's variant already applied).
        endpoint_props: The caller's Endpoint properties, as plain mappings.
        where: The option's path in the caller's props.
    """
    config, model = plan.config, plan.model
    config_where, model_where, endpoint_where = CONFIG_WHERE, MODEL_WHERE, "endpoint_props"
    found = option.problems(where) if option is not None else []
    if option is not None and plan.caller_variants:
        found.append(
            Problem.line(
                (where,),
                f"{where} with {config_where}.ProductionVariants: {where} writes the endpoint's "
                f"one variant; drop ProductionVariants, or give your variant a ServerlessConfig "
                f"instead of {where}",
            )
        )
        return found
    variants = [variant for variant in plan.variants if variant.serverless]
    if not variants:
        return found
    for variant in variants:
        given = variant.serverless_config
        if option is None and isinstance(given, Mapping):
            found += Serverless.of_config(given).problems(
                f"{variant.path}.ServerlessConfig", config_keys=True
            )
        for key in INSTANCE_KEYS:
            if key in variant.props:
                found.append(
                    Problem.line(
                        parse_path(f"{variant.path}.{key}"),
                        f"{variant.path}.{key} beside ServerlessConfig: a Serverless Inference "
                        "variant has no instances; drop one or the other",
                    )
                )
    count = plan.variant_entries
    if count > 1:
        found.append(
            Problem(
                config_where,
                "a Serverless Inference endpoint has exactly one variant "
                f"({count} given, shadow variants included)",
            )
        )
    subject = where if option is not None else f"the ServerlessConfig of {variants[0].path}"
    deployment = endpoint_props.get("DeploymentConfig")
    # (path, how the message names it): what serverless endpoints refuse.
    refused: list[tuple[str, str]] = [
        (path, path)
        for path, present in (
            (f"{config_where}.DataCaptureConfig", config.get("DataCaptureConfig") is not None),
            (f"{config_where}.VpcConfig", config.get("VpcConfig") is not None),
            (
                f"{config_where}.EnableNetworkIsolation",
                config.get("EnableNetworkIsolation") is True,
            ),
            (f"{model_where}.EnableNetworkIsolation", model.get("EnableNetworkIsolation") is True),
            (f"{model_where}.VpcConfig", model.get("VpcConfig") is not None),
            (
                f"{endpoint_where}.DeploymentConfig.RollingUpdatePolicy",
                isinstance(deployment, Mapping)
                and deployment.get("RollingUpdatePolicy") is not None,
            ),
        )
        if present
    ]
    containers = model.get("Containers")
    if isinstance(containers, list | tuple) and len(containers) > 1:
        path = f"{model_where}.Containers"
        refused.append((path, f"{path} (an inference pipeline)"))
    for container in plan.containers:
        path, props = container.path, container.props
        image_config = props.get("ImageConfig")
        if isinstance(image_config, Mapping) and image_config.get("RepositoryAccessMode") == "Vpc":
            access = f"{path}.ImageConfig.RepositoryAccessMode"
            refused.append((access, f"{access} 'Vpc' (a private registry)"))
        if props.get("Mode") == "MultiModel":
            refused.append((f"{path}.Mode", f"{path}.Mode 'MultiModel'"))
    found += [
        Problem.line(
            parse_path(path), f"{name} with {subject}: Serverless Inference does not support it"
        )
        for path, name in refused
    ]
    return found
