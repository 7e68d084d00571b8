"""Command line: render a pattern's template to stdout or a file.

The only module that reads files (the handler source, ``--props``) or writes output; the
build functions stay pure.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml
from troposphere import Parameter, Ref, Template

from troposphere_patterns.core import sagemaker_endpoint
from troposphere_patterns.core.limits import check_body_size, inline_deploy_warning
from troposphere_patterns.core.overrides import merge
from troposphere_patterns.core.vpc import ExistingVpc
from troposphere_patterns.diagram import command as diagram_command
from troposphere_patterns.errors import PatternPropsError, TemplateLimitError
from troposphere_patterns.patterns.lambda_sagemakerendpoint import (
    LambdaSagemakerEndpointProps,
    lambda_sagemakerendpoint,
)

EXIT_USAGE = 2
HANDLER_PACKAGE = "troposphere_patterns.handler_src"
HANDLER_FILE = "lambda_sagemakerendpoint.py"

# Current-generation instance types with EBS-only storage: the endpoint's volume can then be
# encrypted with the pattern's key (instance types with local NVMe storage refuse a KmsKeyId).
INSTANCE_TYPES = (
    "ml.t2.medium",
    "ml.t2.large",
    "ml.t2.xlarge",
    "ml.m5.large",
    "ml.m5.xlarge",
    "ml.m5.2xlarge",
    "ml.m5.4xlarge",
    "ml.m5.12xlarge",
    "ml.m5.24xlarge",
    "ml.c5.large",
    "ml.c5.xlarge",
    "ml.c5.2xlarge",
    "ml.c5.4xlarge",
    "ml.c5.9xlarge",
    "ml.c5.18xlarge",
    "ml.r5.large",
    "ml.r5.xlarge",
    "ml.r5.2xlarge",
    "ml.r5.4xlarge",
    "ml.r5.12xlarge",
    "ml.r5.24xlarge",
    "ml.g4dn.xlarge",
    "ml.g4dn.2xlarge",
    "ml.g4dn.4xlarge",
    "ml.g4dn.8xlarge",
    "ml.g4dn.12xlarge",
    "ml.g4dn.16xlarge",
    "ml.p3.2xlarge",
    "ml.p3.8xlarge",
    "ml.p3.16xlarge",
)

EXAMPLES = """\
examples:
  troposphere-patterns lambda-sagemakerendpoint > out.json
  troposphere-patterns lambda-sagemakerendpoint --deploy-vpc --format yaml -o out.yaml
  troposphere-patterns lambda-sagemakerendpoint --existing-vpc -o out.json
  troposphere-patterns lambda-sagemakerendpoint --existing-endpoint -o out.json
  troposphere-patterns lambda-sagemakerendpoint --props props.yaml -o out.json

deploy:
  aws cloudformation deploy --template-file out.json --stack-name my-endpoint \\
    --capabilities CAPABILITY_IAM --parameter-overrides \\
    ModelImageUri=123456789012.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1 \\
    ModelDataUrl=s3://my-bucket/model.tar.gz InstanceType=ml.m5.large
"""


class UsageError(Exception):
    """Bad command-line input; the message names the option or field."""


def handler_source() -> str:
    """Return the default Lambda handler's source, from the installed package or checkout."""
    # find_spec, not importlib.resources: the latter imports tempfile and shutil (~5 ms).
    spec = importlib.util.find_spec(HANDLER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(f"the handler package {HANDLER_PACKAGE} is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return (folder / HANDLER_FILE).read_text(encoding="utf-8")


def _parameters(args: argparse.Namespace) -> dict[str, Parameter]:
    """Deployment choices as Parameters; only those the template ends up using are kept."""
    params = {
        "ModelImageUri": Parameter(
            "ModelImageUri",
            Type="String",
            Description="ECR URI of the model's inference image",
            AllowedPattern=r"^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/"
            r"[a-z0-9][a-z0-9._/-]*(:[\w.-]+|@sha256:[0-9a-f]{64})?$",
            ConstraintDescription="ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG]",
        ),
        "ModelDataUrl": Parameter(
            "ModelDataUrl",
            Type="String",
            Description="S3 URL of the model artifact (model.tar.gz)",
            AllowedPattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$",
            ConstraintDescription="s3://bucket/key",
        ),
        "InstanceType": Parameter(
            "InstanceType",
            Type="String",
            Description="Instance type of the endpoint (EBS-only storage, so it can be encrypted)",
            Default=sagemaker_endpoint.DEFAULT_INSTANCE_TYPE,
            AllowedValues=list(INSTANCE_TYPES),
        ),
    }
    if args.existing_vpc:
        params["VpcId"] = Parameter(
            "VpcId", Type="AWS::EC2::VPC::Id", Description="VPC to place the pattern in"
        )
        params["SubnetIds"] = Parameter(
            "SubnetIds",
            Type="List<AWS::EC2::Subnet::Id>",
            Description="Private subnets for the function, the model and the VPC endpoint",
        )
        params["RouteTableIds"] = Parameter(
            "RouteTableIds",
            Type="CommaDelimitedList",
            Description="Route tables of those subnets, for the S3 gateway endpoint",
        )
    if args.existing_endpoint:
        params["EndpointName"] = Parameter(
            "EndpointName",
            Type="String",
            Description="Name of the existing SageMaker endpoint to invoke",
            # SageMaker ARNs carry the name in lower case and IAM compares ARNs as given.
            AllowedPattern=r"^[a-z0-9](-*[a-z0-9]){0,62}$",
            ConstraintDescription="the endpoint's name in lower case (as in its ARN)",
        )
    return params


def _read_props_file(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--props: cannot read {path}: {error.strerror}") from error
    try:
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"--props: {path} is not valid JSON/YAML: {error}") from error
    if not isinstance(data, Mapping):
        raise UsageError(f"--props: {path} must hold a mapping of props fields")
    names = {field.name for field in fields(LambdaSagemakerEndpointProps)}
    unknown = sorted(set(data) - names)
    if "existing_lambda_obj" in data:
        raise UsageError("--props: existing_lambda_obj needs a troposphere object; embed instead")
    if unknown:
        raise UsageError(
            f"--props: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})"
        )
    return dict(data)


def build_props(
    args: argparse.Namespace, params: Mapping[str, Parameter]
) -> LambdaSagemakerEndpointProps:
    """Turn command-line arguments (and ``--props``) into pattern props."""
    fields_: dict[str, Any] = {
        "lambda_function_props": {"Code": {"ZipFile": handler_source()}},
    }
    if args.existing_endpoint:
        fields_["existing_sagemaker_endpoint_obj"] = Ref(params["EndpointName"])
    else:
        fields_["model_props"] = {
            "PrimaryContainer": {
                "Image": Ref(params["ModelImageUri"]),
                "ModelDataUrl": Ref(params["ModelDataUrl"]),
            }
        }
        fields_["endpoint_config_props"] = {
            "ProductionVariants": [sagemaker_endpoint.default_variant(Ref(params["InstanceType"]))]
        }
    if args.existing_vpc:
        fields_["existing_vpc"] = ExistingVpc(
            vpc_id=Ref(params["VpcId"]),
            subnet_ids=Ref(params["SubnetIds"]),
            route_table_ids=Ref(params["RouteTableIds"]),
        )
    fields_["deploy_vpc"] = args.deploy_vpc
    if args.props:
        for name, value in _read_props_file(args.props).items():
            if name == "existing_vpc" and isinstance(value, Mapping):
                try:
                    value = ExistingVpc(**value)
                except TypeError as error:
                    raise UsageError(f"--props: existing_vpc: {error}") from error
            current = fields_.get(name)
            if isinstance(current, Mapping) and isinstance(value, Mapping):
                value = merge(current, value)
            fields_[name] = value
    if args.id_prefix is not None:
        fields_["id_prefix"] = args.id_prefix
    if args.env_var_name is not None:
        fields_["sagemaker_environment_variable_name"] = args.env_var_name
    return LambdaSagemakerEndpointProps(**fields_)


def render(args: argparse.Namespace) -> str:
    """Render the template text that ``args`` ask for."""
    params = _parameters(args)
    template = lambda_sagemakerendpoint(build_props(args, params))
    used = json.dumps(template.to_dict())
    final = Template(Description=template.description)
    for name, param in params.items():
        if json.dumps({"Ref": name}) in used:
            final.add_parameter(param)
    final.resources, final.outputs = template.resources, template.outputs
    text: str = final.to_yaml() if args.format == "yaml" else final.to_json()
    return text if text.endswith("\n") else text + "\n"


def write_atomically(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` whole, or leave it as it was."""
    import tempfile  # only when writing a file: it costs ~5 ms of start-up

    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    top = argparse.ArgumentParser(
        prog="troposphere-patterns",
        description="Generate CloudFormation templates for well-architected AWS patterns.",
    )
    commands = top.add_subparsers(dest="pattern", required=True, metavar="PATTERN")
    command = commands.add_parser(
        "lambda-sagemakerendpoint",
        help="a Lambda function that invokes a SageMaker real-time endpoint",
        description="Render the Lambda -> SageMaker endpoint pattern as CloudFormation.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("--format", choices=("json", "yaml"), default="json", help="default: json")
    command.add_argument(
        "-o", "--output", metavar="FILE", help="write here (atomically), not stdout"
    )
    network = command.add_mutually_exclusive_group()
    network.add_argument("--deploy-vpc", action="store_true", help="create a private VPC")
    network.add_argument(
        "--existing-vpc",
        action="store_true",
        help="place the pattern in an existing VPC (VpcId, SubnetIds, RouteTableIds parameters)",
    )
    command.add_argument(
        "--existing-endpoint",
        action="store_true",
        help="invoke an existing endpoint (EndpointName parameter) instead of creating one",
    )
    command.add_argument(
        "--props", metavar="FILE", help="JSON or YAML mapping of props fields merged over these"
    )
    command.add_argument("--id-prefix", metavar="PREFIX", help="prefix for every logical ID")
    command.add_argument(
        "--env-var-name", metavar="NAME", help="environment variable holding the endpoint name"
    )
    diagram_command.add_parser(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = parser().parse_args(argv)
    if args.pattern == diagram_command.NAME:
        return diagram_command.run(args)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            text = render(args)
        check_body_size(text)
    except (UsageError, PatternPropsError, TemplateLimitError, TypeError) as error:
        print(f"troposphere-patterns: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.output:
        try:
            write_atomically(args.output, text)
        except OSError as error:
            print(
                f"troposphere-patterns: error: -o {args.output}: {error.strerror}", file=sys.stderr
            )
            return EXIT_USAGE
    else:
        sys.stdout.write(text)
    warning = inline_deploy_warning(text)
    if warning is not None:
        print(f"troposphere-patterns: warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
