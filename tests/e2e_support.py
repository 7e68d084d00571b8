"""A local AWS for tests/test_e2e.py: moto's server, the real AWS CLI pointed at it, and helpers.

Nothing here reaches AWS. Every subprocess gets an explicit environment (``aws_env``) with fake
credentials, ``AWS_ENDPOINT_URL`` set to the local server, no instance metadata, no user config
files, and HTTP(S) proxies on a closed local port: a request to any host other than 127.0.0.1
or localhost fails at once instead of reaching the internet. In-process boto3 clients always
get the local ``endpoint_url`` and fake credentials explicitly; os.environ is never changed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

HOST = "127.0.0.1"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
PARTITION = "aws"
CLOSED_PORT = "http://127.0.0.1:9"  # discard port: nothing listens, so proxied calls fail fast
ROOT = Path(__file__).resolve().parent.parent
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def aws_env(endpoint_url: str) -> dict[str, str]:
    """The environment for every AWS client here: the local server, fake keys, no way out."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key.upper() not in PROXY_VARS
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_ENDPOINT_URL=endpoint_url,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        HTTP_PROXY=CLOSED_PORT,
        HTTPS_PROXY=CLOSED_PORT,
        NO_PROXY=f"{HOST},localhost",
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
        env[name.lower()] = env[name]
    return env


class MotoServer:
    """``python -m moto.server`` on 127.0.0.1 and a free port; use as a context manager."""

    def __init__(self, log_path: Path, startup_timeout: float = 30.0) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = aws_env(self.url)
        self.log_path = log_path
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        # Talks to the server directly: no proxy from the environment applies.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> MotoServer:
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        deadline = time.monotonic() + self._startup_timeout
        while True:
            try:
                with self._opener.open(f"{self.url}/moto-api/", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    log_text = self.log_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"moto server did not start:\n{log_text}") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._proc = None

    def seed_endpoint_results(self, *results: dict[str, str]) -> None:
        """Queue InvokeEndpoint results (moto's endpoint-results API; any endpoint name).

        Each result: Body, ContentType, InvokedProductionVariant, CustomAttributes. moto hands
        the next queued result to the next InvokeEndpoint call with new details (body, Accept
        and X-Amzn-SageMaker-* headers; moto 5.2.5 ignores the endpoint name) and remembers it:
        the same call again gets the same result without taking another from the queue.
        """
        data = json.dumps({"account_id": ACCOUNT, "region": REGION, "results": list(results)})
        request = urllib.request.Request(
            f"{self.url}/moto-api/static/sagemaker/endpoint-results",
            data=data.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self._opener.open(request, timeout=10):
            pass

    def answered(self, method: str, path: str) -> int:
        """How many METHOD PATH requests the server has answered so far (its access log)."""
        return self.log_path.read_text(errors="replace").count(f'"{method} {path} HTTP/1.1" 200')

    def client(self, service: str) -> Any:
        """A boto3 client for the local server (explicit keys, region and endpoint).

        Made once per service (under a lock: making clients is not thread-safe, using them is).
        """
        with self._lock:
            if service not in self._clients:
                session = boto3.session.Session(
                    aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
                )
                self._clients[service] = session.client(service, endpoint_url=self.url)
            return self._clients[service]


@dataclass
class AwsCli:
    """The real AWS CLI (``aws`` next to this Python), pointed at the local server."""

    env: dict[str, str]
    exe: Path = field(default_factory=lambda: Path(sys.executable).with_name("aws"))

    def run(self, *args: str, extra_env: dict[str, str] | None = None) -> CliResult:
        """Run ``aws ARGS`` with the local environment (plus extra_env); never raises on exit."""
        started = time.monotonic()
        proc = subprocess.run(
            [str(self.exe), *args],
            env={**self.env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return CliResult(list(args), proc.returncode, proc.stdout, proc.stderr, started)

    def deploy(self, template: Path, stack: str, params: dict[str, str]) -> CliResult:
        """``aws cloudformation deploy`` with CAPABILITY_IAM (never CAPABILITY_NAMED_IAM)."""
        args = ["cloudformation", "deploy", "--template-file", str(template)]
        args += ["--stack-name", stack, "--capabilities", "CAPABILITY_IAM"]
        if params:
            args += ["--parameter-overrides", *(f"{k}={v}" for k, v in params.items())]
        return self.run(*args)


@dataclass
class CliResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    started: float
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.seconds = time.monotonic() - self.started

    def __str__(self) -> str:
        return (
            f"aws {' '.join(self.args)}\n-> exit {self.returncode} after {self.seconds:.1f} s\n"
            f"stdout: {self.stdout.strip()}\nstderr: {self.stderr.strip()}"
        )


# --------------------------------------------------------------------------- templates


class _CfnYamlLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags (!Ref, !GetAtt, !Sub ...) as long form."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnYamlLoader.add_multi_constructor("!", _cfn_tag)


def parse_template(body: Any) -> dict[str, Any]:
    """A template as a dict, from a dict or JSON or YAML text."""
    if isinstance(body, dict):
        return body
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = yaml.load(body, Loader=_CfnYamlLoader)
    assert isinstance(parsed, dict), "a template is a mapping"
    return parsed


def uses_fn_cidr(node: Any) -> bool:
    """Whether a template uses Fn::Cidr, which moto 5.2.5's CloudFormation lacks."""
    if isinstance(node, dict):
        return "Fn::Cidr" in node or any(uses_fn_cidr(v) for v in node.values())
    if isinstance(node, list):
        return any(uses_fn_cidr(v) for v in node)
    return False


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's server for the whole session; stopped by PID (terminate, then kill)."""
    log = tmp_path_factory.mktemp("moto") / "moto-server.log"
    with MotoServer(log) as server:
        yield server


@pytest.fixture(scope="session")
def aws(moto_server: MotoServer) -> AwsCli:
    cli = AwsCli(moto_server.env)
    if not cli.exe.is_file():
        pytest.fail(f"the AWS CLI is not installed next to {sys.executable} (pip install awscli)")
    return cli
