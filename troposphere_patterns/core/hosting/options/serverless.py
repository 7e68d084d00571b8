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
from dataclasses import dataclass, fields
from typing import Any

from troposphere import AWSHelperFn, Parameter

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
VARIANT_LISTS = ("ProductionVariants", "ShadowProductionVariants")
# ProductionVariant keys that only instance-backed variants take.
INSTANCE_KEYS = (
    "InstanceType",
    "InitialInstanceCount",
    "InstancePools",
    "VolumeSizeInGB",
    "ManagedInstanceScaling",
    "CapacityReservationConfig",
)


def _deploy_time(value: Any) -> bool:
    return isinstance(value, AWSHelperFn | Parameter)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
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

    memory_size_in_mb: Any = DEFAULT_MEMORY_SIZE_MB
    max_concurrency: Any = DEFAULT_MAX_CONCURRENCY
    provisioned_concurrency: Any = None

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

    def problems(self, where: str = "serverless", *, config_keys: bool = False) -> list[str]:
        """What is wrong with the values, each naming its field.

        Args:
            where: The option's path in the caller's props.
            config_keys: Name ``ServerlessConfig`` keys (``MaxConcurrency``) instead of the
                option's fields, for an option read from a config by :meth:`of_config`.
        """

        def path(name: str) -> str:
            return f"{where}.{CONFIG_KEYS[name] if config_keys else name}"

        found: list[str] = []
        memory, most, warm = (
            self.memory_size_in_mb,
            self.max_concurrency,
            self.provisioned_concurrency,
        )
        for name, value in (("memory_size_in_mb", memory), ("max_concurrency", most)):
            if value is None:
                found.append(f"{path(name)}: required")
        if memory is not None and not _deploy_time(memory) and memory not in MEMORY_SIZES_MB:
            sizes = ", ".join(str(size) for size in MEMORY_SIZES_MB)
            found.append(f"{path('memory_size_in_mb')}: {memory!r} must be one of {sizes} (MB)")
        low, high = CONCURRENCY
        for name, value in (("max_concurrency", most), ("provisioned_concurrency", warm)):
            if value is None or _deploy_time(value):
                continue
            if not _integer(value) or not low <= value <= high:
                found.append(f"{path(name)}: {value!r} must be an integer from {low} to {high}")
        if _integer(warm) and _integer(most) and low <= most < warm <= high:
            found.append(
                f"{path('provisioned_concurrency')}: {warm} is more than "
                f"{path('max_concurrency')} ({most}); a warm copy beyond the maximum never serves"
            )
        return found


def serverless_variants(config: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Every variant of a config with a ``ServerlessConfig``, with its path under the config."""
    found = []
    for name in VARIANT_LISTS:
        variants = config.get(name)
        for index, variant in enumerate(variants if isinstance(variants, list | tuple) else []):
            if isinstance(variant, Mapping) and variant.get("ServerlessConfig") is not None:
                found.append((f"{name}[{index}]", variant))
    return found


def used(config: Mapping[str, Any]) -> bool:
    """Whether a (merged) EndpointConfig has a serverless variant."""
    return bool(serverless_variants(config))


@dataclass(frozen=True)
class HostingProps:
    """The mappings an endpoint is built from, and their paths for messages.

    Attributes:
        config: The EndpointConfig properties, merged over the defaults.
        model: The Model properties.
        endpoint: The Endpoint properties.
        caller_config: The caller's own EndpointConfig properties (None when not given).
        where: Paths of (model, config, endpoint) in the caller's props.
    """

    config: Mapping[str, Any]
    model: Mapping[str, Any]
    endpoint: Mapping[str, Any]
    caller_config: Mapping[str, Any] | None = None
    where: tuple[str, str, str] = ("model_props", "endpoint_config_props", "endpoint_props")


def problems(
    option: Serverless | None, hosting: HostingProps, where: str = "serverless"
) -> list[str]:
    """Every serverless rule broken by the option or by a ``ServerlessConfig`` in the config.

    Args:
        option: The caller's :class:`Serverless`, or None.
        hosting: What the endpoint is built from (with the option's variant already applied).
        where: The option's path in the caller's props.
    """
    model_where, config_where, endpoint_where = hosting.where
    found = option.problems(where) if option is not None else []
    caller_variants = (hosting.caller_config or {}).get("ProductionVariants")
    if option is not None and caller_variants is not None:
        found.append(
            f"{where} with {config_where}.ProductionVariants: {where} writes the endpoint's "
            f"one variant; drop ProductionVariants, or give your variant a ServerlessConfig "
            f"instead of {where}"
        )
        return found
    variants = serverless_variants(hosting.config)
    if not variants:
        return found
    for path, variant in variants:
        variant_where = f"{config_where}.{path}"
        given = variant["ServerlessConfig"]
        if option is None and isinstance(given, Mapping):
            found += Serverless.of_config(given).problems(
                f"{variant_where}.ServerlessConfig", config_keys=True
            )
        for key in INSTANCE_KEYS:
            if key in variant:
                found.append(
                    f"{variant_where}.{key} beside ServerlessConfig: a Serverless Inference "
                    "variant has no instances; drop one or the other"
                )
    count = sum(len(hosting.config.get(name) or []) for name in VARIANT_LISTS)
    if count > 1:
        found.append(
            f"{config_where}: a Serverless Inference endpoint has exactly one variant "
            f"({count} given, shadow variants included)"
        )
    subject = (
        where if option is not None else f"the ServerlessConfig of {config_where}.{variants[0][0]}"
    )
    refused = {
        f"{config_where}.DataCaptureConfig": hosting.config.get("DataCaptureConfig") is not None,
        f"{config_where}.VpcConfig": hosting.config.get("VpcConfig") is not None,
        f"{config_where}.EnableNetworkIsolation": hosting.config.get("EnableNetworkIsolation")
        is True,
        f"{model_where}.EnableNetworkIsolation": hosting.model.get("EnableNetworkIsolation")
        is True,
        f"{model_where}.VpcConfig": hosting.model.get("VpcConfig") is not None,
        f"{endpoint_where}.DeploymentConfig.RollingUpdatePolicy": isinstance(
            hosting.endpoint.get("DeploymentConfig"), Mapping
        )
        and hosting.endpoint["DeploymentConfig"].get("RollingUpdatePolicy") is not None,
    }
    containers = hosting.model.get("Containers")
    if isinstance(containers, list | tuple) and len(containers) > 1:
        refused[f"{model_where}.Containers (an inference pipeline)"] = True
    for path, container in _containers(hosting.model, model_where):
        image_config = container.get("ImageConfig")
        if isinstance(image_config, Mapping) and image_config.get("RepositoryAccessMode") == "Vpc":
            refused[f"{path}.ImageConfig.RepositoryAccessMode 'Vpc' (a private registry)"] = True
        if container.get("Mode") == "MultiModel":
            refused[f"{path}.Mode 'MultiModel'"] = True
    found += [
        f"{name} with {subject}: Serverless Inference does not support it"
        for name, present in refused.items()
        if present
    ]
    return found


def _containers(model: Mapping[str, Any], where: str) -> list[tuple[str, Mapping[str, Any]]]:
    primary = model.get("PrimaryContainer")
    if isinstance(primary, Mapping):
        return [(f"{where}.PrimaryContainer", primary)]
    containers = model.get("Containers")
    return [
        (f"{where}.Containers[{index}]", container)
        for index, container in enumerate(
            containers if isinstance(containers, list | tuple) else []
        )
        if isinstance(container, Mapping)
    ]
