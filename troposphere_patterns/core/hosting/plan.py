"""The endpoint config and model, merged with their defaults once, and what follows from them.

Rules and builders read an :class:`EndpointPlan` instead of merging and walking the caller's
mappings again: the variants (production and shadow) with their paths, names, instance types,
counts and serverless configs; the model's containers; whether the endpoint is asynchronous or
serverless; and whether the pattern's key may go on the config. There is one walker for each:
:func:`_variants` for variants and their instance types here, :func:`model_data.containers`
for containers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from troposphere import And, AWSHelperFn, Equals

from troposphere_patterns.core import formats
from troposphere_patterns.core.hosting import instance_types, model_data
from troposphere_patterns.core.hosting.model_data import Container
from troposphere_patterns.core.overrides import merge, plain
from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.options.inference_components import InferenceComponent
    from troposphere_patterns.core.hosting.options.serverless import Serverless

DEFAULT_INSTANCE_TYPE = "ml.m5.large"
DEFAULT_VARIANT_NAME = "AllTraffic"
# The EndpointConfig lists that hold variants; a serverless or instance variant in either.
PRODUCTION, SHADOW = "ProductionVariants", "ShadowProductionVariants"
VARIANT_LISTS = (PRODUCTION, SHADOW)
# Where the caller's props are reported.
CONFIG_WHERE, MODEL_WHERE = "endpoint_config_props", "model_props"
COMPONENTS_WHERE = "inference_components"
# Fn::And takes 2-10 conditions.
MAX_CONDITIONS = 10
# An endpoint of inference components routes each request to the copy with the fewest requests
# in flight: LLM requests differ in length by orders of magnitude, so random routing queues
# short ones behind long ones.
DEFAULT_ROUTING = {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}


def default_variant(instance_type: Any = DEFAULT_INSTANCE_TYPE) -> dict[str, Any]:
    """The one production variant an endpoint config gets unless the caller lists its own."""
    return {
        "VariantName": DEFAULT_VARIANT_NAME,
        "InitialInstanceCount": 1,
        "InitialVariantWeight": 1.0,
        "InstanceType": instance_type,
    }


@record
class InstanceType:
    """One instance type a variant runs on.

    Attributes:
        path: Where it is, e.g. ``endpoint_config_props.ProductionVariants[0].InstanceType``.
        value: As given: a literal, or an intrinsic decided at deploy time.
    """

    path: str
    value: Any


@record
class Variant:
    """One production or shadow variant of the endpoint config.

    Attributes:
        path: Where it is, e.g. ``endpoint_config_props.ProductionVariants[0]``.
        name: Its ``VariantName`` as given (a literal, an intrinsic, or None).
        instance_types: Its ``InstanceType`` and each ``InstancePools`` entry's, where given.
        count: Its ``InitialInstanceCount`` as given, or None.
        serverless_config: Its ``ServerlessConfig`` as given, or None.
        list_name: ``ProductionVariants`` or ``ShadowProductionVariants``.
        index: Its place in that list.
        props: The variant's properties, as merged.
    """

    path: str
    name: Any
    instance_types: tuple[InstanceType, ...]
    count: Any
    serverless_config: Any
    list_name: str
    index: int
    props: Mapping[str, Any]

    @property
    def shadow(self) -> bool:
        """A shadow variant (``ShadowProductionVariants``): it keeps its count, gets no alarms."""
        return self.list_name == SHADOW

    @property
    def serverless(self) -> bool:
        """The variant is serverless (it has a ``ServerlessConfig``)."""
        return self.serverless_config is not None


@record
class EndpointPlan:
    """What the model and the endpoint config will be.

    Attributes:
        config: The caller's EndpointConfig properties over the defaults (one ``AllTraffic``
            variant, serverless with the :class:`Serverless` option).
        model: The caller's Model properties, as plain mappings.
        production: The production variants that are mappings (an intrinsic list gives none).
        shadow: The shadow variants that are mappings.
        variant_entries: How many entries the variant lists hold, intrinsics included.
        containers: The model's containers that are mappings, with their paths.
        asynchronous: The endpoint queues requests (``async_inference`` or the caller's own
            ``AsyncInferenceConfig``).
        serverless: A variant is serverless: the model runs with no VPC and no isolation.
        caller_key: The caller named its own ``KmsKeyId``.
        caller_variants: The caller listed its own ``ProductionVariants``.
        components: The inference components the endpoint hosts (none: a model per variant).
            With them, the production variant names no model, gets ``ManagedInstanceScaling``
            (instances follow the copies) and least-outstanding-requests routing, and the
            containers are the components' models' (and adapters' artifacts).
        instances_to_zero: With components: True when every component may reach 0 copies
            (literal minimums), False when one keeps a copy, None when a minimum is known only
            at deploy time (a Condition decides ``MinInstanceCount``).
    """

    config: Mapping[str, Any]
    model: Mapping[str, Any]
    production: tuple[Variant, ...]
    shadow: tuple[Variant, ...]
    variant_entries: int
    containers: tuple[Container, ...]
    asynchronous: bool
    serverless: bool
    caller_key: bool
    caller_variants: bool
    components: tuple[InferenceComponent, ...] = ()
    instances_to_zero: bool | None = None

    @classmethod
    def parse(
        cls,
        model_props: Mapping[str, Any] | None,
        caller_config: Mapping[str, Any] | None,
        serverless_option: Serverless | None,
        *,
        asynchronous: bool = False,
        components: Sequence[InferenceComponent] = (),
    ) -> EndpointPlan:
        """Merge the caller's config over the defaults and read it, and the model, once.

        Args:
            model_props: The caller's Model properties (None: none given).
            caller_config: The caller's EndpointConfig properties (None: the defaults).
            serverless_option: Makes the default variant serverless.
            asynchronous: The ``async_inference`` option is given.
            components: The ``inference_components`` option's components.
        """
        variant = (
            default_variant()
            if serverless_option is None
            else serverless_option.variant(DEFAULT_VARIANT_NAME)
        )
        config = merge({PRODUCTION: [variant]}, caller_config)
        model = plain(model_props or {})
        containers = model_data.containers(model, MODEL_WHERE)
        to_zero = None
        if components:
            to_zero = _instances_to_zero(components)
            config = _component_config(config, components, to_zero)
            containers = _component_containers(components)
        production, entries = _variants(config, PRODUCTION, CONFIG_WHERE)
        shadow, shadow_entries = _variants(config, SHADOW, CONFIG_WHERE)
        return cls(
            config=config,
            model=model,
            production=production,
            shadow=shadow,
            variant_entries=entries + shadow_entries,
            containers=containers,
            asynchronous=asynchronous or "AsyncInferenceConfig" in config,
            serverless=any(v.serverless for v in (*production, *shadow)),
            caller_key="KmsKeyId" in config,
            caller_variants=(caller_config or {}).get(PRODUCTION) is not None,
            components=tuple(components),
            instances_to_zero=to_zero,
        )

    @property
    def scale_to_zero_condition(self) -> Any:
        """With deploy-time minimum copies: the Condition under which the instances may go.

        None when the minimums are literals (``instances_to_zero`` says it).
        """
        if not self.components or self.instances_to_zero is not None:
            return None
        # Literal minimums are all 0 here (one above would have decided): only deploy-time ones.
        tests = [Equals(c.lowest, 0) for c in self.components if not c.adapter and c.lowest != 0]
        return tests[0] if len(tests) == 1 else And(*tests[:MAX_CONDITIONS])

    @property
    def variants(self) -> tuple[Variant, ...]:
        """Every variant, production first, then shadow."""
        return (*self.production, *self.shadow)

    @property
    def instance_types(self) -> tuple[InstanceType, ...]:
        """Every instance type the config runs on (serverless variants have none)."""
        return tuple(t for variant in self.variants for t in variant.instance_types)

    @property
    def variant_names(self) -> list[Any]:
        """The production variants' names, as given (literals or intrinsics)."""
        return [variant.name for variant in self.production]

    @property
    def key_fits(self) -> bool:
        """A ``KmsKeyId`` may go on the config: no literal type has local NVMe storage.

        Types chosen at deploy time are decided by a Condition.
        """
        return not any(
            isinstance(t.value, str) and instance_types.local_nvme(t.value)
            for t in self.instance_types
        )

    @property
    def takes_pattern_key(self) -> bool:
        """The pattern's key goes on the config (the caller named none, and it fits)."""
        return not self.caller_key and self.key_fits


def _instances_to_zero(components: Sequence[InferenceComponent]) -> bool | None:
    """Whether the endpoint's instances may all go: every (non-adapter) component may go to 0."""
    lowest = [c.lowest for c in components if not c.adapter]
    if any(isinstance(low, int) and low > 0 for low in lowest):
        return False
    if all(low == 0 for low in lowest):
        return True
    return None


def _component_config(
    config: Mapping[str, Any], components: Sequence[InferenceComponent], to_zero: bool | None
) -> dict[str, Any]:
    """The config's production variants in the component shape, under the caller's values.

    ``ManagedInstanceScaling``: on, from 0 instances when every component may reach 0 copies
    (else 1; decided by a Condition for deploy-time minimums), to at most one instance per
    copy the components may reach (each copy fits on one instance, or it could never run); the
    caller's ``MaxInstanceCount`` when several components' ceilings are deploy-time values.
    """
    result = dict(config)
    listed = result.get(PRODUCTION)
    if not isinstance(listed, list | tuple):
        return result
    scaling: dict[str, Any] = {"Status": "ENABLED"}
    if to_zero is not None:
        scaling["MinInstanceCount"] = 0 if to_zero else 1
    highest = [c.highest for c in components if not c.adapter]
    if all(isinstance(high, int) for high in highest):
        scaling["MaxInstanceCount"] = max(1, sum(highest))
    elif len(highest) == 1:  # one component, its ceiling given at deploy time
        scaling["MaxInstanceCount"] = highest[0]
    defaults = {"ManagedInstanceScaling": scaling, "RoutingConfig": DEFAULT_ROUTING}
    result[PRODUCTION] = [
        merge(defaults, variant) if isinstance(variant, Mapping) else variant for variant in listed
    ]
    return result


def _component_containers(components: Sequence[InferenceComponent]) -> tuple[Container, ...]:
    """Every component model's containers, and each adapter's artifact as a container's data."""
    found: list[Container] = []
    for index, component in enumerate(components):
        where = f"{COMPONENTS_WHERE}[{index}]"
        if isinstance(component.model_props, Mapping):
            model = plain(component.model_props)
            found += model_data.containers(model, f"{where}.model_props")
        url = component.artifact_url
        if component.adapter and url is not None:
            if isinstance(url, str) and url.endswith("/"):
                source = {"S3DataSource": {"S3Uri": url, "S3DataType": "S3Prefix"}}
                found.append(Container(f"{where}.artifact_url", {"ModelDataSource": source}))
            else:
                found.append(Container(f"{where}.artifact_url", {"ModelDataUrl": url}))
    return tuple(found)


def _variants(config: Mapping[str, Any], name: str, where: str) -> tuple[tuple[Variant, ...], int]:
    """The variants of one list that are mappings, and how many entries the list holds."""
    listed = config.get(name)
    if not isinstance(listed, list | tuple):
        return (), 0
    found = []
    for index, variant in enumerate(listed):
        if not isinstance(variant, Mapping):
            continue
        path = f"{where}.{name}[{index}]"
        types = (
            [InstanceType(f"{path}.InstanceType", variant["InstanceType"])]
            if "InstanceType" in variant
            else []
        )
        pools = variant.get("InstancePools")
        for number, pool in enumerate(pools if isinstance(pools, list | tuple) else []):
            if isinstance(pool, Mapping) and "InstanceType" in pool:
                types.append(
                    InstanceType(
                        f"{path}.InstancePools[{number}].InstanceType", pool["InstanceType"]
                    )
                )
        found.append(
            Variant(
                path=path,
                name=variant.get("VariantName"),
                instance_types=tuple(types),
                count=variant.get("InitialInstanceCount"),
                serverless_config=variant.get("ServerlessConfig"),
                list_name=name,
                index=index,
                props=variant,
            )
        )
    return tuple(found), len(listed)


def named_variants(variants: Sequence[Variant], named_by: str) -> list[Problem]:
    """Variants that resources are named after: each name a literal, no two alike as IDs.

    Alarms and scaling targets carry a variant's name in their logical IDs (``MyVariant`` for
    ``my-variant``), so the name must be known now, and two names must not give the same part.
    A name outside SageMaker's pattern is left to the EndpointConfig's own rule.

    Args:
        variants: The variants named after.
        named_by: What is named after them, for the message (``"alarms and autoscaling"``).
    """
    found: list[Problem] = []
    seen: dict[str, str] = {}
    for variant in variants:
        where, name = f"{variant.path}.VariantName", variant.name
        if not isinstance(name, str):
            shown = json.dumps(name.to_dict()) if isinstance(name, AWSHelperFn) else repr(name)
            found.append(
                Problem(
                    where,
                    f"{shown} must be a literal variant name: {named_by} name their "
                    "resources and logical IDs after it",
                )
            )
        elif formats.VARIANT_NAME.match(name):
            key = formats.variant_id(name)
            if key in seen:
                found.append(
                    Problem(
                        where,
                        f"{name!r} and {seen[key]!r} give the same logical IDs ({key}); rename one",
                    )
                )
            seen.setdefault(key, name)
    return found
