"""Property-based tests of the command line with random props files and arguments.

Whatever the input, the CLI exits 0 or 2, never prints a traceback, prints nothing on stdout
after a failure, and leaves an existing ``-o`` file as it was unless it succeeded. Most runs are
in-process (``cli.main``); a few are real subprocesses. ``make test`` runs a bounded,
derandomized number of examples; ``make fuzz`` many more.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from cfn_tools import load_yaml  # type: ignore[import-untyped]
from hypothesis import Phase, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tests.props_strategies import UNSHARED_HOSTILE_VALUES, VARIABLE_NAMES, examples
from tests.test_cli import run as run_cli
from troposphere_patterns import cli

SENTINEL = "the previous render, which a failed run must leave alone\n"
# A run that takes longer is treated as hanging (an input that expands before any check).
RUN_SECONDS = 5

# JSON-like values as a props file holds them.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FILE_VALUES = st.one_of(JSON_VALUES, UNSHARED_HOSTILE_VALUES.filter(lambda v: _serializable(v)))


def _serializable(value: Any) -> bool:
    try:
        yaml.safe_dump(value)
    except yaml.YAMLError:
        return False
    return True


@st.composite
def props_documents(draw: st.DrawFn) -> dict[Any, Any]:
    """A props file's mapping: plausible fields, some values replaced by random ones."""
    document: dict[Any, Any] = {}
    if draw(st.booleans()):
        function: dict[str, Any] = {"MemorySize": draw(st.integers(128, 2048))}
        if draw(st.booleans()):
            function["Environment"] = {
                "Variables": draw(st.dictionaries(VARIABLE_NAMES, st.text(max_size=8), max_size=2))
            }
        if draw(st.booleans()):
            function["Code"] = draw(
                st.sampled_from(
                    [
                        {"S3Bucket": "my-bucket", "S3Key": "function.zip"},
                        {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:1"},
                    ]
                )
            )
        document["lambda_function_props"] = function
    if draw(st.booleans()):
        document["endpoint_props"] = {"Tags": [{"Key": "team", "Value": draw(st.text(max_size=8))}]}
    if draw(st.booleans()):
        document["vpc_props"] = {"MaxAzs": draw(st.integers(0, 7))}
    for name in draw(st.lists(st.sampled_from(_FIELDS), max_size=2)):
        document[name] = draw(FILE_VALUES)
    if draw(st.booleans()) and document:
        # One value anywhere replaced, as in the library's hostile props.
        name = draw(st.sampled_from(sorted(document, key=str)))
        if isinstance(document[name], dict):
            document[name] = {**document[name], draw(st.text(max_size=8)): draw(FILE_VALUES)}
        else:
            document[name] = draw(FILE_VALUES)
    return document


_FIELDS = [
    "lambda_function_props",
    "model_props",
    "endpoint_config_props",
    "endpoint_props",
    "vpc_props",
    "existing_vpc",
    "id_prefix",
    "deletion_policy",
    "sagemaker_environment_variable_name",
    "existing_sagemaker_endpoint_obj",
    "not_a_field",
]


def _dump(document: Any, form: str) -> tuple[bytes, str]:
    if form == "json":
        with contextlib.suppress(TypeError, ValueError):
            # NaN and Infinity as JavaScript writes them; sets, dates and bytes go to YAML.
            return json.dumps(document).encode(), "props.json"
    return yaml.safe_dump(document, allow_unicode=True).encode(), "props.yaml"


# Raw texts the file readers must survive (exit 2, or 0 when they mean something valid).
RAW_TEXTS = st.sampled_from(
    [
        b"",
        b"~\n",
        b"42\n",
        b"- a list\n",
        b"lambda_function_props: [unclosed\n",
        b"lambda_function_props: {MemorySize: .inf}\n",
        b"lambda_function_props: {MemorySize: .nan}\n",
        b"lambda_function_props: {Environment: {Variables: {MODEL_VERSION: 2024-01-01}}}\n",
        b"endpoint_props: {Tags: [{Key: a, Value: 2024-01-01T10:00:00}]}\n",
        b"endpoint_props: {Tags: {1: one, true: yes}}\n",
        b"model_props: !!python/object/apply:os.system [echo hi]\n",
        b"endpoint_props: {Tags: [{Key: a, Value: !Ref Stage}]}\n",
        b"id_prefix: !!binary aGVsbG8=\n",
        b"lambda_function_props: {Code: {ZipFile: !!binary aGVsbG8=}}\n",
        b"endpoint_props: {Tags: !!set {a, b}}\n",
        b"&a [*a]\n",
        b"\xef\xbb\xbfid_prefix: Bom\n",
        b'{"lambda_function_props": {"MemorySize": Infinity}}',
        b'{"id_prefix": "\\ud800"}',
        b'{"id_prefix": "A\\n"}',
    ]
)


@dataclass(frozen=True)
class Run:
    """One CLI run's inputs."""

    argv: list[str]
    props: bytes | None
    props_name: str
    output: bool


@st.composite
def runs(draw: st.DrawFn, files: st.SearchStrategy[tuple[bytes, str]] | None = None) -> Run:
    """Random arguments and, usually, a props file."""
    argv = ["lambda-sagemakerendpoint"]
    network = draw(st.sampled_from([[], ["--deploy-vpc"], ["--existing-vpc"]]))
    argv += network
    if draw(st.booleans()):
        argv.append("--existing-endpoint")
    if draw(st.booleans()):
        argv += ["--format", draw(st.sampled_from(["json", "yaml", "xml"]))]
    if draw(st.booleans()):
        argv += ["--id-prefix", draw(st.sampled_from(["Fraud", "a-b", "A" * 240, ""]))]
    if draw(st.booleans()):
        argv += ["--env-var-name", draw(st.one_of(VARIABLE_NAMES, st.text(min_size=1, max_size=6)))]
    props, name = None, "props.yaml"
    if files is None:
        files = st.one_of(
            st.tuples(props_documents(), st.sampled_from(["json", "yaml"])).map(
                lambda drawn: _dump(*drawn)
            ),
            st.tuples(RAW_TEXTS, st.sampled_from(["props.yaml", "props.json"])),
        )
    if draw(st.integers(0, 5)) > 0:
        props, name = draw(files)
    return Run(argv, props, name, output=draw(st.booleans()))


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"the run took over {seconds} s: input expanded before any limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_in_process(run: Run) -> None:
    """Run the CLI in this process and assert the contract."""
    with tempfile.TemporaryDirectory() as folder:
        argv = list(run.argv)
        if run.props is not None:
            path = Path(folder) / run.props_name
            path.write_bytes(run.props)
            argv += ["--props", str(path)]
        target = Path(folder) / "out.json"
        if run.output:
            target.write_text(SENTINEL)
            argv += ["-o", str(target)]
        note(f"argv={argv} props={run.props!r}"[:2000])
        out, err = io.StringIO(), io.StringIO()
        with (
            _deadline(RUN_SECONDS),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = cli.main(argv)
            except SystemExit as exit:  # argparse's usage errors
                code = exit.code if isinstance(exit.code, int) else 1
        _assert_outcome(
            code,
            out.getvalue(),
            err.getvalue(),
            target if run.output else None,
            yaml_out=_yaml(argv),
        )


def _yaml(argv: list[str]) -> bool:
    return any(pair == ("--format", "yaml") for pair in itertools.pairwise(argv))


def _assert_outcome(
    code: int, stdout: str, stderr: str, target: Path | None, *, yaml_out: bool = False
) -> None:
    said = f"exit {code}; stderr: {stderr[:500]}"
    with contextlib.suppress(InvalidArgument):  # outside a hypothesis test
        event(f"exit {code}")
    assert code != cli.EXIT_INTERNAL, f"a bug, not bad input (exit 70):\n{stderr[-3000:]}"
    assert code in (0, 2), said
    assert "Traceback" not in stderr, said
    if code != 0:
        assert stdout == "", f"output on stdout after a failure; {said}"
        assert stderr.strip(), "a failure without a message"
        if target is not None:
            assert target.read_text() == SENTINEL, "-o file changed by a failed run"
        return
    text = target.read_text() if target is not None else stdout
    assert text != SENTINEL
    template = load_yaml(text) if yaml_out else json.loads(text)
    assert template["Resources"]


@settings(max_examples=examples(test=120, fuzz=3000))
@given(runs())
def test_cli_exits_0_or_2_without_traceback(run: Run) -> None:
    run_in_process(run)


# Props files the front door must reject or read before anything expands or recurses (the CLI's
# file reading, before the library sees anything).
def _alias_bomb(levels: int = 7) -> bytes:
    """A few hundred bytes that hold 10**levels strings once every alias is followed."""
    lines = ["lambda_function_props:", "  Environment:", "    Variables:"]
    lines.append("      A0: &a0 [x, x, x, x, x, x, x, x, x, x]")
    for n in range(1, levels + 1):
        lines.append(f"      A{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    return ("\n".join(lines) + "\n").encode()


FILE_CLASSES = {
    "not UTF-8 (UTF-16 from PowerShell)": st.just(
        ("lambda_function_props: {MemorySize: 512}\n".encode("utf-16"), "props.yaml")
    ),
    "not UTF-8 (latin-1)": st.just(
        ("lambda_function_props: {Description: café}\n".encode("latin-1"), "props.yaml")
    ),
    "nested hundreds of levels (YAML)": st.integers(1000, 1500).map(
        lambda depth: (b"endpoint_props: {Tags: " + b"[" * depth + b"]" * depth + b"}\n", "p.yaml")
    ),
    "nested hundreds of levels (JSON)": st.integers(1000, 5000).map(
        lambda depth: (
            b'{"endpoint_props": {"Tags": ' + b"[" * depth + b"]" * depth + b"}}",
            "p.json",
        )
    ),
    "alias bomb before any size check": st.just((_alias_bomb(), "props.yaml")),
    "unknown top-level keys that are not strings": st.just((b"1: x\n2024-01-01: y\n", "p.yaml")),
}


@pytest.mark.parametrize("name", sorted(FILE_CLASSES))
def test_cli_reads_hostile_props_files_safely(name: str) -> None:
    # No shrinking: each example reads the whole hostile file, and a failure is the class itself.
    @settings(max_examples=examples(test=2, fuzz=50), phases=[Phase.explicit, Phase.generate])
    @given(runs(files=FILE_CLASSES[name]).filter(lambda run: run.props is not None))
    def check(run: Run) -> None:
        run_in_process(run)

    check()


@pytest.mark.parametrize(
    ("props", "ok"),
    [
        pytest.param(b"lambda_function_props: {MemorySize: 1024}\n", True, id="valid"),
        pytest.param(b"lambda_function_props: {Timeout: .inf}\n", False, id="infinity"),
        pytest.param(
            b"lambda_function_props: {Code: {ImageUri: x}}\n", False, id="second code source"
        ),
        pytest.param(b"id_prefix: " + b"A" * 240 + b"\n", False, id="long id_prefix"),
        pytest.param("id_prefix: Fraud\n".encode("utf-16"), True, id="UTF-16 props file"),
    ],
)
def test_real_runs_keep_the_contract(props: bytes, ok: bool, tmp_path: Path) -> None:
    (tmp_path / "props.yaml").write_bytes(props)
    (tmp_path / "out.json").write_text(SENTINEL)
    result = run_cli(
        "lambda-sagemakerendpoint", "--props", "props.yaml", "-o", "out.json", cwd=tmp_path
    )
    assert result.returncode == (0 if ok else 2), result.stderr
    _assert_outcome(result.returncode, result.stdout, result.stderr, tmp_path / "out.json")
    if not ok:
        assert result.stderr.count("error:") == 1, "one message, not a traceback"


def test_nan_from_a_json_file_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "props.json").write_text('{"lambda_function_props": {"MemorySize": NaN}}')
    result = run_cli("lambda-sagemakerendpoint", "--props", "props.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "lambda_function_props.MemorySize: nan is not a" in result.stderr
    assert result.stdout == ""
