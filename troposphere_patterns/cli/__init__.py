"""Command line: render a pattern's template to stdout or a file.

The front door, generic over patterns: each pattern declares its Parameters, modes, handler and
how its props files are read as data (``cli/<pattern>.py``, listed in ``cli/registry.py``);
``cli/arguments.py`` turns its modes into options and reads the command line (argparse,
``cli/argparser.py``, reads the rest); this module layers the modes' props with the
``--props`` files, speaks of flags and files in its messages, and writes the output. The build
functions stay pure.

Bad input exits 2 with every problem named; anything else the library raises is a bug and
exits 70 with its traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from troposphere import Parameter

from troposphere_patterns import __version__, handlers
from troposphere_patterns.cli import arguments, json_text, modes, output_file, references
from troposphere_patterns.cli.arguments import COMMON
from troposphere_patterns.cli.modes import CommandLine
from troposphere_patterns.cli.registry import COMMAND_LINES
from troposphere_patterns.core import encoding
from troposphere_patterns.core.ids import alarm_name_warning
from troposphere_patterns.core.limits import check_body_size, inline_deploy_warning
from troposphere_patterns.errors import Path as ProblemPath
from troposphere_patterns.errors import (
    PatternPropsError,
    Problem,
    TemplateLimitError,
    format_path,
)

if TYPE_CHECKING:
    import argparse

    from troposphere_patterns.cli import props_files
    from troposphere_patterns.cli.arguments import Namespace

EXIT_USAGE = 2
# sysexits.h's EX_SOFTWARE (os.EX_SOFTWARE exists on POSIX only): a bug, not bad input.
EXIT_INTERNAL = 70
EXIT_STATUS = """\
exit status:
  0   the template (or diagram) was written
  2   bad input: a usage error, invalid props, an unreadable or invalid props file, an output
      that cannot be written; every problem is named on stderr
  70  a bug in troposphere-patterns: a traceback and the version on stderr; please report it
"""
PROG = "troposphere-patterns"


def _segments(path: Sequence[str | int], names: frozenset[str]) -> list[tuple[str | int, ...]]:
    """The props a problem names: its path cut before each props field after the first.

    ``("lambda_function_props", "VpcConfig", "deploy_vpc")`` names
    ``lambda_function_props.VpcConfig`` and ``deploy_vpc``.
    """
    found: list[list[str | int]] = []
    for step in path:
        if not found or (isinstance(step, str) and step in names):
            found.append([step])
        else:
            found[-1].append(step)
    return [tuple(segment) for segment in found]


def _find(text: str, where: str, start: int) -> int | None:
    """Where ``where`` stands whole in ``text`` from ``start`` on, or None.

    Whole: not part of a longer name or path (``alarms`` is not found in ``alarms.fifo``).
    """
    at = text.find(where, start)
    while at != -1:
        end = at + len(where)
        if not _continues(text[at - 1 : at]) and not _continues(text[end : end + 1]):
            return at
        at = text.find(where, at + 1)
    return None


def _continues(char: str) -> bool:
    """Whether a character beside a name makes it part of a longer name or path."""
    return char != "" and (char.isalnum() or char in "_.[]")


def _spans_of_path(problem: Problem, names: frozenset[str]) -> list[tuple[int, ProblemPath]]:
    """Where the line of ``problem`` names each props field of its path, in order."""
    spans, cursor = [], 0
    for segment in _segments(problem.path, names):
        where = format_path(segment)
        start = _find(problem, where, cursor)
        if start is not None and segment[0] in names:
            spans.append((start, segment))
            cursor = start + len(where)
    return spans


def _schemas(command: CommandLine) -> dict[str, props_files.Schema]:
    """What each props field holds, for the key check of props files."""
    from troposphere_patterns.cli import props_files  # only with --props

    schemas = {f.name: props_files.Schema() for f in fields(command.props_type)}
    for name, names in command.option_fields().items():
        schemas[name] = props_files.Schema(None, names)
    for name, (cls, names) in command.keys.items():
        schemas[name] = props_files.Schema(None if cls is None else modes.resolve(cls), names)
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


class Sources:
    """Where each props field came from, so that messages name flags and files, not fields.

    Attributes:
        files: Each ``--props`` file and what it holds, in command-line order.
        flags: Props field -> the flag that set it (and no file overrode).
        warnings: What the user should know about a template that was still rendered.
    """

    def __init__(
        self,
        files: list[tuple[str, dict[str, Any]]] | None = None,
        flags: dict[str, str] | None = None,
        warnings: list[str] | None = None,
        props_type: type | None = None,
    ) -> None:
        self.files = files if files is not None else []
        self.flags = flags if flags is not None else {}
        self.warnings = warnings if warnings is not None else []
        self.props_type = props_type

    def file_of(self, path: Sequence[str | int]) -> str | None:
        """The last file holding the most of ``path`` (a props field, then keys and indexes)."""
        name, parts = path[0], path[1:]
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

    def place(self, problem: str) -> str:
        """``problem`` as the command line's user knows it: flags and files, found by its path.

        Each props field the problem's path names (see :class:`Problem`) is written as the
        flag that set it (``--serverless (serverless.max_concurrency)``); the file that set the
        field a line starts with leads the line (``--props p.yaml: ...``), and a field from
        another file is followed by it (``vpc_props (--props p.yaml)``).
        """
        if not isinstance(problem, Problem) or self.props_type is None:
            return problem  # a line about a file or a flag: it already says which
        names = frozenset(f.name for f in fields(self.props_type))
        spans = _spans_of_path(problem, names)
        text, lead = str(problem), None
        pieces, cursor = [], 0
        for start, path in spans:
            where = format_path(path)
            name = str(path[0])
            if name in self.flags:
                term = f"{self.flags[name]} ({where})" if len(path) > 1 else self.flags[name]
            else:
                file = self.file_of(path)
                if start == 0:
                    lead = file
                term = where if file is None or file == lead else f"{where} (--props {file})"
            pieces.append(text[cursor:start] + term)
            cursor = start + len(where)
        text = "".join(pieces) + text[cursor:]
        return f"--props {lead}: {text}" if lead is not None else text


def read_props_files(
    command: CommandLine, paths: Sequence[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Read every ``--props`` file; report every problem in all of them at once."""
    if not paths:
        return []
    from troposphere_patterns.cli import props_files

    loaded, found = [], []
    schemas = _schemas(command)
    for path in paths:
        try:
            data = props_files.read(path)
        except props_files.PropsFileError as error:
            found.append(str(error))
            continue
        for name, why in command.library_only.items():
            if name in data:
                found.append(f"--props {path}: {name}: {why}")
                del data[name]
        found += props_files.key_problems(path, data, schemas)
        loaded.append((path, data))
    if found:
        raise UsageError(*found)
    return loaded


def _handler(command: CommandLine, asynchronous: bool) -> str | None:
    """The handler's source as the template inlines it: the part for its kind of endpoint."""
    if command.handler is None:
        return None
    return handlers.handler_source(command.handler, asynchronous=asynchronous)


def _drop(layers: Sequence[dict[str, Any]], names: Sequence[str], keep: set[str]) -> None:
    for layer in layers:
        for name in names:
            if name not in keep:
                layer.pop(name, None)


def build_props(
    command: CommandLine,
    args: Namespace,
    params: Mapping[str, Parameter],
    sources: Sources | None = None,
) -> Any:
    """Turn command-line arguments into the pattern's props: modes, ``--props`` files, flags.

    Layers merge in this order (mappings deeply): the base, each chosen flag (its drops applied
    to the layers before it), the ``--props`` files, each option's value (``--env-var-name
    NAME`` wins over files), ``--id-prefix``. A file that sets a field a mode :attr:`~Mode.sets`
    also applies that mode's drops (an endpoint named in a file drops the default model).

    Raises:
        UsageError: An unreadable or invalid props file.
        PatternPropsError: Options' mappings that lack a field.
    """
    sources = sources if sources is not None else Sources()
    sources.props_type = command.props_type
    values = vars(args)
    chosen = {mode.dest: values[mode.dest] for mode in command.chosen_modes(values)}
    sources.files = read_props_files(command, args.props or ())
    given = {name for _, data in sources.files for name in data}
    # A flag or a file that sets the async option makes the template carry the async code.
    setters = given.union(*(mode.sets for mode in command.chosen_modes(values)))
    code = _handler(command, asynchronous="async_inference" in setters)
    first: list[dict[str, Any]] = [dict(command.base(params, code))]
    last: list[dict[str, Any]] = []
    for mode in command.modes:
        overridden = set(mode.sets) & given
        if mode.dest in chosen:
            layers = last if mode.takes_value else first
            _drop(first + last, mode.drops, set())
            layer = mode.layer(params, chosen[mode.dest])
            layers.append(layer)
            if not mode.takes_value:
                sources.warnings += _replaced(mode.flag, chosen[mode.dest], layer, sources)
            # Messages about a field name the flag, unless a file set it over a flag.
            for name in mode.sets:
                if mode.takes_value or name not in given:
                    sources.flags[name] = mode.flag
        if mode.drops and overridden:
            _drop(first, mode.drops, given)
    layers = first + [dict(data) for _, data in sources.files] + last
    for option in COMMON:  # options every pattern has that set a props field
        value = values.get(option.dest)
        if option.sets is not None and value is not None:
            layers.append({option.sets: value})
            sources.flags[option.sets] = option.flags[0]
    combined = command.with_options(command.combine(layers))
    # Every key was checked against the fields: a value of the wrong type is one of the
    # problems validation reports, and a TypeError here is a bug.
    return command.props_type(**combined)


def _replaced(flag: str, value: Any, layer: Mapping[str, Any], sources: Sources) -> list[str]:
    """A warning per field a mode flag set that a props file replaces whole (the file wins).

    A file's mapping merges over a flag's mapping (``autoscaling: {max_capacity: 6}`` over
    ``--autoscaling``), which the README documents; anything else replaces the flag's value
    silently (``rollout:`` over ``--rollout canary``), so it is said.
    """
    given = f"{flag} {value}" if isinstance(value, str) else flag
    return [
        f"{given} and --props {file} both set {name}: the file's {name} replaces the flag's"
        for name, set_by_flag in layer.items()
        for file, data in sources.files
        if name in data
        and not (isinstance(set_by_flag, Mapping) and isinstance(data[name], Mapping))
    ]


def output_format(args: Namespace) -> str:
    """``--format``, else what ``-o``'s extension says (``.yaml``/``.yml``), else JSON."""
    if args.format is not None:
        return str(args.format)
    extension = Path(args.output or "").suffix.lower()
    return "yaml" if extension in (".yaml", ".yml") else "json"


def render(args: Namespace, sources: Sources | None = None) -> str:
    """Render the template text that ``args`` ask for."""
    sources = sources if sources is not None else Sources()
    command = COMMAND_LINES[args.pattern]
    params = command.parameters_for(vars(args))
    props = command.with_parameters(build_props(command, args, params, sources), params)
    template = command.render(props)
    body = encoding.template_body(template)  # once: encoding is much of a render's time
    used = {ref.name for ref in references.references(body) if ref.kind == "name"}
    kept = {name: params[name].to_dict() for name in params if name in used}  # made if not yet
    if kept:
        body["Parameters"] = kept
    rules = command.rules({name: params[name] for name in kept}) if command.rules else None
    if rules:
        body["Rules"] = dict(rules)
    _check_references(sources, body)
    resources = body.get("Resources", {})
    alarms = [name for name, r in resources.items() if r.get("Type") == "AWS::CloudWatch::Alarm"]
    room = alarm_name_warning(alarms)
    if room is not None:
        sources.warnings.append(room)
    if output_format(args) == "yaml":
        if args.minify:
            chosen_by = "--format yaml" if args.format is not None else f"-o {args.output}"
            raise UsageError(
                f"--minify: only JSON can be minified, and {chosen_by} asks for YAML "
                "(write to a .json file, or give --format json)"
            )
        from troposphere_patterns.cli import yaml_text  # only for YAML output

        return yaml_text.dumps(body)
    if args.minify:
        return json.dumps(body, sort_keys=True, separators=(",", ":")) + "\n"
    return json_text.dumps(body)


def _check_references(sources: Sources, body: Mapping[str, Any]) -> None:
    """Refuse intrinsics in the props files that name what the template lacks."""
    if not sources.files:
        return
    from troposphere_patterns.cli import props_files

    found = []
    for file, data in sources.files:
        for ref in references.problems(references.references(data), body):
            what = {"name": "a parameter or resource", "resource": "a resource"}.get(
                ref.kind, f"a {ref.kind}"
            )
            hint = props_files.suggestion(ref.name, references.known(ref, body))
            if not hint and ref.kind in ("condition", "mapping"):
                hint = _no_such(ref.kind, references.known(ref, body))
            problem = f"{ref.function} names {ref.name}, which is not {what} of the template"
            found.append(str(props_files.PropsFileError(file, problem + hint, ref.path)))
    if found:
        raise UsageError(*found)


def _no_such(kind: str, known: Sequence[str]) -> str:
    """Why a props file's Condition or Mapping is missing: what the template has instead."""
    if not known:
        return f" (the command line's template has no {kind}s: embed the library)"
    return (
        f" (the template's {kind}s are {', '.join(known)}; a props file cannot add one: "
        "embed the library)"
    )


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argparse parser of the command line (see :mod:`troposphere_patterns.cli.argparser`).

    A run reads a plain command line with :func:`troposphere_patterns.cli.arguments.read` and
    builds this only for ``--help``, for errors and for what that reader leaves to argparse.
    """
    from troposphere_patterns.cli import argparser  # argparse and gettext: not for a plain run

    return argparser.parser(only)


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see :data:`EXIT_STATUS`).

    Bad input is one message (each problem naming its flag or file) and status 2. Any other
    exception is a bug in troposphere-patterns, not the user's: its traceback, a line saying
    so with the version, and status 70.
    """
    try:
        return _run(argv)
    except Exception:
        traceback.print_exc()
        _error(
            f"internal error: this is a bug in troposphere-patterns {__version__}, not in your "
            "input; please report it with the traceback above"
        )
        return EXIT_INTERNAL


def console() -> NoReturn:
    """The command's run: :func:`main`, then an exit without teardown.

    :mod:`troposphere_patterns.entry` calls it (with the cyclic collector off).

    Once the output is written and flushed, the process ends with ``os._exit``: CPython's
    finalization would otherwise free each module and object of the run one at a time (about
    40 M instructions, against 475 M for a whole default run), for a process that ends anyway.
    The package registers no ``atexit`` handler and holds no open file by then. ``--help``,
    ``--version`` and argparse's own errors leave through ``SystemExit`` as usual. Code that
    embeds the command line calls :func:`main`, which returns.
    """
    status = main()
    try:
        sys.stdout.flush()
    except OSError:  # the reader went away after the text was written: nothing is lost
        status = status or EXIT_USAGE
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(status)


def _run(argv: Sequence[str] | None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    args: Namespace | None = arguments.read(given, COMMAND_LINES)
    if args is None:  # help, an error, or a command line that only argparse reads
        full = parser(given[0] if given and given[0] in COMMAND_LINES else None).parse_args(given)
        if full.pattern not in COMMAND_LINES:
            from troposphere_patterns.diagram import command as diagram_command

            return diagram_command.run(full)
        args = full
    sources = Sources()
    problems: Sequence[str] = ()
    try:
        text = render(args, sources)
        check_body_size(text)
    except (UsageError, PatternPropsError) as error:
        problems = [sources.place(problem) for problem in error.problems]
    except TemplateLimitError as error:
        problems = [str(error)]
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
    warning = inline_deploy_warning(text, minified=args.minify)
    for note in [*sources.warnings, *([warning] if warning is not None else [])]:
        print(f"{PROG}: warning: {note}", file=sys.stderr)
    return 0
