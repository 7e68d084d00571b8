"""Logical IDs: one place that spells them, so renames are deliberate.

Logical IDs are public API. CloudFormation replaces a resource whose logical ID changes, so a
renamed ID deletes a live endpoint or VPC. Core builders name their resources from the
constants here; each pattern keeps its own table of the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9]*$")

# Names used by the core VPC builder; ``{n}`` is the 1-based subnet number.
VPC = "Vpc"
VPC_SUBNET = "VpcIsolatedSubnet{n}"
VPC_ROUTE_TABLE = "VpcIsolatedSubnet{n}RouteTable"
VPC_ROUTE_TABLE_ASSOCIATION = "VpcIsolatedSubnet{n}RouteTableAssociation"
VPC_FLOW_LOG = "VpcFlowLog"
VPC_FLOW_LOG_GROUP = "VpcFlowLogGroup"
VPC_FLOW_LOG_ROLE = "VpcFlowLogRole"
# Names used by the core autoscaling builder: the endpoint's logical ID, then the variant's name
# in PascalCase, so adding a variant never renames another variant's target.
SCALABLE_TARGET = "{endpoint}{variant}ScalableTarget"
SCALING_POLICY = "{endpoint}{variant}ScalingPolicy"
# An async variant that may scale to zero: the step policy and alarm that start its first instance.
WAKE_FROM_ZERO_POLICY = "{endpoint}{variant}WakeFromZeroPolicy"
WAKE_FROM_ZERO_ALARM = "{endpoint}{variant}BacklogWithoutCapacityAlarm"


def is_valid_prefix(prefix: str) -> bool:
    """Tell whether ``prefix`` can start a CloudFormation logical ID (alphanumerics only)."""
    return bool(_PREFIX_PATTERN.match(prefix))


@dataclass(frozen=True)
class LogicalIds:
    """Turns a base name into the logical ID of one pattern instance.

    Attributes:
        prefix: Prepended to every base name, so two instances fit one template. Default "".
    """

    prefix: str = ""

    def __call__(self, name: str, **fields: int) -> str:
        """Return the logical ID for ``name``, formatting ``{n}``-style fields first."""
        return self.prefix + (name.format(**fields) if fields else name)
