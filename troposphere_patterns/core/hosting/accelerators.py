"""How many accelerator devices each SageMaker hosting instance type has, where it is known.

An inference component reserves ``NumberOfAcceleratorDevicesRequired`` devices per copy; asking
for more than its instance type has leaves the component unplaced ("There is not enough
hardware resources on the instances for this endpoint to create a copy of the inference
component"). Kept by hand, apart from the generated ``instance_type_table.py``, and limited to
NVIDIA GPU types, whose devices are whole GPUs (for Inferentia and Trainium the unit SageMaker
counts is not documented, so those types are not checked).

Sources: the Amazon EC2 accelerated computing specifications
(https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html), the same hardware as the
``ml.`` types; cross-checked for g5 against a public table of NVIDIA GPUs on AWS
(gist shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e) and for g6e against torchx's
named resources (meta-pytorch/torchx PR 969). Types missing here are not checked.
"""

from __future__ import annotations

from typing import Any

# GPUs per instance, by family, then size.
_GPUS_BY_FAMILY: dict[str, dict[str, int]] = {
    "p2": {"xlarge": 1, "8xlarge": 8, "16xlarge": 16},
    "p3": {"2xlarge": 1, "8xlarge": 4, "16xlarge": 8},
    "g4dn": {"xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "12xlarge": 4, "16xlarge": 1},
    **{
        family: {
            "xlarge": 1,
            "2xlarge": 1,
            "4xlarge": 1,
            "8xlarge": 1,
            "16xlarge": 1,
            "12xlarge": 4,
            "24xlarge": 4,
            "48xlarge": 8,
        }
        for family in ("g5", "g6", "g6e")
    },
    "p4d": {"24xlarge": 8},
    "p4de": {"24xlarge": 8},
    "p5": {"4xlarge": 1, "48xlarge": 8},
    "p5e": {"48xlarge": 8},
    "p5en": {"48xlarge": 8},
}
ACCELERATOR_DEVICES: dict[str, int] = {
    f"ml.{family}.{size}": count
    for family, sizes in _GPUS_BY_FAMILY.items()
    for size, count in sizes.items()
}


def devices(instance_type: Any) -> int | None:
    """The accelerator devices of a literal instance type, or None when not known here."""
    return ACCELERATOR_DEVICES.get(instance_type) if isinstance(instance_type, str) else None
