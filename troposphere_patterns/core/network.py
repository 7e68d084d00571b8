"""Private networking: an isolated VPC with a flow log, VPC endpoints and security groups."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar

from awacs.aws import PolicyDocument, Statement
from troposphere import (
    AWSHelperFn,
    BaseAWSObject,
    Cidr,
    GetAtt,
    GetAZs,
    Parameter,
    Ref,
    Select,
    Sub,
)

from troposphere_patterns.core import actions, iam_policies, ids
from troposphere_patterns.core.deletion import DEFAULT_DELETION_POLICY
from troposphere_patterns.core.log_group import log_group
from troposphere_patterns.core.outputs import OutputRow
from troposphere_patterns.core.overrides import build, merge, plain
from troposphere_patterns.core.overrides import problems as property_problems
from troposphere_patterns.core.values import IdList, Value
from troposphere_patterns.errors import Problem
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere import ec2

DEFAULT_CIDR = "10.0.0.0/16"
DEFAULT_AZ_COUNT = 2
# Subnet size when the VPC CIDR is only known at deploy time: /24 per subnet.
DEFAULT_SUBNET_HOST_BITS = 8
# The one pattern-level key vpc_props may carry besides AWS::EC2::VPC properties.
AZ_COUNT_KEY = "MaxAzs"
# A VPC whose CIDR an IPAM pool allocates has no CidrBlock; its subnets are cut at deploy time.
IPAM_POOL_KEY = "Ipv4IpamPoolId"
IPAM_NETMASK_KEY = "Ipv4NetmaskLength"
MAX_AZ_COUNT = 6

HTTPS = 443
# A rule that matches nothing: declares egress so CloudFormation adds no allow-all default.
NO_TRAFFIC_EGRESS: Mapping[str, Any] = {
    "CidrIp": "255.255.255.255/32",
    "IpProtocol": "icmp",
    "FromPort": 252,
    "ToPort": 86,
    "Description": "Disallow all traffic",
}


@record
class ExistingVpc:
    """An already-deployed VPC, by IDs (literals, Parameters, ``Ref`` or other intrinsics).

    Attributes:
        vpc_id: The VPC's ID.
        subnet_ids: Private or isolated subnet IDs for the client, the model and the
            SageMaker Runtime endpoint: a list, or an intrinsic such as the ``Ref`` of a
            ``List<AWS::EC2::Subnet::Id>`` Parameter.
        route_table_ids: Route tables of those subnets, for the S3 gateway endpoint: a list or
            an intrinsic. Required when the pattern creates VPC endpoints. Default None.
        create_vpc_endpoints: Create the SageMaker Runtime and S3 VPC endpoints. False for a
            VPC that already has them (a landing zone's central endpoints, or another instance
            of the pattern): then ``runtime_endpoint_security_group_id`` is required. Default
            True.
        runtime_endpoint_security_group_id: The security group of the VPC's existing SageMaker
            Runtime interface endpoint: the client's group may send HTTPS to it, and the
            pattern adds an ingress rule to it from the client's group. Only with
            ``create_vpc_endpoints=False``. Default None.
    """

    vpc_id: Value
    subnet_ids: IdList
    route_table_ids: IdList | None = None
    create_vpc_endpoints: bool = True
    runtime_endpoint_security_group_id: Value | None = None

    def problems(self) -> list[Problem]:
        """Each field's type, then the rules between the fields, each message naming them."""
        found = self._type_problems()
        return found or self._choice_problems()

    def _type_problems(self) -> list[Problem]:
        ids = (str, AWSHelperFn, Parameter)
        found: list[Problem] = []
        if not isinstance(self.vpc_id, ids):
            found.append(
                Problem(
                    "existing_vpc.vpc_id", f"must be a str or an intrinsic, not {self.vpc_id!r}"
                )
            )
        for name in ("subnet_ids", "route_table_ids"):
            value = getattr(self, name)
            if name == "route_table_ids" and value is None:
                continue
            items = value if isinstance(value, list | tuple) else [value]
            if (
                not isinstance(value, list | tuple | AWSHelperFn | Parameter)
                or not value
                or not all(isinstance(item, str | AWSHelperFn | Parameter) for item in items)
            ):
                found.append(
                    Problem(
                        f"existing_vpc.{name}",
                        "must be a non-empty list of IDs or an intrinsic (e.g. Ref of a "
                        f"List<...> Parameter), not {value!r}",
                    )
                )
        if not isinstance(self.create_vpc_endpoints, bool):
            found.append(
                Problem(
                    "existing_vpc.create_vpc_endpoints",
                    f"must be a bool, not {self.create_vpc_endpoints!r}",
                )
            )
        group = self.runtime_endpoint_security_group_id
        if group is not None and not isinstance(group, ids):
            found.append(
                Problem(
                    "existing_vpc.runtime_endpoint_security_group_id",
                    f"must be a security group ID (a str) or an intrinsic, not {group!r}",
                )
            )
        return found

    def _choice_problems(self) -> list[Problem]:
        group_given = self.runtime_endpoint_security_group_id is not None
        if self.create_vpc_endpoints:
            found = []
            if self.route_table_ids is None:
                found.append(
                    Problem(
                        "existing_vpc.route_table_ids",
                        "required unless create_vpc_endpoints is False (the S3 gateway endpoint "
                        "attaches to these route tables)",
                    )
                )
            if group_given:
                found.append(
                    Problem(
                        "existing_vpc.runtime_endpoint_security_group_id",
                        "only with create_vpc_endpoints=False (the pattern creates its own "
                        "endpoint and group)",
                    )
                )
            return found
        if not group_given:
            return [
                Problem.line(
                    (
                        "existing_vpc",
                        "create_vpc_endpoints",
                        "existing_vpc",
                        "runtime_endpoint_security_group_id",
                    ),
                    "existing_vpc.create_vpc_endpoints=False needs "
                    "existing_vpc.runtime_endpoint_security_group_id: the security group of the "
                    "VPC's SageMaker Runtime endpoint, for the client to reach it",
                )
            ]
        return []


@record
class Network:
    """Where a pattern's resources attach, whichever way the VPC came.

    Attributes:
        vpc_id: The VPC's ID (a ``Ref`` for a created VPC).
        subnet_ids: Subnet IDs, a list or an intrinsic.
        route_table_ids: Route table IDs, a list or an intrinsic.
        vpc: The created ``AWS::EC2::VPC``, or None for an existing VPC.
        resources: Everything the VPC builder created, to add to a template.
    """

    vpc_id: Any
    subnet_ids: Any
    route_table_ids: Any
    vpc: ec2.VPC | None = None
    resources: tuple[BaseAWSObject, ...] = field(default=())

    @classmethod
    def existing(cls, existing: ExistingVpc) -> Network:
        """Wrap the IDs of an existing VPC."""
        return cls(
            plain(existing.vpc_id), plain(existing.subnet_ids), plain(existing.route_table_ids)
        )


@record(kw_only=True)
class VpcChoice:
    """Where a pattern's resources run: a VPC it creates, the caller's, or none.

    Attributes:
        existing_vpc: The caller's VPC. Default None.
        deploy_vpc: Create a private, isolated VPC. Default False.
        vpc_props: ``AWS::EC2::VPC`` properties (plus ``MaxAzs``) of the VPC to create.
            Default None.
    """

    # The props each resource is built from, to name them if troposphere refuses it late.
    BUILT_FROM: ClassVar[Mapping[str, tuple[str, ...]]] = {ids.VPC: ("vpc_props",)}

    existing_vpc: ExistingVpc | None = None
    deploy_vpc: bool = False
    vpc_props: Mapping[str, Any] | None = None

    @property
    def in_vpc(self) -> bool:
        """A VPC is in play, created or given."""
        return self.deploy_vpc or self.existing_vpc is not None

    def problems(self) -> list[Problem]:
        """The choice's rules, and the rules of the VPC props and the caller's VPC."""
        found: list[Problem] = []
        if self.existing_vpc is not None:
            if self.deploy_vpc:
                found.append(
                    Problem.line(
                        ("existing_vpc", "deploy_vpc"),
                        "existing_vpc and deploy_vpc=True: give one or the other",
                    )
                )
            found += self.existing_vpc.problems()
            if self.vpc_props is not None:
                found.append(
                    Problem.line(
                        ("existing_vpc", "vpc_props", "deploy_vpc"),
                        "existing_vpc and vpc_props: vpc_props only shape a VPC that deploy_vpc "
                        "creates",
                    )
                )
        elif self.vpc_props is not None and not self.deploy_vpc:
            found.append(
                Problem.line(
                    ("vpc_props", "deploy_vpc"),
                    "vpc_props without deploy_vpc=True: no VPC would be created to apply them to",
                )
            )
        if self.vpc_props is not None:
            from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

            found += vpc_props_problems(self.vpc_props, "vpc_props")
            overrides = {k: v for k, v in self.vpc_props.items() if k != AZ_COUNT_KEY}
            found += property_problems(ec2.VPC, overrides, "vpc_props")
        return found

    def network(
        self, logical_ids: ids.LogicalIds, *, kms_key_arn: Any, deletion_policy: str
    ) -> Network | None:
        """The VPC created (with its flow log, encrypted with the key) or given; None for none."""
        if self.deploy_vpc:
            return isolated_vpc(
                logical_ids,
                kms_key_arn=kms_key_arn,
                overrides=self.vpc_props,
                deletion_policy=deletion_policy,
            )
        if self.existing_vpc is not None:
            return Network.existing(self.existing_vpc)
        return None

    def private_network(
        self,
        logical_ids: ids.LogicalIds,
        group_ids: PrivateNetworkIds,
        client: Client,
        *,
        kms_key_arn: Any,
        deletion_policy: str,
        s3_egress: bool = False,
    ) -> PrivateNetwork | None:
        """The VPC and the groups that let only the client reach SageMaker Runtime; or None.

        Args:
            logical_ids: Names the VPC's resources.
            group_ids: Names the groups.
            client: What calls the endpoint, as the groups' descriptions name it.
            kms_key_arn: Key of a created VPC's flow-log group.
            deletion_policy: Of that log group.
            s3_egress: The client also reaches S3 (through the gateway endpoint).
        """
        network = self.network(
            logical_ids, kms_key_arn=kms_key_arn, deletion_policy=deletion_policy
        )
        if network is None:
            return None
        return private_network(
            network,
            group_ids,
            client,
            shared_runtime_group_id=self.shared_runtime_group_id,
            s3_egress=s3_egress,
        )

    @property
    def shared_runtime_group_id(self) -> Any:
        """The group of the VPC's own SageMaker Runtime endpoint, when the pattern makes none."""
        existing = self.existing_vpc
        if existing is not None and not existing.create_vpc_endpoints:
            return existing.runtime_endpoint_security_group_id
        return None


def vpc_outputs(vpc: ec2.VPC | ExistingVpc | None) -> tuple[OutputRow, ...]:
    """The VPC's ID, created or given, as a template exports it; nothing without a VPC."""
    if vpc is None:
        return ()
    from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

    vpc_id = Ref(vpc) if isinstance(vpc, ec2.VPC) else plain(vpc.vpc_id)
    return ((ids.OUTPUT_VPC_ID, vpc_id, "ID of the VPC"),)


def vpc_props_problems(vpc_props: Mapping[str, Any], where: str) -> list[Problem]:
    """Check the pattern-level keys of ``vpc_props`` (troposphere checks the rest)."""
    count = vpc_props.get(AZ_COUNT_KEY, DEFAULT_AZ_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_AZ_COUNT:
        return [Problem(f"{where}.{AZ_COUNT_KEY}", f"must be an integer from 1 to {MAX_AZ_COUNT}")]
    if IPAM_POOL_KEY in vpc_props:
        if "CidrBlock" in vpc_props:
            return [Problem(where, f"give CidrBlock or {IPAM_POOL_KEY}, not both")]
        netmask = vpc_props.get(IPAM_NETMASK_KEY)
        widest = 32 - DEFAULT_SUBNET_HOST_BITS - math.ceil(math.log2(count))
        if isinstance(netmask, int) and not 16 <= netmask <= widest:
            return [
                Problem(
                    f"{where}.{IPAM_NETMASK_KEY}",
                    f"/{netmask} cannot hold {count} subnets of "
                    f"/{32 - DEFAULT_SUBNET_HOST_BITS} (give 16 to {widest})",
                )
            ]
        return []
    cidr = vpc_props.get("CidrBlock", DEFAULT_CIDR)
    if isinstance(cidr, str):
        try:
            network = ipaddress.IPv4Network(cidr)
        except ValueError as error:
            return [Problem(f"{where}.CidrBlock", str(error))]
        if not 16 <= network.prefixlen <= 28 - math.ceil(math.log2(count)):
            return [
                Problem(
                    f"{where}.CidrBlock", f"{cidr} cannot hold {count} subnets of /28 or larger"
                )
            ]
    return []


def isolated_vpc(
    logical_ids: ids.LogicalIds,
    *,
    kms_key_arn: Any,
    overrides: Mapping[str, Any] | None = None,
    deletion_policy: str = DEFAULT_DELETION_POLICY,
) -> Network:
    """Build a VPC with one isolated subnet per AZ, no internet or NAT, and a flow log.

    Args:
        logical_ids: Names the resources (``Vpc``, ``VpcIsolatedSubnet1``, ...).
        kms_key_arn: Key for the flow-log group.
        deletion_policy: ``DeletionPolicy`` of the flow-log group. Default ``Retain``.
        overrides: ``AWS::EC2::VPC`` properties, plus ``MaxAzs`` (default 2). DNS support and
            hostnames are forced on: private DNS of interface endpoints needs both.
    """
    from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

    overrides = dict(overrides or {})
    az_count = overrides.pop(AZ_COUNT_KEY, DEFAULT_AZ_COUNT)
    props = merge(
        None if IPAM_POOL_KEY in overrides else {"CidrBlock": DEFAULT_CIDR},
        overrides,
        {"EnableDnsSupport": True, "EnableDnsHostnames": True},
    )
    vpc = build(ec2.VPC, props, logical_ids(ids.VPC))
    cidrs = _subnet_cidrs(vpc, props.get("CidrBlock"), az_count)
    resources: list[BaseAWSObject] = [vpc]
    subnets, route_tables = [], []
    for n in range(1, az_count + 1):
        subnet = ec2.Subnet(
            logical_ids(ids.VPC_SUBNET, n=n),
            VpcId=Ref(vpc),
            AvailabilityZone=Select(n - 1, GetAZs("")),
            CidrBlock=cidrs[n - 1],
            MapPublicIpOnLaunch=False,
        )
        table = ec2.RouteTable(logical_ids(ids.VPC_ROUTE_TABLE, n=n), VpcId=Ref(vpc))
        association = ec2.SubnetRouteTableAssociation(
            logical_ids(ids.VPC_ROUTE_TABLE_ASSOCIATION, n=n),
            SubnetId=Ref(subnet),
            RouteTableId=Ref(table),
        )
        subnets.append(Ref(subnet))
        route_tables.append(Ref(table))
        resources += [subnet, table, association]
    resources += _flow_log(logical_ids, vpc, kms_key_arn, deletion_policy)
    return Network(Ref(vpc), subnets, route_tables, vpc, tuple(resources))


def _subnet_cidrs(vpc: ec2.VPC, cidr: Any, az_count: int) -> list[Any]:
    """The subnets' CIDRs: the largest equal blocks that fit, written out when the VPC's is known.

    A literal VPC CIDR is split here, so reviewers read ``10.0.0.0/17`` in the template; one
    known only at deploy time is split by ``Fn::Cidr`` into /24 blocks.
    """
    if not isinstance(cidr, str):  # an intrinsic, or allocated by an IPAM pool
        blocks = Cidr(GetAtt(vpc, "CidrBlock"), az_count, DEFAULT_SUBNET_HOST_BITS)
        return [Select(n, blocks) for n in range(az_count)]
    extra_bits = math.ceil(math.log2(az_count)) if az_count > 1 else 0
    subnets = ipaddress.IPv4Network(cidr).subnets(prefixlen_diff=extra_bits)
    return [str(subnet) for subnet, _ in zip(subnets, range(az_count), strict=False)]


def _flow_log(
    logical_ids: ids.LogicalIds, vpc: ec2.VPC, kms_key_arn: Any, deletion_policy: str
) -> list[BaseAWSObject]:
    from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

    group = log_group(
        logical_ids(ids.VPC_FLOW_LOG_GROUP),
        kms_key_arn=kms_key_arn,
        deletion_policy=deletion_policy,
    )
    role = iam_policies.service_role(
        logical_ids(ids.VPC_FLOW_LOG_ROLE),
        "vpc-flow-logs.amazonaws.com",
        "WriteFlowLogs",
        [iam_policies.flow_log_write(GetAtt(group, "Arn"))],
    )
    flow_log = ec2.FlowLog(
        logical_ids(ids.VPC_FLOW_LOG),
        ResourceId=Ref(vpc),
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="cloud-watch-logs",
        LogGroupName=Ref(group),
        DeliverLogsPermissionArn=GetAtt(role, "Arn"),
    )
    return [group, role, flow_log]


def security_group(
    logical_id: str,
    *,
    vpc_id: Any,
    description: str,
    egress: Sequence[Mapping[str, Any]] = (),
    ingress: Sequence[Mapping[str, Any]] = (),
) -> ec2.SecurityGroup:
    """Build a security group that always declares its egress.

    Args:
        logical_id: The group's logical ID.
        vpc_id: The VPC's ID.
        description: ``GroupDescription``.
        egress: Egress rules; empty means no traffic at all (a rule that matches nothing).
        ingress: Ingress rules; empty means none.
    """
    from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

    props: dict[str, Any] = {
        "GroupDescription": description,
        "VpcId": vpc_id,
        "SecurityGroupEgress": list(egress) or [NO_TRAFFIC_EGRESS],
    }
    if ingress:
        props["SecurityGroupIngress"] = list(ingress)
    return build(ec2.SecurityGroup, props, logical_id)


def _https(description: str, **peer: Any) -> dict[str, Any]:
    """A rule for TCP 443 with one peer (a group, or an address range)."""
    return {
        "IpProtocol": "tcp",
        "FromPort": HTTPS,
        "ToPort": HTTPS,
        **peer,
        "Description": description,
    }


def https_to_group(group_id: Any, description: str) -> dict[str, Any]:
    """An egress rule: TCP 443 to a security group."""
    return _https(description, DestinationSecurityGroupId=group_id)


def https_to_s3(description: str) -> dict[str, Any]:
    """An egress rule: TCP 443 to any address, for S3 through a gateway endpoint.

    The gateway endpoint is a route, not an address a rule can name; in the pattern's isolated
    subnets it is also the only route out.
    """
    return _https(description, CidrIp="0.0.0.0/0")


def https_from_group(group_id: Any, description: str) -> dict[str, Any]:
    """An ingress rule: TCP 443 from a security group."""
    return _https(description, SourceSecurityGroupId=group_id)


def vpc_endpoint(
    logical_id: str, *, vpc_id: Any, service: str, policy: Any, **placement: Any
) -> ec2.VPCEndpoint:
    """Build a VPC endpoint for ``service`` (``s3``, ``sagemaker.runtime``).

    Args:
        logical_id: Its logical ID.
        vpc_id: The VPC.
        service: The service's short name.
        policy: The endpoint policy.
        **placement: ``RouteTableIds`` for a gateway endpoint; ``SubnetIds`` and
            ``SecurityGroupIds`` for an interface endpoint, which gets private DNS.
    """
    from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

    interface = "SubnetIds" in placement
    return ec2.VPCEndpoint(
        logical_id,
        VpcId=vpc_id,
        ServiceName=Sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
        VpcEndpointType="Interface" if interface else "Gateway",
        **({"PrivateDnsEnabled": True} if interface else {}),
        **placement,
        PolicyDocument=policy,
    )


@record
class PrivateNetworkIds:
    """Logical IDs of the groups that let only the client reach SageMaker Runtime."""

    client_group: str
    runtime_group: str
    runtime_ingress: str

    @classmethod
    def named(cls, logical_ids: ids.LogicalIds, *, client_group: str) -> PrivateNetworkIds:
        """The client's group from its base ID; the Runtime endpoint's by their usual names."""
        return cls(
            logical_ids(client_group),
            logical_ids(ids.RUNTIME_ENDPOINT_SECURITY_GROUP),
            logical_ids(ids.RUNTIME_ENDPOINT_INGRESS),
        )


@record
class Client:
    """How the groups' descriptions name what calls the endpoint.

    Attributes:
        name: Its name in full, e.g. ``"Lambda function"``.
        short: Its short name after "the", e.g. ``"function"``.
    """

    name: str
    short: str


@record
class Placement:
    """Where a VPC-attached resource (a function, a model) runs.

    Attributes:
        subnet_ids: Subnets, a list or an intrinsic.
        security_group_id: Its security group.
    """

    subnet_ids: Any
    security_group_id: Any


@record
class PrivateNetwork:
    """A VPC in play, the client's group, and the SageMaker Runtime endpoint's group.

    Attributes:
        network: The VPC (created or given).
        client_group: The client's security group.
        runtime_group_id: The Runtime endpoint's group: the pattern's own, or the group of an
            endpoint the VPC already has.
        creates_endpoints: Whether the pattern creates the VPC endpoints.
        resources: Everything to add (the VPC's resources when created, and the groups).
    """

    network: Network
    client_group: ec2.SecurityGroup
    runtime_group_id: Any
    creates_endpoints: bool
    resources: tuple[BaseAWSObject, ...]

    @property
    def client_placement(self) -> Placement:
        """Where the client runs: the network's subnets, with its own group."""
        return Placement(self.network.subnet_ids, Ref(self.client_group))


def private_network(
    network: Network,
    ids: PrivateNetworkIds,
    client: Client,
    *,
    shared_runtime_group_id: Any = None,
    s3_egress: bool = False,
) -> PrivateNetwork:
    """The groups that let only the client reach the SageMaker Runtime endpoint.

    Args:
        network: The VPC (from :func:`isolated_vpc` or :meth:`Network.existing`).
        ids: Logical IDs.
        client: What calls the endpoint, as the groups' descriptions name it.
        shared_runtime_group_id: The group of a SageMaker Runtime endpoint the VPC already has
            (a landing zone's, or another instance's); None creates the pattern's own. The
            client's group sends HTTPS to it and it gets an ingress rule from that group, so
            several instances share one VPC and its endpoints.
        s3_egress: The client also reaches S3 (through the gateway endpoint).
    """
    from troposphere import ec2  # only a VPC needs its 2,000 classes: not at import

    created: list[BaseAWSObject] = list(network.resources)
    if shared_runtime_group_id is not None:
        runtime_group_id = plain(shared_runtime_group_id)
    else:
        runtime_group = security_group(
            ids.runtime_group,
            vpc_id=network.vpc_id,
            description=f"SageMaker Runtime VPC endpoint: HTTPS from the {client.short} only",
        )
        created.append(runtime_group)
        runtime_group_id = Ref(runtime_group)
    egress = [https_to_group(runtime_group_id, "SageMaker Runtime VPC endpoint")]
    description = f"{client.name}: HTTPS to the SageMaker Runtime VPC endpoint only"
    if s3_egress:  # async payloads and results
        egress.append(https_to_s3("S3 through the gateway endpoint (async payloads)"))
        description = f"{client.name}: HTTPS to the SageMaker Runtime VPC endpoint and S3"
    client_group = security_group(
        ids.client_group, vpc_id=network.vpc_id, description=description, egress=egress
    )
    # A separate resource: inline on either group, the two groups would reference each other.
    ingress = ec2.SecurityGroupIngress(
        ids.runtime_ingress,
        GroupId=runtime_group_id,
        **https_from_group(Ref(client_group), f"From the {client.name}"),
    )
    created += [client_group, ingress]
    shared = shared_runtime_group_id is not None
    return PrivateNetwork(network, client_group, runtime_group_id, not shared, tuple(created))


def service_endpoints(
    private: PrivateNetwork,
    logical_ids: ids.LogicalIds,
    *,
    runtime_policy: PolicyDocument,
    s3_statements: Sequence[Statement],
) -> list[BaseAWSObject]:
    """The VPC endpoints the pattern creates: SageMaker Runtime, and S3 when anything needs it.

    Args:
        private: The network (call only when ``private.creates_endpoints``).
        logical_ids: Names the endpoints.
        runtime_policy: The SageMaker Runtime endpoint's policy.
        s3_statements: What may pass the S3 gateway endpoint; none means no S3 endpoint.
    """
    network = private.network
    endpoints: list[BaseAWSObject] = [
        vpc_endpoint(
            logical_ids(ids.RUNTIME_ENDPOINT),
            vpc_id=network.vpc_id,
            service="sagemaker.runtime",
            policy=runtime_policy,
            SubnetIds=network.subnet_ids,
            SecurityGroupIds=[private.runtime_group_id],
        )
    ]
    if s3_statements:
        endpoints.append(
            vpc_endpoint(
                logical_ids(ids.S3_ENDPOINT),
                vpc_id=network.vpc_id,
                service="s3",
                policy=iam_policies.for_account_principals(list(s3_statements)),
                RouteTableIds=network.route_table_ids,
            )
        )
    return endpoints


def notification_endpoint(
    private: PrivateNetwork,
    logical_ids: ids.LogicalIds,
    *,
    topic_arns: Sequence[Any],
    from_group_id: Any,
) -> list[BaseAWSObject]:
    """An SNS interface endpoint that lets the model's group publish to ``topic_arns`` only.

    SageMaker sends an async endpoint's notifications, and a test notification when the
    endpoint is created or updated; whether it sends them through the model's VPC is not
    documented, so a private network gets a path to SNS that allows nothing else. The model's
    group already sends HTTPS anywhere in the VPC (for the S3 gateway route).

    Args:
        private: The network (call only when ``private.creates_endpoints``).
        logical_ids: Names the endpoint and its group.
        topic_arns: The topics the endpoint's policy lets this account's principals publish to.
        from_group_id: The group that may reach the endpoint (the model's).
    """
    network = private.network
    group = security_group(
        logical_ids(ids.SNS_ENDPOINT_SECURITY_GROUP),
        vpc_id=network.vpc_id,
        description="SNS VPC endpoint: HTTPS from the SageMaker model only",
        ingress=[https_from_group(from_group_id, "From the SageMaker model")],
    )
    endpoint = vpc_endpoint(
        logical_ids(ids.SNS_ENDPOINT),
        vpc_id=network.vpc_id,
        service="sns",
        policy=iam_policies.account_principals_only([actions.sns.Publish], list(topic_arns)),
        SubnetIds=network.subnet_ids,
        SecurityGroupIds=[Ref(group)],
    )
    return [group, endpoint]
