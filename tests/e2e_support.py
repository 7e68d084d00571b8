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
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import yaml

from tests.moto_server import HOST, MotoServer

REGION = "us-east-1"
# aws cloudformation deploy sends a larger body through an S3 bucket (--s3-bucket).
INLINE_BODY_BYTES = 51_200
TEMPLATE_BUCKET = "e2e-templates"
ACCOUNT = "123456789012"  # moto's default account
PARTITION = "aws"
CLOSED_PORT = "http://127.0.0.1:9"  # discard port: nothing listens, so proxied calls fail fast
ROOT = Path(__file__).resolve().parent.parent
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


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


class LocalAws(MotoServer):
    """moto's server started with ``aws_env`` (its own URL), plus boto3 clients for it."""

    env: dict[str, str]

    def __init__(self, log_path: Path, startup_timeout: float = 30.0) -> None:
        super().__init__(log_path, startup_timeout=startup_timeout)
        self.env = aws_env(self.url)
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

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
        extra_env = None
        if template.stat().st_size > INLINE_BODY_BYTES:  # as the README says to deploy it
            args += ["--s3-bucket", TEMPLATE_BUCKET]
            # moto 5.2.5 finds the bucket of a TemplateURL in its path only when the URL says
            # "localhost" (it takes 127.0.0.1's "127" for a bucket): same server, named so.
            endpoint = urlsplit(self.env["AWS_ENDPOINT_URL"])
            extra_env = {"AWS_ENDPOINT_URL_S3": f"http://localhost:{endpoint.port}"}
        if params:
            args += ["--parameter-overrides", *(f"{k}={v}" for k, v in params.items())]
        return self.run(*args, extra_env=extra_env)


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
# Named apart from their functions, so a test module can import them (and so register them) and
# still take ``moto_server`` and ``aws`` as parameters without redefining an imported name.


@pytest.fixture(scope="session", name="moto_server")
def moto_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    """moto's server for the whole session; stopped by PID (terminate, then kill)."""
    log = tmp_path_factory.mktemp("moto") / "moto-server.log"
    with LocalAws(log) as server:
        yield server


@pytest.fixture(scope="session", name="aws")
def aws_fixture(moto_server: LocalAws) -> AwsCli:
    moto_server.client("s3").create_bucket(Bucket=TEMPLATE_BUCKET)
    cli = AwsCli(moto_server.env)
    if not cli.exe.is_file():
        pytest.fail(f"the AWS CLI is not installed next to {sys.executable} (pip install awscli)")
    return cli
