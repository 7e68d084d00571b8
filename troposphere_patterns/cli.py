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
from troposphere import Parameter, Template

from troposphere_patterns import json_text
from troposphere_patterns.core.limits import check_body_size, inline_deploy_warning
from troposphere_patterns.core.vpc import ExistingVpc
from troposphere_patterns.diagram import command as diagram_command
from troposphere_patterns.errors import PatternPropsError, TemplateLimitError
from troposphere_patterns.modes import CommandLine
from troposphere_patterns.patterns import lambda_sagemakerendpoint_cli

COMMAND_LINES = {c.name: c for c in (lambda_sagemakerendpoint_cli.COMMAND_LINE,)}

EXIT_USAGE = 2
HANDLER_PACKAGE = "troposphere_patterns.handler_src"
HANDLER_FILE = "lambda_sagemakerendpoint.py"


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


def _read_props_file(path: str, props_type: type) -> dict[str, Any]:
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
    names = {field.name for field in fields(props_type)}
    unknown = sorted(set(data) - names)
    if "existing_lambda_obj" in data:
        raise UsageError("--props: existing_lambda_obj needs a troposphere object; embed instead")
    if unknown:
        raise UsageError(
            f"--props: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})"
        )
    return dict(data)


def build_props(
    command: CommandLine, args: argparse.Namespace, params: Mapping[str, Parameter]
) -> Any:
    """Turn command-line arguments (modes, then ``--props``) into the pattern's props."""
    layers = command.layers(params, handler_source(), vars(args))
    if args.props:
        layer = _read_props_file(args.props, command.props_type)
        if isinstance(layer.get("existing_vpc"), Mapping):
            try:
                layer["existing_vpc"] = ExistingVpc(**layer["existing_vpc"])
            except TypeError as error:
                raise UsageError(f"--props: existing_vpc: {error}") from error
        layers.append(layer)
    if args.id_prefix is not None:
        layers.append({"id_prefix": args.id_prefix})
    return command.props_type(**command.combine(layers))


def render(args: argparse.Namespace) -> str:
    """Render the template text that ``args`` ask for."""
    command = COMMAND_LINES[args.pattern]
    params = command.parameters()
    template = command.render(build_props(command, args, params))
    used = json.dumps(template.to_dict())
    final = Template(Description=template.description)
    for name, param in params.items():
        if json.dumps({"Ref": name}) in used:
            final.add_parameter(param)
    final.conditions = template.conditions
    final.resources, final.outputs = template.resources, template.outputs
    if args.format == "yaml":
        if args.minify:
            raise UsageError("--minify: only JSON can be minified (drop --format yaml)")
        text: str = final.to_yaml()
        return text if text.endswith("\n") else text + "\n"
    if args.minify:
        return json.dumps(final.to_dict(), sort_keys=True, separators=(",", ":")) + "\n"
    return json_text.dumps(final.to_dict())


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
    """The command-line parser: one sub-command per pattern, its options from its modes."""
    top = argparse.ArgumentParser(
        prog="troposphere-patterns",
        description="Generate CloudFormation templates for well-architected AWS patterns.",
    )
    commands = top.add_subparsers(dest="pattern", required=True, metavar="PATTERN")
    for pattern in COMMAND_LINES.values():
        command = commands.add_parser(
            pattern.name,
            help=pattern.help,
            description=pattern.description,
            epilog=pattern.examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_argument(
            "--format", choices=("json", "yaml"), default="json", help="default: json"
        )
        command.add_argument(
            "-o", "--output", metavar="FILE", help="write here (atomically), not stdout"
        )
        command.add_argument(
            "--minify",
            action="store_true",
            help="JSON without whitespace: deploys inline (51,200 bytes) where the readable "
            "layout is too big",
        )
        groups: dict[str, Any] = {}
        for mode in pattern.modes:
            where: Any = command
            if mode.group is not None:
                if mode.group not in groups:
                    groups[mode.group] = command.add_mutually_exclusive_group()
                where = groups[mode.group]
            if mode.metavar is None:
                where.add_argument(mode.flag, action="store_true", help=mode.help)
            else:
                where.add_argument(mode.flag, metavar=mode.metavar, help=mode.help)
        command.add_argument(
            "--props", metavar="FILE", help="JSON or YAML mapping of props fields merged over these"
        )
        command.add_argument("--id-prefix", metavar="PREFIX", help="prefix for every logical ID")
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
