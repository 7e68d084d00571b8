"""Command line: render a pattern's template to stdout or a file.

The only module that reads files (the handler source, ``--props``) or writes output; the
build functions stay pure.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import io
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troposphere import Parameter, Ref, awslambda, ec2, sagemaker

from troposphere_patterns import __version__, output_file, references
from troposphere_patterns.core import sagemaker_endpoint, vpc
from troposphere_patterns.core.limits import check_body_size, inline_deploy_warning
from troposphere_patterns.core.overrides import merge
from troposphere_patterns.core.vpc import ExistingVpc
from troposphere_patterns.errors import PatternPropsError, TemplateLimitError
from troposphere_patterns.patterns.lambda_sagemakerendpoint import (
    LambdaSagemakerEndpointProps,
    lambda_sagemakerendpoint,
)

if TYPE_CHECKING:
    from troposphere_patterns import props_files

EXIT_USAGE = 2
PROG = "troposphere-patterns"
DEFAULT_MODE = "a new endpoint (model, endpoint config, endpoint), no VPC"
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
  troposphere-patterns lambda-sagemakerendpoint --props base.yaml --props prod.yaml -o out.json

deploy:
  aws cloudformation deploy --template-file out.json --stack-name my-endpoint \\
    --capabilities CAPABILITY_IAM --parameter-overrides \\
    ModelImageUri=123456789012.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1 \\
    ModelDataUrl=s3://my-bucket/model.tar.gz InstanceType=ml.m5.large
"""


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
            Description="Name of the existing SageMaker endpoint to invoke (any case)",
            AllowedPattern=r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
            ConstraintDescription="a SageMaker endpoint name: up to 63 letters, digits and "
            "hyphens, starting and ending with a letter or digit",
        )
    return params


# The props fields a flag sets (by the flag's dest): messages name the flag, not the field.
FLAG_FIELDS = {
    "existing_sagemaker_endpoint_obj": "existing_endpoint",
    "existing_vpc": "existing_vpc",
    "deploy_vpc": "deploy_vpc",
    "id_prefix": "id_prefix",
    "sagemaker_environment_variable_name": "env_var_name",
}
# Flags applied after the props files (they win); mode flags are applied before (files win).
VALUE_FLAGS = ("id_prefix", "env_var_name")
_PATH_PARTS = r"\.(\w+)|\[(\d+)\]"


@functools.cache
def _field_in_message() -> re.Pattern[str]:
    """A props field's name and the path after it; compiled only for a message."""
    names = sorted((f.name for f in fields(LambdaSagemakerEndpointProps)), key=len, reverse=True)
    return re.compile(rf"\b({'|'.join(names)})\b((?:\.\w+|\[\d+\])*)")


def _schemas() -> dict[str, props_files.Schema]:
    """What each props field holds, for the key check of props files."""
    from troposphere_patterns import props_files  # only with --props: it costs ~5 ms

    schemas: dict[str, props_files.Schema] = {
        f.name: props_files.Schema() for f in fields(LambdaSagemakerEndpointProps)
    }
    schemas.update(
        lambda_function_props=props_files.Schema(awslambda.Function),
        model_props=props_files.Schema(sagemaker.Model),
        endpoint_config_props=props_files.Schema(sagemaker.EndpointConfig),
        endpoint_props=props_files.Schema(sagemaker.Endpoint),
        vpc_props=props_files.Schema(ec2.VPC, (vpc.AZ_COUNT_KEY,)),
        existing_vpc=props_files.Schema(names=tuple(f.name for f in fields(ExistingVpc))),
    )
    return schemas


class UsageError(Exception):
    """Bad command-line input; each problem names the option, file or field.

    Attributes:
        problems: One line per problem.
    """

    def __init__(self, *problems: str) -> None:
        self.problems = problems
        super().__init__(report(problems))


def report(problems: Sequence[str]) -> str:
    """One message for one or more problems."""
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems:\n" + "\n".join(f"  - {p}" for p in problems)


@dataclass
class Sources:
    """Where each props field came from, so that messages name flags and files, not fields.

    Attributes:
        files: Each ``--props`` file and what it holds, in command-line order.
        flags: Props field -> the flag that set it (and no file overrode).
    """

    files: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)

    def file_of(self, name: str, rest: str) -> str | None:
        """The last file holding the most of the path ``name`` + ``rest`` (``.A[0].B``)."""
        parts: list[str | int] = [
            key if key else int(index) for key, index in re.findall(_PATH_PARTS, rest)
        ]
        best, best_depth = None, 0
        for file, data in reversed(self.files):
            if name not in data:
                continue
            depth, node = 1, data[name]
            for part in parts:
                found = (isinstance(node, Mapping) and part in node) or (
                    isinstance(node, list) and isinstance(part, int) and part < len(node)
                )
                if not found:
                    break
                node = node[part]
                depth += 1
            if depth > best_depth:
                best, best_depth = file, depth
        return best

    def cli_terms(self, message: str) -> str:
        """``message`` (naming props fields) as the command line's user knows them."""
        if message.startswith("--props "):
            return message  # already names its file
        lead: str | None = None

        def term(match: re.Match[str]) -> str:
            nonlocal lead
            name, rest = match.group(1), match.group(2)
            if name in self.flags:
                return f"{self.flags[name]} ({name}{rest})" if rest else self.flags[name]
            file = self.file_of(name, rest)
            if match.start() == 0:
                lead = file
            if file is None or file == lead:
                return match.group(0)
            return f"{match.group(0)} (--props {file})"

        text = _field_in_message().sub(term, message)
        return f"--props {lead}: {text}" if lead is not None else text


def read_props_files(paths: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """Read every ``--props`` file; report every problem in all of them at once."""
    if not paths:
        return []
    from troposphere_patterns import props_files

    loaded, found = [], []
    schemas = _schemas()
    for path in paths:
        try:
            data = props_files.read(path)
        except props_files.PropsFileError as error:
            found.append(str(error))
            continue
        if "existing_lambda_obj" in data:
            found.append(
                f"--props {path}: existing_lambda_obj: a function already in your template "
                "needs the library (a troposphere object), not a props file"
            )
            del data["existing_lambda_obj"]
        found += props_files.key_problems(path, data, schemas)
        loaded.append((path, data))
    if found:
        raise UsageError(*found)
    return loaded


def _existing_vpc(value: Mapping[str, Any]) -> ExistingVpc:
    missing = [name for name in ("vpc_id", "subnet_ids") if name not in value]
    if missing:
        raise UsageError(f"existing_vpc: needs {' and '.join(missing)}")
    return ExistingVpc(**value)


def build_props(
    args: argparse.Namespace,
    params: Mapping[str, Parameter],
    sources: Sources | None = None,
) -> LambdaSagemakerEndpointProps:
    """Turn command-line arguments (and the ``--props`` files, in order) into pattern props."""
    sources = sources if sources is not None else Sources()
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
    sources.files = read_props_files(args.props or ())
    for _, data in sources.files:
        for name, value in data.items():
            current = fields_.get(name)
            if isinstance(current, ExistingVpc):
                current = {f.name: getattr(current, f.name) for f in fields(ExistingVpc)}
            if name == "lambda_function_props" and isinstance(value, Mapping) and "Code" in value:
                # Code is one choice (inline, S3 or image): the file's replaces the inlined one.
                current = {k: v for k, v in (current or {}).items() if k != "Code"}
            fields_[name] = (
                merge(current, value)
                if isinstance(current, Mapping) and isinstance(value, Mapping)
                else value
            )
    given = {name for _, data in sources.files for name in data}
    if "existing_sagemaker_endpoint_obj" in given:
        # An endpoint named in a file: the mode's model and config would have nothing to build.
        for name in ("model_props", "endpoint_config_props"):
            if name not in given:
                fields_.pop(name, None)
    if args.id_prefix is not None:
        fields_["id_prefix"] = args.id_prefix
    if args.env_var_name is not None:
        fields_["sagemaker_environment_variable_name"] = args.env_var_name
    for name, dest in FLAG_FIELDS.items():
        flagged = getattr(args, dest, None) not in (None, False)
        if flagged and (dest in VALUE_FLAGS or name not in given):
            sources.flags[name] = "--" + dest.replace("_", "-")
    if isinstance(fields_.get("existing_vpc"), Mapping):
        fields_["existing_vpc"] = _existing_vpc(fields_["existing_vpc"])
    return LambdaSagemakerEndpointProps(**fields_)


def output_format(args: argparse.Namespace) -> str:
    """``--format``, else what ``-o``'s extension says (``.yaml``/``.yml``), else JSON."""
    if args.format is not None:
        return str(args.format)
    extension = Path(args.output or "").suffix.lower()
    return "yaml" if extension in (".yaml", ".yml") else "json"


def render(args: argparse.Namespace, sources: Sources | None = None) -> str:
    """Render the template text that ``args`` ask for."""
    sources = sources if sources is not None else Sources()
    params = _parameters(args)
    template = lambda_sagemakerendpoint(build_props(args, params, sources))
    body = template.to_dict()  # once: encoding is most of a render's time
    used = {ref.name for ref in references.references(body) if ref.kind == "name"}
    kept = {name: param.to_dict() for name, param in params.items() if name in used}
    if kept:
        body["Parameters"] = kept
    _check_references(sources, body)
    if output_format(args) == "yaml":
        import cfn_flip  # type: ignore[import-untyped]  # troposphere's own YAML writer

        text: str = cfn_flip.to_yaml(json.dumps(body, indent=1, sort_keys=True))
    else:
        text = template_json(body)
    return text if text.endswith("\n") else text + "\n"


def _check_references(sources: Sources, body: Mapping[str, Any]) -> None:
    """Refuse intrinsics in the props files that name what the template lacks."""
    if not sources.files:
        return
    from troposphere_patterns import props_files

    found = []
    for file, data in sources.files:
        for ref in references.problems(references.references(data), body):
            what = {"name": "a parameter or resource", "resource": "a resource"}.get(
                ref.kind, f"a {ref.kind}"
            )
            hint = props_files.suggestion(ref.name, references.known(ref, body))
            if not hint and ref.kind in ("condition", "mapping"):
                hint = f" (the command line's template has no {ref.kind}s: embed the library)"
            problem = f"{ref.function} names {ref.name}, which is not {what} of the template"
            found.append(str(props_files.PropsFileError(file, problem + hint, ref.path)))
    if found:
        raise UsageError(*found)


# Intrinsics nested deeper than this are written on one line; the pattern's own are at most ~15.
ONE_LINE_HEIGHT = 32


def template_json(body: Mapping[str, Any]) -> str:
    """The template as troposphere writes JSON, with very deep intrinsics on one line each.

    Only the lower-case chain of an endpoint name known at deploy time is that deep (26 nested
    ``Fn::Join``/``Fn::Split`` pairs); indented, each copy alone would take ~17 KB of the
    51,200 bytes CloudFormation accepts inline.
    """
    squashed: list[str] = []

    def squash(node: Any) -> Any:
        if isinstance(node, dict):
            if (
                len(node) == 1
                and next(iter(node)).startswith("Fn::")
                and _height(node) > ONE_LINE_HEIGHT
            ):
                squashed.append(json.dumps(node, sort_keys=True, separators=(", ", ": ")))
                return f"\0{len(squashed) - 1}\0"
            return {key: squash(value) for key, value in node.items()}
        if isinstance(node, list):
            return [squash(value) for value in node]
        return node

    text = json.dumps(squash(body), indent=1, sort_keys=True, separators=(",", ": "))
    return re.sub(r'"\\u0000(\d+)\\u0000"', lambda match: squashed[int(match[1])], text)


def _height(node: Any) -> int:
    if isinstance(node, dict):
        return 1 + max(map(_height, node.values()), default=0)
    if isinstance(node, list):
        return 1 + max(map(_height, node), default=0)
    return 0


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' line breaks; wide enough for the option column."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Generate CloudFormation templates for well-architected AWS patterns.",
        formatter_class=_Formatter,
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(dest="pattern", required=True, metavar="PATTERN")
    command = commands.add_parser(
        "lambda-sagemakerendpoint",
        help="a Lambda function that invokes a SageMaker real-time endpoint",
        description="Render the Lambda -> SageMaker endpoint pattern as CloudFormation. "
        f"Without a mode flag: {DEFAULT_MODE}.",
        epilog=EXAMPLES,
        formatter_class=_Formatter,
    )
    modes = command.add_argument_group("modes (one VPC flag, with or without --existing-endpoint)")
    network = modes.add_mutually_exclusive_group()
    network.add_argument("--deploy-vpc", action="store_true", help="create a private VPC")
    network.add_argument(
        "--existing-vpc",
        action="store_true",
        help="place the pattern in an existing VPC (VpcId, SubnetIds, RouteTableIds parameters)",
    )
    modes.add_argument(
        "--existing-endpoint",
        action="store_true",
        help="invoke an existing endpoint (EndpointName parameter) instead of creating one",
    )
    command.add_argument(
        "--props",
        metavar="FILE",
        action="append",
        help="JSON or YAML props merged over the mode's; repeat to layer files (later wins)",
    )
    command.add_argument("--id-prefix", metavar="PREFIX", help="prefix for every logical ID")
    command.add_argument(
        "--env-var-name", metavar="NAME", help="environment variable holding the endpoint name"
    )
    command.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of stdout ('-' is stdout); regular files are replaced "
        "atomically, symlinks written through",
    )
    command.add_argument(
        "--format",
        choices=("json", "yaml"),
        help="default: from -o's extension (.yaml/.yml: yaml), else json",
    )
    top.epilog = _modes_epilog(commands)
    return top


def _modes_epilog(commands: Any) -> str:
    """Every pattern and its modes, for the top-level ``--help``."""
    lines = ["patterns and their modes (PATTERN --help for the rest):"]
    for name, command in commands.choices.items():
        lines += [f"  {name}", f"    {'(no mode flag)':<22}{DEFAULT_MODE}"]
        for group in command._action_groups:
            if group.title and group.title.startswith("modes"):
                for action in group._group_actions:
                    lines.append(f"    {action.option_strings[0]:<22}{action.help}")
    return "\n".join(lines)


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0, or 2 for any failure)."""
    try:
        return _run(argv)
    except Exception as error:  # a bug, reported in one line rather than as a traceback
        _error(f"internal error, please report it: {type(error).__name__}: {error}")
        return EXIT_USAGE


def _run(argv: Sequence[str] | None) -> int:
    args = parser().parse_args(argv)
    sources = Sources()
    problems: Sequence[str] = ()
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            text = render(args, sources)
        check_body_size(text)
    except UsageError as error:
        problems = [sources.cli_terms(problem) for problem in error.problems]
    except PatternPropsError as error:
        problems = [sources.cli_terms(problem) for problem in error.problems]
    except (TemplateLimitError, TypeError) as error:
        problems = [sources.cli_terms(str(error))]
    if problems:
        _error(report(problems))
        return EXIT_USAGE
    try:
        output_file.write(args.output or output_file.STDOUT, text)
    except output_file.OutputError as error:
        _error(str(error))
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``| head``); say so once, without Python's own complaint.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - kept open until exit
        _error("stdout: the reading end of the pipe closed")
        return EXIT_USAGE
    warning = inline_deploy_warning(text)
    if warning is not None:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
