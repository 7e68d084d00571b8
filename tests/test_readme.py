"""The README's examples, run as written: props files, command lines, the local and URL recipes.

A new user copies them first; each one that stops working fails here, not on their machine.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from troposphere_patterns import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
# A props file the README shows: a ```yaml block whose first line names it, or that follows
# a sentence ending in its name (`llm.yaml`:).
FILES = {
    **{
        name: text
        for name, text in re.findall(r"`(\S+\.yaml)`:\n\n```yaml\n(.*?)```", README, re.S)
    },
    **{name: text for text, name in re.findall(r"```yaml\n(# (\S+\.yaml)\b.*?)```", README, re.S)},
}
# Python recipes the README shows as files: ```python blocks whose first line names them.
RECIPES = {
    name: block for block, name in re.findall(r"```python\n(# (\S+\.py)\b.*?)```", README, re.S)
}


def command_lines() -> list[str]:
    """Every ``troposphere-patterns`` line of the README's ```sh blocks, comments dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("troposphere-patterns "):
                lines.append(shlex.join(shlex.split(line, comments=True)[1:]))
    return lines


def test_the_readme_shows_the_props_files_and_recipes_tested_here() -> None:
    shown = {"base.yaml", "prod.yaml", "options.yaml", "rollout.yaml", "warm.yaml", "llm.yaml"}
    shown |= {"multi-model.yaml"}
    assert shown <= set(FILES)
    assert {"try_locally.py", "call_url.py"} <= set(RECIPES)
    assert len(command_lines()) >= 14


@pytest.fixture
def in_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding every props file the README shows, as the current directory."""
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    # The templates the diagram examples draw: rendered as the README's first steps do.
    assert cli.main(["lambda-sagemakerendpoint", "-o", "out.json"]) == 0
    assert cli.main(["lambda-sagemakerendpoint", "-o", "my-stack.yaml"]) == 0
    return tmp_path


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_props_file_renders_alone(
    name: str, in_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["lambda-sagemakerendpoint", "--props", name]) == 0, capsys.readouterr().err
    out, err = capsys.readouterr()
    assert json.loads(out)["Resources"]
    assert "error" not in err


def test_prod_layers_over_base(in_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["lambda-sagemakerendpoint", "--props", "base.yaml", "--props", "prod.yaml"]
    assert cli.main(args) == 0
    function = json.loads(capsys.readouterr().out)["Resources"]["LambdaFunction"]["Properties"]
    assert function["MemorySize"] == 2048
    variables = function["Environment"]["Variables"]
    assert variables["STAGE"] == "prod"
    assert variables["MODEL_VERSION"] == "2024-01-01"  # from base.yaml, kept by the merge


@pytest.mark.parametrize("line", command_lines())
def test_each_command_line_runs(
    line: str, in_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = cli.main(shlex.split(line))
    except SystemExit as exit_:  # --help, --version
        status = exit_.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "error" not in err
    written = [word for word in shlex.split(line) if word.endswith((".json", ".yaml"))]
    if "-o" in line:
        assert (in_files / written[-1]).stat().st_size > 0
    else:
        assert out


def _run_recipe(name: str, tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = tmp_path / name
    script.write_text(RECIPES[name])
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**clean, "AWS_CONFIG_FILE": os.devnull, **env},
        check=False,
        timeout=60,
    )


def test_try_it_locally_answers_a_proxy_event_and_a_direct_invocation(tmp_path: Path) -> None:
    result = _run_recipe("try_locally.py", tmp_path, {})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    logs = [json.loads(line) for line in lines if line.startswith('{"message"')]
    assert [log["source"] for log in logs] == ["function-url", "direct"]
    assert all(log["status"] == 200 and log["endpoint"] == "fraud-endpoint" for log in logs)
    answers = [line for line in lines if not line.startswith('{"message"')]
    assert [json.loads(answer) for answer in answers] == [{"fraud_probability": 0.93}] * 2


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, dict(self.headers), body))
        answer = b'{"fraud_probability": 0.93}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def test_the_signed_request_recipe_signs_for_lambda_and_prints_the_answer(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        env = {
            "FUNCTION_URL": url,
            "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "local-secret",
        }
        result = _run_recipe("call_url.py", tmp_path, env)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout == '200 {"fraud_probability": 0.93}\n'
    [(path, headers, body)] = _Recorder.seen
    assert path == "/"
    assert json.loads(body) == {"amount": 120.5}
    authorization = headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/lambda/aws4_request" in authorization
    assert "X-Amz-Date" in headers


def test_the_shared_runtime_endpoint_snippet_merges_over_existing_vpc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [snippet] = re.findall(r"\n  ```yaml\n(  existing_vpc:\n.*?)  ```", README, re.S)
    path = tmp_path / "shared.yaml"
    path.write_text(textwrap.dedent(snippet))
    assert cli.main(["lambda-sagemakerendpoint", "--existing-vpc", "--props", str(path)]) == 0
    template = json.loads(capsys.readouterr().out)
    resources = template["Resources"]
    assert "SagemakerRuntimeVpcEndpoint" not in resources  # the VPC's own endpoint is used
    assert "SagemakerRuntimeVpcEndpointIngressFromLambda" in resources
    assert {"VpcId", "SubnetIds"} <= set(template["Parameters"])
    assert "RouteTableIds" not in template["Parameters"]
