"""Variant fields for GPU fleets: instance pools, capacity reservations, routing, the host AMI.

CloudFormation passes these through to CreateEndpointConfig, which refuses a wrong one only
after minutes, or accepts it and leaves the endpoint in ``Creating``:

- ``InstancePools`` replaces a variant's ``InstanceType`` with 1-5 types tried in priority
  order (1-5, each once) when capacity is short, at create and at scale-out (SageMaker
  developer guide, realtime-endpoints-heterogeneous). Each pool type is a hosting type, and
  the KMS and volume rules hold for each (:mod:`plan` lists every pool type beside the
  variant's own). ``VariantInstanceProvisionTimeoutInSeconds`` (300-3600) bounds the search.
- ``CapacityReservationConfig`` runs a variant on an ML capacity reservation or training plan:
  one instance type (the plan's), no pools; when the plan ends the endpoint stops serving.
- ``RoutingConfig``: ``PREFIX_AWARE`` takes ``PrefixAwareRoutingConfig`` with both numbers
  (the CloudFormation schema leaves them optional, the strategy does not work without them).
- ``MetricsConfig.MetricPublishFrequencyInSeconds``: one of the values the schema lists.
- ``InferenceAmiVersion`` picks the host's NVIDIA driver and CUDA version. A CUDA 13 image on
  an older AMI, or a CUDA 12 image on the CUDA 13 AMI, leaves the endpoint in ``Creating``
  with no log group (aws/deep-learning-containers PR 6187). The image's tag names its CUDA
  version (``cu124``, ``cu130``): a literal AMI is checked against it, and with no AMI and
  CUDA 13 or later the pattern picks the AMI (SageMaker's Python SDK does the same) and says
  so in the EndpointConfig's ``Metadata``. Tags naming no CUDA version, and images or AMIs
  given as intrinsics, pass unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from troposphere import AWSHelperFn

from troposphere_patterns.core import formats
from troposphere_patterns.core.hosting import instance_types
from troposphere_patterns.core.hosting.instance_type_table import INFERENCE_AMIS
from troposphere_patterns.core.options import integer, number_problem, present
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.model_data import Container
    from troposphere_patterns.core.hosting.plan import EndpointPlan, Variant

POOLS = (1, 5)
PRIORITY = (1, 5)
PROVISION_TIMEOUT_SECONDS = (300, 3600)
# The CloudFormation schema's RoutingStrategy enum (the API also has KV_AWARE, which
# CloudFormation does not take).
ROUTING_STRATEGIES = ("LEAST_OUTSTANDING_REQUESTS", "RANDOM", "PREFIX_AWARE")
PREFIX_AWARE = "PREFIX_AWARE"
PREFIX_LENGTH = (1024, 65536)
CONCURRENCY_THRESHOLD = (1, 1024)
METRIC_PUBLISH_SECONDS = (10, 30, 60, 120, 180, 240, 300)
RESERVATION_PREFERENCE = "capacity-reservations-only"
MAX_RESERVATION_ARN = 258
# A DLC tag names its CUDA version as a word: 2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker.
_CUDA_TAG = r"(?:^|[-_.])cu(?P<major>\d{1,2})(?P<minor>\d)(?=$|[-_.])"  # compiled when used
# The first CUDA major version that needs its own AMI (driver 580, CUDA-compat mounting off).
CUDA_OWN_AMI = 13
METADATA_KEY = "troposphere-patterns"


def variant_problems(variant: Variant) -> list[Problem]:
    """The pools, provisioning timeout, capacity reservation and routing of one variant."""
    found = _pool_problems(variant)
    props, path = variant.props, variant.path
    timeout = props.get("VariantInstanceProvisionTimeoutInSeconds")
    if timeout is not None and not isinstance(timeout, AWSHelperFn):
        at = f"{path}.VariantInstanceProvisionTimeoutInSeconds"
        found += present(number_problem(timeout, at, *PROVISION_TIMEOUT_SECONDS))
    found += _reservation_problems(variant)
    found += _routing_problems(props.get("RoutingConfig"), f"{path}.RoutingConfig")
    ami = props.get("InferenceAmiVersion")
    if isinstance(ami, str) and ami not in INFERENCE_AMIS:
        found.append(
            Problem(
                f"{path}.InferenceAmiVersion",
                f"{ami!r} is not an InferenceAmiVersion SageMaker knows "
                f"({', '.join(INFERENCE_AMIS)})",
            )
        )
    return found


def _pool_problems(variant: Variant) -> list[Problem]:
    props, path = variant.props, variant.path
    if "InstancePools" not in props:
        return []
    pools, where = props["InstancePools"], f"{path}.InstancePools"
    found: list[Problem] = []
    # Beside a ServerlessConfig: the serverless rules refuse it.
    if "InstanceType" in props:
        found.append(
            Problem.line(
                parse_path(where),
                f"{where} and {path}.InstanceType: give one or the other (the pools replace "
                "the variant's instance type)",
            )
        )
    if not isinstance(pools, list | tuple):
        return [
            *found,
            Problem(
                where,
                f"must be a list, not {type(pools).__name__}: the KMS and volume rules read "
                "each pool's instance type (put intrinsics inside)",
            ),
        ]
    low, high = POOLS
    if not low <= len(pools) <= high:
        found.append(Problem(where, f"{len(pools)} pools: give {low} to {high}"))
    seen: dict[int, int] = {}
    for number, pool in enumerate(pools):
        at = f"{where}[{number}]"
        if not isinstance(pool, Mapping):
            found.append(Problem(at, f"must be a mapping, not {type(pool).__name__}"))
            continue
        if "InstanceType" not in pool:
            found.append(Problem(f"{at}.InstanceType", "required"))
        priority = pool.get("Priority")
        if priority is None:
            found.append(Problem(f"{at}.Priority", f"required ({PRIORITY[0]}-{PRIORITY[1]})"))
        elif not isinstance(priority, AWSHelperFn):
            problem = number_problem(priority, f"{at}.Priority", *PRIORITY)
            if problem is not None:
                found.append(problem)
            elif priority in seen:
                found.append(
                    Problem(
                        f"{at}.Priority",
                        f"{priority} is also {where}[{seen[priority]}]'s: each pool needs "
                        "its own priority",
                    )
                )
            else:
                seen[priority] = number
    return found


def _reservation_problems(variant: Variant) -> list[Problem]:
    props, path = variant.props, variant.path
    config = props.get("CapacityReservationConfig")
    if config is None:
        return []
    where = f"{path}.CapacityReservationConfig"
    if not isinstance(config, Mapping):
        return []  # troposphere's type check names it
    found: list[Problem] = []
    preference = config.get("CapacityReservationPreference")
    if isinstance(preference, str) and preference != RESERVATION_PREFERENCE:
        found.append(
            Problem(
                f"{where}.CapacityReservationPreference",
                f"{preference!r} is not {RESERVATION_PREFERENCE!r}, the one preference SageMaker "
                "takes",
            )
        )
    arn = config.get("MlReservationArn")
    if isinstance(arn, str):
        problem = formats.ML_RESERVATION_ARN.problem(arn, f"{where}.MlReservationArn")
        if problem is None and len(arn) > MAX_RESERVATION_ARN:
            problem = Problem(
                f"{where}.MlReservationArn", f"{len(arn)} characters: at most {MAX_RESERVATION_ARN}"
            )
        found += present(problem)
    # Beside a ServerlessConfig: the serverless rules refuse it.
    if "InstancePools" in props:
        found.append(
            Problem.line(
                parse_path(where),
                f"{where} with {path}.InstancePools: a reservation holds one instance type; "
                "give one or the other",
            )
        )
    if not {"InstanceType", "ServerlessConfig", "InstancePools"} & props.keys():
        found.append(
            Problem.line(
                parse_path(where),
                f"{where} needs {path}.InstanceType: the reservation's one instance type",
            )
        )
    return found


def _routing_problems(routing: Any, where: str) -> list[Problem]:
    if not isinstance(routing, Mapping):
        return []  # absent, or troposphere's type check names it
    found: list[Problem] = []
    strategy = routing.get("RoutingStrategy")
    if isinstance(strategy, str) and strategy not in ROUTING_STRATEGIES:
        found.append(
            Problem(
                f"{where}.RoutingStrategy",
                f"{strategy!r} is not one of {', '.join(ROUTING_STRATEGIES)}",
            )
        )
    prefix = routing.get("PrefixAwareRoutingConfig")
    if strategy == PREFIX_AWARE:
        if not isinstance(prefix, Mapping):
            if not isinstance(prefix, AWSHelperFn):
                found.append(
                    Problem(
                        f"{where}.PrefixAwareRoutingConfig",
                        "required with PREFIX_AWARE: give PrefixLength "
                        f"({PREFIX_LENGTH[0]}-{PREFIX_LENGTH[1]}) and ConcurrencyThreshold "
                        f"({CONCURRENCY_THRESHOLD[0]}-{CONCURRENCY_THRESHOLD[1]})",
                    )
                )
            return found
        for name, (low, high) in (
            ("PrefixLength", PREFIX_LENGTH),
            ("ConcurrencyThreshold", CONCURRENCY_THRESHOLD),
        ):
            value, at = prefix.get(name), f"{where}.PrefixAwareRoutingConfig.{name}"
            if value is None:
                found.append(Problem(at, f"required with PREFIX_AWARE ({low}-{high})"))
            elif not isinstance(value, AWSHelperFn):
                found += present(number_problem(value, at, low, high))
    elif prefix is not None and isinstance(strategy, str):
        found.append(
            Problem.line(
                parse_path(f"{where}.PrefixAwareRoutingConfig"),
                f"{where}.PrefixAwareRoutingConfig with RoutingStrategy {strategy!r}: it applies "
                "only to PREFIX_AWARE",
            )
        )
    return found


def config_problems(config: Mapping[str, Any], where: str) -> list[Problem]:
    """The endpoint config's ``MetricsConfig``."""
    metrics = config.get("MetricsConfig")
    if not isinstance(metrics, Mapping):
        return []
    seconds = metrics.get("MetricPublishFrequencyInSeconds")
    if seconds is None or isinstance(seconds, AWSHelperFn):
        return []
    if integer(seconds) and seconds in METRIC_PUBLISH_SECONDS:
        return []
    allowed = ", ".join(str(s) for s in METRIC_PUBLISH_SECONDS)
    return [
        Problem(
            f"{where}.MetricsConfig.MetricPublishFrequencyInSeconds",
            f"{seconds!r} is not one of {allowed}",
        )
    ]


@record
class CudaImage:
    """A container image whose tag names its CUDA version.

    Attributes:
        path: Where the image is, e.g. ``model_props.PrimaryContainer.Image``.
        tag: The tag's CUDA word, e.g. ``cu130``.
        version: ``(major, minor)``, e.g. ``(13, 0)``.
    """

    path: str
    tag: str
    version: tuple[int, int]

    @property
    def shown(self) -> str:
        """``cu130 (CUDA 13.0) in model_props.PrimaryContainer.Image``."""
        return f"{self.tag} (CUDA {self.version[0]}.{self.version[1]}) in {self.path}"


def cuda_version(image: Any) -> tuple[str, tuple[int, int]] | None:
    """The CUDA word of a literal image URI's tag and its version, or None.

    ``...:2.6.0-gpu-py312-cu124-ubuntu22.04`` -> ``("cu124", (12, 4))``. Digests, tags that
    name no CUDA version and intrinsics give None.
    """
    if not isinstance(image, str) or "@" in image:
        return None
    _, _, rest = image.rpartition("/")
    _, colon, tag = rest.partition(":")
    match = re.search(_CUDA_TAG, tag) if colon else None
    if match is None:
        return None
    word = match.group(0).lstrip("-_.")
    return word, (int(match["major"]), int(match["minor"]))


def cuda_images(containers: Sequence[Container]) -> list[CudaImage]:
    """The model's images whose tags name a CUDA version."""
    found = []
    for container in containers:
        parsed = cuda_version(container.props.get("Image"))
        if parsed is not None:
            found.append(CudaImage(f"{container.path}.Image", *parsed))
    return found


def _ami_for(major: int) -> str | None:
    """The AMI carrying the newest CUDA of this major version, if any."""
    fitting = [(cuda, ami) for ami, cuda in INFERENCE_AMIS.items() if cuda and cuda[0] == major]
    return max(fitting)[1] if fitting else None


def _own_model_variants(plan: EndpointPlan) -> list[Variant]:
    """Instance variants that run only the plan's model (no ``ModelName``, no pool's override).

    Another model's image is not in the plan: its AMI is the caller's to match.
    """
    return [
        v
        for v in plan.variants
        if not v.serverless and "ModelName" not in v.props and not _overridden(v.props)
    ]


def _overridden(props: Mapping[str, Any]) -> bool:
    pools = props.get("InstancePools")
    listed = pools if isinstance(pools, list | tuple) else []
    return any(isinstance(p, Mapping) and "ModelNameOverride" in p for p in listed)


def _gpu(variant: Variant) -> bool:
    """Every instance type of the variant is a literal NVIDIA GPU type."""
    types = [t.value for t in variant.instance_types]
    return bool(types) and all(isinstance(t, str) and _nvidia(t) for t in types)


def driver_problems(plan: EndpointPlan) -> list[Problem]:
    """Each literal ``InferenceAmiVersion`` against the CUDA version the images' tags name."""
    images = cuda_images(plan.containers)
    if not images:
        return []
    newer = [i for i in images if i.version[0] >= CUDA_OWN_AMI]
    older = [i for i in images if i.version[0] < CUDA_OWN_AMI]
    if newer and older:
        return [
            Problem.line(
                parse_path(newer[0].path),
                f"{newer[0].shown} and {older[0].shown}: one host driver cannot run both; "
                "build the containers on one CUDA major version",
            )
        ]
    found: list[Problem] = []
    for variant in _own_model_variants(plan):
        ami, where = variant.props.get("InferenceAmiVersion"), f"{variant.path}.InferenceAmiVersion"
        if ami is None:
            if newer and _gpu(variant) and _ami_for(newer[0].version[0]) is None:
                found.append(
                    Problem.line(
                        parse_path(where),
                        f"{newer[0].shown}: no InferenceAmiVersion SageMaker knows carries CUDA "
                        f"{newer[0].version[0]} ({', '.join(INFERENCE_AMIS)})",
                    )
                )
            continue
        if not isinstance(ami, str) or ami not in INFERENCE_AMIS:
            continue  # deploy time, or refused as unknown by variant_problems
        cuda = INFERENCE_AMIS[ami]
        image = (newer or older)[0]
        if cuda is None:
            why = "a Neuron AMI has no CUDA driver"
        elif newer and cuda[0] < image.version[0]:
            why = f"its driver carries CUDA {cuda[0]}.{cuda[1]}, older than the image's"
        elif older and cuda[0] >= CUDA_OWN_AMI:
            why = (
                f"a CUDA {cuda[0]} AMI does not run CUDA {image.version[0]} images (the "
                "endpoint stays in Creating with no log group)"
            )
        else:
            continue
        fits = _ami_for(image.version[0])
        hint = f"; use {fits!r}" if fits else ""
        found.append(
            Problem.line(parse_path(where), f"{where} {ami!r} with {image.shown}: {why}{hint}")
        )
    return found


# A variant by its list (ProductionVariants or ShadowProductionVariants) and its index there.
VariantKey = tuple[str, int]


def chosen_amis(plan: EndpointPlan) -> dict[VariantKey, tuple[str, CudaImage]]:
    """The AMI the pattern sets on each variant that needs one and names none.

    Only GPU variants (every literal instance type an NVIDIA GPU type) whose images' tags name
    CUDA 13 or later, and only when one AMI fits.

    Returns:
        ``{(list name, index): (AMI, the image that asked for it)}``.
    """
    images = cuda_images(plan.containers)
    newer = [i for i in images if i.version[0] >= CUDA_OWN_AMI]
    if not newer or len(newer) != len(images):
        return {}
    ami = _ami_for(newer[0].version[0])
    if ami is None or any(i.version[0] != newer[0].version[0] for i in newer):
        return {}
    return {
        (v.list_name, v.index): (ami, newer[0])
        for v in _own_model_variants(plan)
        if "InferenceAmiVersion" not in v.props and _gpu(v)
    }


def _label(variant: Variant) -> str:
    """A variant's name, or its path when the name is decided at deploy time."""
    return variant.name if isinstance(variant.name, str) else variant.path


def _nvidia(instance_type: str) -> bool:
    found = instance_types.family(instance_type)
    return found is not None and found.accelerator == "nvidia-gpu"


def ami_metadata(
    chosen: Mapping[VariantKey, tuple[str, CudaImage]], plan: EndpointPlan
) -> dict[str, Any]:
    """The EndpointConfig's ``Metadata`` saying which AMI the pattern chose, and why."""
    by_key = {(v.list_name, v.index): v for v in plan.variants}
    return {
        METADATA_KEY: {
            "InferenceAmiVersion": {
                _label(by_key[key]): {
                    "Chosen": ami,
                    "Because": f"the image tag {image.shown} needs a CUDA "
                    f"{image.version[0]} host driver",
                }
                for key, (ami, image) in chosen.items()
            }
        }
    }
