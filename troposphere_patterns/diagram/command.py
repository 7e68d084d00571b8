"""``troposphere-patterns diagram TEMPLATE``: draw any CloudFormation template.

Imports only the standard library until it runs: the SVG drawing stack (networkx, matplotlib)
loads for SVG output alone, so the CLI's other commands never pay for it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "diagram"
FORMATS = ("svg", "mermaid")
# Output file extension -> format; ".md" gets the Mermaid text inside a fenced block.
EXTENSIONS = {".svg": "svg", ".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid"}
EXIT_USAGE = 2

EXAMPLES = """\
examples:
  troposphere-patterns diagram templates/lambda-sagemakerendpoint.json -o architecture.svg
  troposphere-patterns diagram my-stack.yaml -o architecture.md     # Mermaid, fenced
  troposphere-patterns diagram my-stack.yaml --format mermaid       # Mermaid on stdout

SVG needs the diagram extra: pip install 'troposphere-patterns[diagram]'
"""


class DiagramError(Exception):
    """Bad input for the diagram command; the message names the file or option."""


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    formatter_class: type[argparse.HelpFormatter] = argparse.RawDescriptionHelpFormatter,
) -> None:
    """Register the ``diagram`` subcommand, its help laid out by ``formatter_class``."""
    command = commands.add_parser(
        NAME,
        help="draw a CloudFormation template (SVG or Mermaid)",
        description="Draw a CloudFormation template (JSON or YAML) as an architecture picture: "
        "resources grouped by VPC and subnets, their references, the runtime path.",
        epilog=EXAMPLES,
        formatter_class=formatter_class,
    )
    command.add_argument("template", metavar="TEMPLATE", help="a template file, JSON or YAML")
    command.add_argument(
        "-o", "--output", metavar="FILE", help="write here (atomically), not stdout"
    )
    command.add_argument(
        "--format",
        choices=FORMATS,
        help="default: from the -o extension (.svg; .mmd, .mermaid, .md), else svg",
    )
    command.add_argument(
        "--all-references",
        action="store_true",
        help="also draw the references to and from IAM and KMS resources (roles, policies, "
        "keys), which every resource has and which hide the rest",
    )


def output_format(output: str | None, chosen: str | None) -> str:
    """The format to write: ``--format``, else the one the ``-o`` extension names, else SVG."""
    if output is None:
        return chosen or "svg"
    suffix = Path(output).suffix.lower()
    implied = EXTENSIONS.get(suffix)
    if implied is None:
        if chosen is None:
            known = ", ".join(EXTENSIONS)
            raise DiagramError(f"-o {output}: cannot tell the format from {suffix!r} ({known})")
        return chosen
    if chosen is not None and chosen != implied:
        raise DiagramError(f"-o {output}: the extension says {implied}, --format says {chosen}")
    return implied


def render(template: Path, fmt: str, fenced: bool = False, *, all_references: bool = False) -> str:
    """The picture of ``template`` as text in ``fmt`` ("svg" or "mermaid").

    Args:
        template: The template file.
        fmt: "svg" or "mermaid".
        fenced: Mermaid inside a fenced block (for a ``.md`` file). Default False.
        all_references: Draw IAM and KMS references too. Default False.
    """
    from troposphere_patterns.diagram.architecture import read_file

    arch = read_file(template, all_references=all_references)
    if fmt == "mermaid":
        from troposphere_patterns.diagram import mermaid

        return mermaid.markdown(arch) if fenced else mermaid.render_mermaid(arch)
    try:
        from troposphere_patterns.diagram.drawing import render_svg
    except ImportError as error:
        raise DiagramError(
            f"SVG output needs {error.name}: pip install 'troposphere-patterns[diagram]' "
            "(or use --format mermaid)"
        ) from error
    return render_svg(arch)


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; return the exit status."""
    from troposphere_patterns.cli import output_file
    from troposphere_patterns.diagram.architecture import TemplateError

    try:
        fmt = output_format(args.output, args.format)
        fenced = args.output is not None and Path(args.output).suffix.lower() == ".md"
        text = render(Path(args.template), fmt, fenced, all_references=args.all_references)
    except (DiagramError, TemplateError) as error:
        print(f"troposphere-patterns: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        output_file.write(args.output, text)
    except output_file.OutputError as error:
        print(f"troposphere-patterns: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0
