"""Behaviour of the handler code templates inline, against local SageMaker Runtime servers.

Every test runs exactly the text a template carries (``handler_source``): the real-time variant,
or the async one for tests of async endpoints. Happy paths run against moto's server (the real
REST shape and SigV4 signing); faults that moto cannot produce run against ``FakeSageMaker``,
which also records what the handler sent.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.handler_servers import FakeSageMaker, Reply
from tests.moto_server import MotoServer, free_port
from troposphere_patterns import handler_source

ROOT = Path(__file__).resolve().parent.parent
HANDLER_PATH = ROOT / "handler_src" / "lambda_sagemakerendpoint.py"
ENDPOINT = "my-endpoint"
ACCOUNT = "123456789012"
_loaded = 0


# --------------------------------------------------------------------------- fixtures


@dataclass
class FakeContext:
    """The parts of the Lambda context object the handler uses."""

    remaining_ms: int = 90_000
    aws_request_id: str = "c0ffee00-0000-4000-8000-000000000001"

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_module(source: str | None = None, asynchronous: bool = False) -> types.ModuleType:
    """A fresh copy of the inlined code (as Lambda runs index.py), with its own clients.

    Clients are made at import from the environment: load after setting it.
    """
    global _loaded
    _loaded += 1
    name = f"lambda_sagemakerendpoint_{_loaded}"
    if source is None:
        source = handler_source(asynchronous=asynchronous)
    module = types.ModuleType(name)
    module.__file__ = "index.py"
    sys.modules[name] = module  # dataclasses and friends resolve the module by name
    exec(compile(source, "index.py", "exec"), module.__dict__)
    return module


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials, no shared config, nothing that could reach AWS."""
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "SAGEMAKER_ENDPOINT_ENV_VAR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "missing-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing-credentials"))
    monkeypatch.setenv("SAGEMAKER_ENDPOINT_NAME", ENDPOINT)
    # Nothing listens there: a client made before a test's server is set can reach nothing.
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    for name in (
        "SAGEMAKER_INFERENCE_COMPONENTS",
        "SAGEMAKER_TARGET_MODELS",
        "SAGEMAKER_READ_TIMEOUT_SECONDS",
        "AWS_ENDPOINT_URL_S3",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    return moto_server


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSageMaker]:
    with FakeSageMaker() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        yield server


@pytest.fixture
def mod(request: pytest.FixtureRequest) -> types.ModuleType:
    """The code a template inlines: the async variant for tests of async endpoints.

    Loaded after the test's server fixtures (requested before it), whose URL the clients take.
    """
    return load_module(asynchronous="async_env" in request.fixturenames)


# --------------------------------------------------------------------------- events


def rest_event(body: str | None, headers: dict[str, str] | None = None, b64: bool = False) -> Any:
    """API Gateway REST API (payload format 1.0) proxy event."""
    return {
        "resource": "/predict",
        "path": "/predict",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in (headers or {}).items()} or None,
        "queryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"requestId": "rest-req-1", "stage": "prod", "httpMethod": "POST"},
        "body": body,
        "isBase64Encoded": b64,
    }


def http_event(
    body: str | None,
    headers: dict[str, str] | None = None,
    b64: bool = False,
    domain: str = "abc123.execute-api.us-east-1.amazonaws.com",
) -> Any:
    """HTTP API (payload format 2.0) event; function URLs send the same shape."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "POST /predict",
        "rawPath": "/predict",
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {
            "domainName": domain,
            "http": {"method": "POST", "path": "/predict", "sourceIp": "198.51.100.7"},
            "requestId": "http-req-1",
        },
        "isBase64Encoded": b64,
    }
    if body is not None:  # HTTP APIs and function URLs omit "body" when there is none
        event["body"] = body
    return event


def url_event(body: str | None, headers: dict[str, str] | None = None, b64: bool = False) -> Any:
    return http_event(body, headers, b64, domain="abc123.lambda-url.us-east-1.on.aws")


def call(mod: types.ModuleType, event: Any, context: FakeContext | None = None) -> Any:
    return mod.handler(event, context or FakeContext())


def error_of(response: dict[str, Any]) -> dict[str, Any]:
    assert response["headers"]["Content-Type"] == "application/json"
    assert response["isBase64Encoded"] is False
    body: dict[str, Any] = json.loads(response["body"])
    return body


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


# --------------------------------------------------------------------------- moto: event shapes


PREDICTION = {"Body": '{"score": 0.93}', "ContentType": "application/json"}


@pytest.mark.parametrize("make_event", [rest_event, http_event, url_event])
def test_proxy_events_return_the_prediction(
    moto: MotoServer, mod: types.ModuleType, make_event: Any
) -> None:
    moto.seed({**PREDICTION, "InvokedProductionVariant": "blue", "CustomAttributes": "trace=1"})
    response = call(mod, make_event('{"features": [1, 2]}', {"Content-Type": "application/json"}))
    assert response == {
        "statusCode": 200,
        "headers": {
            "Content-Type": "application/json",
            "X-Amzn-SageMaker-Custom-Attributes": "trace=1",
            "X-Amzn-Invoked-Production-Variant": "blue",
        },
        "body": '{"score": 0.93}',
        "isBase64Encoded": False,
    }


def test_base64_proxy_body_is_decoded(moto: MotoServer, mod: types.ModuleType) -> None:
    moto.seed(PREDICTION)
    body = base64.b64encode(b'{"features": [1, 2]}').decode()
    response = call(mod, url_event(body, {"content-type": "application/json"}, b64=True))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"score": 0.93}


def test_direct_invocation_returns_parsed_json(moto: MotoServer, mod: types.ModuleType) -> None:
    moto.seed(PREDICTION)
    assert call(mod, {"features": [1, 2]}) == {"score": 0.93}


def test_direct_invocation_returns_text_predictions(
    moto: MotoServer, mod: types.ModuleType
) -> None:
    moto.seed({"Body": "0.93\n0.12\n", "ContentType": "text/csv"})
    assert call(mod, [[1, 2], [3, 4]]) == "0.93\n0.12\n"


def test_client_is_created_at_import_and_used_while_time_allows(
    moto: MotoServer, mod: types.ModuleType
) -> None:
    client = mod.CLIENTS["sagemaker-runtime"]  # made in the init phase, not on a request
    assert client.meta.endpoint_url == moto.url
    assert client.meta.config.read_timeout == 70
    moto.seed(PREDICTION, PREDICTION)
    call(mod, {"a": 1})
    call(mod, {"a": 2})
    assert mod.CLIENTS["sagemaker-runtime"] is client
    assert mod._shorter == {}  # 90 s left each time: no shorter client was needed


def test_template_inlines_this_handler_and_it_runs(moto: MotoServer) -> None:
    """The default template's Code.ZipFile is this file, and that copy serves a request."""
    result = subprocess.run(
        [sys.executable, "-m", "troposphere_patterns", "lambda-sagemakerendpoint"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    template = json.loads(result.stdout)
    source = template["Resources"]["LambdaFunction"]["Properties"]["Code"]["ZipFile"]
    assert source == handler_source(asynchronous=False)
    inlined = load_module(source)
    moto.seed(PREDICTION)
    response = inlined.handler(http_event('{"x": 1}'), FakeContext())
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"score": 0.93}


# --------------------------------------------------------------------------- what is forwarded


def test_headers_are_forwarded_case_insensitively(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    headers = {
        "CONTENT-TYPE": "text/csv",
        "accept": "text/csv",
        "X-Amzn-SageMaker-Target-Variant": "variant-b",
        "x-amzn-sagemaker-custom-attributes": "tenant=acme",
        "X-AMZN-SAGEMAKER-INFERENCE-ID": "req 42",
    }
    response = call(mod, rest_event("1,2,3", headers))
    assert response["statusCode"] == 200
    assert response["body"] == "1,2,3"
    assert response["headers"]["Content-Type"] == "text/csv"
    [sent] = fake.requests
    assert sent.path == f"/endpoints/{ENDPOINT}/invocations"
    assert sent.body == b"1,2,3"
    assert sent.headers["content-type"] == "text/csv"
    assert sent.headers["accept"] == "text/csv"
    assert sent.headers["x-amzn-sagemaker-target-variant"] == "variant-b"
    assert sent.headers["x-amzn-sagemaker-custom-attributes"] == "tenant=acme"
    assert sent.headers["x-amzn-sagemaker-inference-id"] == "req 42"


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_content_type_and_accept_default_to_json(
    fake: FakeSageMaker, mod: types.ModuleType, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else None
    assert call(mod, http_event('{"x": 1}', headers))["statusCode"] == 200
    [sent] = fake.requests
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "application/json"
    assert "x-amzn-sagemaker-target-variant" not in sent.headers


def test_binary_request_and_prediction_round_trip(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    image = bytes(range(256)) * 4  # not UTF-8
    fake.replies.append(Reply(body=image[::-1], headers={"Content-Type": "image/png"}))
    event = url_event(
        base64.b64encode(image).decode(),
        {"Content-Type": "image/jpeg", "Accept": "image/png"},
        True,
    )
    response = call(mod, event)
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True
    assert response["headers"]["Content-Type"] == "image/png"
    assert base64.b64decode(response["body"]) == image[::-1]
    assert fake.requests[0].body == image


def test_direct_envelope_sets_options(fake: FakeSageMaker, mod: types.ModuleType) -> None:
    fake.replies.append(Reply(body=b"\x89PNG\r\n\x1a\n\xff", headers={"Content-Type": "image/png"}))
    result = call(
        mod,
        {
            "Body": "5.1,3.5,1.4",
            "ContentType": "text/csv",
            "Accept": "image/png",
            "TargetVariant": "canary",
            "CustomAttributes": "a=b",
            "InferenceId": "id-7",
        },
    )
    assert base64.b64decode(result) == b"\x89PNG\r\n\x1a\n\xff"  # binary comes back as base64
    [sent] = fake.requests
    assert sent.body == b"5.1,3.5,1.4"
    assert sent.headers["content-type"] == "text/csv"
    assert sent.headers["x-amzn-sagemaker-target-variant"] == "canary"
    assert sent.headers["x-amzn-sagemaker-custom-attributes"] == "a=b"
    assert sent.headers["x-amzn-sagemaker-inference-id"] == "id-7"


def test_direct_payload_without_body_is_the_payload(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    payload = {"Accept": "x", "TargetModel": "a.tar.gz", "temperature": 0.2}
    assert call(mod, payload) == payload
    assert json.loads(fake.requests[0].body) == payload


@pytest.mark.parametrize("key", ["temperature", "targetModel", "inference_component"])
def test_an_envelope_with_an_unknown_key_is_refused_naming_it(
    fake: FakeSageMaker, mod: types.ModuleType, key: str
) -> None:
    with pytest.raises(mod.EndpointInvocationError, match=f"Unknown envelope key {key}") as info:
        call(mod, {"Body": {"x": 1}, key: "x"})
    assert info.value.status == 400
    assert fake.requests == []  # never sent as the payload


def test_custom_endpoint_variable(
    fake: FakeSageMaker, mod: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAGEMAKER_ENDPOINT_NAME")
    monkeypatch.setenv("SAGEMAKER_ENDPOINT_ENV_VAR", "MODEL_ENDPOINT")
    monkeypatch.setenv("MODEL_ENDPOINT", "other-endpoint")
    assert call(mod, {"x": 1}) == {"x": 1}
    assert fake.requests[0].path == "/endpoints/other-endpoint/invocations"


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("event", "status"),
    [
        (http_event(None), 400),  # no body at all
        (rest_event(None), 400),
        (rest_event("not base64!", b64=True), 400),
        (rest_event("{broken", {"Content-Type": "application/json"}), 400),
        (rest_event("{}", {"X-Amzn-SageMaker-Custom-Attributes": "caf\u00e9"}), 400),
        (rest_event("{}", {"X-Amzn-SageMaker-Inference-Id": "x" * 65}), 400),
        (rest_event("{}", {"X-Amzn-SageMaker-Custom-Attributes": ""}), 400),
        (rest_event("{}", {"Accept": "text/csv\r\nX-Injected: 1"}), 400),
        (url_event("a" * (6 * 1024 * 1024 + 1), {"Content-Type": "text/plain"}), 413),
        (
            url_event(base64.b64encode(b"\0" * (6 * 1024 * 1024 + 1)).decode(), b64=True),
            413,
        ),
    ],
)
def test_malformed_requests_are_rejected_before_sagemaker(
    fake: FakeSageMaker, mod: types.ModuleType, event: Any, status: int
) -> None:
    response = call(mod, event)
    assert response["statusCode"] == status
    assert error_of(response)["error"] in ("BadRequest", "PayloadTooLarge")
    assert fake.requests == []


def test_payload_of_exactly_6_mib_is_accepted(fake: FakeSageMaker, mod: types.ModuleType) -> None:
    fake.replies.append(Reply(body=b"ok", headers={"Content-Type": "text/plain"}))
    response = call(mod, url_event("a" * (6 * 1024 * 1024), {"Content-Type": "text/plain"}))
    assert response["statusCode"] == 200
    assert len(fake.requests[0].body) == 6 * 1024 * 1024


def test_direct_invocation_raises_on_bad_input(fake: FakeSageMaker, mod: types.ModuleType) -> None:
    with pytest.raises(mod.EndpointInvocationError, match="not valid JSON") as info:
        call(mod, {"Body": "{oops", "ContentType": "application/json"})
    assert info.value.status == 400
    assert fake.requests == []


# --------------------------------------------------------------------------- SageMaker faults


def model_error(status: int, original: str) -> Reply:
    return Reply.error(
        "ModelError",
        424,
        Message=f"Received client error ({status}) from primary with message "
        f'"{original}". See https://us-east-1.console.aws.amazon.com/cloudwatch/home'
        f"?region=us-east-1#logEventViewer:group=/aws/sagemaker/Endpoints/{ENDPOINT} "
        f"in account {ACCOUNT} for more information.",
        OriginalStatusCode=status,
        OriginalMessage=original,
        LogStreamArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/sagemaker/Endpoints/x",
    )


def assert_nothing_leaks(response: dict[str, Any]) -> None:
    text = response["body"]
    for secret in (ACCOUNT, "arn:aws", "Traceback", "console.aws.amazon.com", "127.0.0.1"):
        assert secret not in text


def test_model_error_is_a_502_with_the_containers_status_and_message(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(model_error(400, "feature 'age' is missing"))
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 502
    assert error_of(response) == {
        "error": "ModelError",
        "message": "feature 'age' is missing",
        "modelStatusCode": 400,
        "requestId": FakeContext.aws_request_id,
    }
    assert_nothing_leaks(response)
    assert len(fake.requests) == 1  # a model error is never retried


def test_model_error_message_is_scrubbed_of_arns_and_account_ids(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(
        model_error(500, f"cannot read arn:aws:s3:::bucket/{ACCOUNT}/model.tar.gz as {ACCOUNT}")
    )
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 502
    assert error_of(response)["modelStatusCode"] == 500
    assert_nothing_leaks(response)


def test_container_timeout_reported_by_sagemaker_is_a_504(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(
        model_error(0, "Your invocation timed out while waiting for a response from container")
    )
    response = call(mod, http_event('{"x": 1}'))
    assert response["statusCode"] == 504
    assert_nothing_leaks(response)


@pytest.mark.parametrize(
    ("reply", "status", "attempts"),
    [
        (Reply.error("ThrottlingException", 400, message="Rate exceeded"), 429, 3),
        (Reply.error("ModelNotReadyException", 429, Message="Model is loading"), 429, 3),
        (Reply.error("ServiceUnavailable", 503, Message="Service unavailable"), 503, 1),
        (Reply.error("InternalFailure", 500, Message="Internal failure"), 500, 1),
        (Reply.error("InternalDependencyException", 530, Message="Dependency"), 503, 1),
    ],
)
def test_service_errors_map_to_http_statuses_and_only_throttling_is_retried(
    fake: FakeSageMaker, mod: types.ModuleType, reply: Reply, status: int, attempts: int
) -> None:
    fake.replies.extend([reply] * 5)
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == status
    assert_nothing_leaks(response)
    assert len(fake.requests) == attempts


def test_throttling_that_clears_is_retried_to_success(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.extend([Reply.error("ThrottlingException", 400, message="Rate exceeded")] * 2)
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 200
    assert len(fake.requests) == 3


def test_throttling_is_not_retried_when_the_function_is_nearly_out_of_time(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.extend([Reply.error("ThrottlingException", 400, message="Rate exceeded")] * 3)
    # 5.5 s left: less than a connect, a second of reading and the 3 s margin after a backoff.
    response = call(mod, rest_event('{"x": 1}'), FakeContext(remaining_ms=5_500))
    assert response["statusCode"] == 429
    assert len(fake.requests) == 1


def test_read_timeout_is_a_504_and_the_inference_is_sent_once(
    fake: FakeSageMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGEMAKER_READ_TIMEOUT_SECONDS", "0.5")  # as the template sets it
    mod = load_module()
    assert mod.CLIENTS["sagemaker-runtime"].meta.config.read_timeout == 0.5
    fake.replies.append(Reply(delay=3))
    started = time.monotonic()
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 504
    assert error_of(response)["error"] == "Timeout"
    assert time.monotonic() - started < 2
    time.sleep(0.3)  # a re-sent request would have arrived by now
    assert len(fake.requests) == 1


def test_read_timeout_shrinks_to_fit_the_functions_remaining_time(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(Reply(delay=5))
    started = time.monotonic()
    # 4 s left and a 3 s margin: the handler must give up after ~1 s, not wait 70 s.
    response = call(mod, http_event('{"x": 1}'), FakeContext(remaining_ms=4_000))
    assert response["statusCode"] == 504
    assert time.monotonic() - started < 2.5
    assert len(fake.requests) == 1
    # The bound is per call: the next request, with time enough, gets the full read timeout.
    fake.replies.append(Reply(delay=1.5))
    assert call(mod, http_event('{"x": 1}'))["statusCode"] == 200


def test_unreachable_sagemaker_is_a_503(
    mod: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aws_env points the clients at a port nothing listens on.
    monkeypatch.setattr(mod, "BACKOFF_BASE", 0.01)
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 503
    assert_nothing_leaks(response)


def test_direct_invocation_raises_the_mapped_error(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(model_error(500, "division by zero"))
    with pytest.raises(mod.EndpointInvocationError, match="division by zero") as info:
        call(mod, {"x": 1})
    assert (info.value.status, info.value.error, info.value.model_status) == (
        502,
        "ModelError",
        500,
    )
    assert ACCOUNT not in str(info.value)


def test_prediction_too_large_for_lambda_is_a_502(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(
        Reply(body=b"x" * (6 * 1024 * 1024), headers={"Content-Type": "text/plain"})
    )
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 502
    assert error_of(response)["error"] == "ResponseTooLarge"


# --------------------------------------------------------------------------- config, crashes, logs


def test_missing_endpoint_configuration(
    mod: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAGEMAKER_ENDPOINT_NAME")
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 500
    assert error_of(response)["error"] == "ConfigurationError"
    with pytest.raises(mod.EndpointInvocationError, match="No endpoint is configured"):
        call(mod, {"x": 1})


def test_unexpected_failures_are_500_without_details(
    mod: types.ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(service: str, context: Any) -> Any:
        raise RuntimeError(f"boom arn:aws:iam::{ACCOUNT}:role/secret")

    monkeypatch.setattr(mod, "_client_for", explode)
    response = call(mod, http_event('{"x": 1}'))
    assert response["statusCode"] == 500
    assert error_of(response)["error"] == "InternalError"
    assert "boom" not in response["body"]
    assert_nothing_leaks(response)
    [line] = log_lines(capsys)
    assert "RuntimeError" in line["trace"]  # operators still get the stack trace


def test_one_structured_log_line_per_request_without_the_payload(
    fake: FakeSageMaker, mod: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    call(mod, rest_event('{"secret": "4111-1111"}', {"Accept": "application/json"}))
    fake.replies.append(model_error(400, "bad"))
    call(mod, http_event('{"secret": "4111-1111"}'))
    ok, failed = log_lines(capsys)
    assert ok["requestId"] == FakeContext.aws_request_id
    assert ok["apiRequestId"] == "rest-req-1"
    assert (ok["source"], ok["endpoint"], ok["status"], ok["outcome"]) == (
        "rest-api",
        ENDPOINT,
        200,
        "ok",
    )
    assert (ok["contentType"], ok["accept"]) == ("application/json", "application/json")
    assert ok["bytesIn"] == ok["bytesOut"] == len('{"secret": "4111-1111"}')
    assert isinstance(ok["latencyMs"], float)
    assert (failed["source"], failed["status"], failed["outcome"]) == (
        "http-api",
        502,
        "ModelError",
    )
    assert failed["modelStatus"] == 400
    assert "4111" not in json.dumps([ok, failed])


# --------------------------------------------------------------------------- async endpoints

BUCKET = "async-bucket"
INPUT = f"s3://{BUCKET}/async-input/"
OUTPUT = f"s3://{BUCKET}/async-output"  # without the trailing slash: the handler adds it
FAILURE = f"s3://{BUCKET}/async-failure/"
# SageMaker names results with a UUID of its own: the id the caller gets.
RESULT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def async_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAGEMAKER_ASYNC_INPUT_LOCATION", INPUT)
    monkeypatch.setenv("SAGEMAKER_ASYNC_OUTPUT_LOCATION", OUTPUT)
    monkeypatch.setenv("SAGEMAKER_ASYNC_FAILURE_LOCATION", FAILURE)


@pytest.fixture
def runtime(async_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSageMaker]:
    """SageMaker Runtime answering InvokeEndpointAsync as AWS does.

    moto names its results response.json in a bucket of its own, which the handler refuses.
    """
    with FakeSageMaker(async_output=f"{OUTPUT}/", async_failure=FAILURE) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", server.url)
        yield server


@pytest.fixture
def s3(moto: MotoServer, runtime: FakeSageMaker) -> Any:
    """moto's S3 (the real REST shape) beside ``runtime``."""
    client = boto3.client("s3", endpoint_url=moto.url, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


def input_key(runtime: FakeSageMaker) -> str:
    """The key of the input the last queued request points SageMaker to."""
    location = runtime.requests[-1].headers["x-amzn-sagemaker-inputlocation"]
    assert location.startswith(f"s3://{BUCKET}/async-input/")
    return location.removeprefix(f"s3://{BUCKET}/")


def status_event(inference_id: str, make_event: Any = http_event) -> Any:
    event = make_event(None)
    event["queryStringParameters"] = {"inferenceId": inference_id}
    if "httpMethod" in event:
        event["httpMethod"] = "GET"
    else:
        event["requestContext"]["http"]["method"] = "GET"
    return event


def test_async_request_uploads_the_payload_and_queues_it(
    s3: Any, runtime: FakeSageMaker, mod: types.ModuleType
) -> None:
    response = call(mod, rest_event('{"audio": "..."}', {"Content-Type": "application/json"}))
    assert response["statusCode"] == 202
    body = json.loads(response["body"])
    inference_id = body["inferenceId"]
    assert RESULT_ID.fullmatch(inference_id)
    # The id is the name SageMaker gave the result, and both locations follow from it.
    assert body == {
        "inferenceId": inference_id,
        "status": "InProgress",
        "outputLocation": f"s3://{BUCKET}/async-output/{inference_id}.out",
        "failureLocation": f"s3://{BUCKET}/async-failure/{inference_id}-error.out",
    }
    assert runtime.requests[-1].headers["x-amzn-sagemaker-inference-id"] != inference_id
    stored = s3.get_object(Bucket=BUCKET, Key=input_key(runtime))
    assert stored["Body"].read() == b'{"audio": "..."}'
    assert stored["ContentType"] == "application/json"
    assert [r.path for r in runtime.requests] == [f"/endpoints/{ENDPOINT}/async-invocations"]
    # A second request gets its own id and its own input object.
    again = json.loads(call(mod, rest_event('{"audio": "2"}'))["body"])["inferenceId"]
    assert again != inference_id


@pytest.mark.parametrize("make_event", [rest_event, http_event, url_event])
def test_async_status_is_pending_then_the_result(
    s3: Any, mod: types.ModuleType, make_event: Any
) -> None:
    submitted = json.loads(call(mod, make_event('{"x": 1}'))["body"])
    inference_id = submitted["inferenceId"]
    pending = call(mod, status_event(inference_id, make_event))
    assert pending["statusCode"] == 202
    assert json.loads(pending["body"]) == {"inferenceId": inference_id, "status": "InProgress"}
    s3.put_object(
        Bucket=BUCKET,
        Key=f"async-output/{inference_id}.out",
        Body=b'{"transcript": "hello"}',
        ContentType="application/json",
    )
    done = call(mod, status_event(inference_id, make_event))
    assert done == {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": '{"transcript": "hello"}',
        "isBase64Encoded": False,
    }


def test_async_direct_invocation_submits_and_asks_for_the_result(
    s3: Any, runtime: FakeSageMaker, mod: types.ModuleType
) -> None:
    submitted = call(mod, {"Body": "1,2,3", "ContentType": "text/csv", "Accept": "text/csv"})
    inference_id = submitted["inferenceId"]
    assert submitted["status"] == "InProgress"
    assert s3.get_object(Bucket=BUCKET, Key=input_key(runtime))["Body"].read() == b"1,2,3"
    assert call(mod, {"InferenceId": inference_id}) == {
        "inferenceId": inference_id,
        "status": "InProgress",
    }
    s3.put_object(
        Bucket=BUCKET,
        Key=f"async-output/{inference_id}.out",
        Body=b'{"label": "cat"}',
        ContentType="application/json",
    )
    assert call(mod, {"InferenceId": inference_id}) == {"label": "cat"}


def test_async_binary_result_comes_back_as_base64(s3: Any, mod: types.ModuleType) -> None:
    inference_id = call(mod, {"x": 1})["inferenceId"]
    image = bytes(range(256))
    s3.put_object(
        Bucket=BUCKET, Key=f"async-output/{inference_id}.out", Body=image, ContentType="image/png"
    )
    response = call(mod, status_event(inference_id, url_event))
    assert response["isBase64Encoded"] is True
    assert response["headers"]["Content-Type"] == "image/png"
    assert base64.b64decode(response["body"]) == image


def test_async_failure_is_a_502_with_the_failure_text(s3: Any, mod: types.ModuleType) -> None:
    inference_id = call(mod, {"x": 1})["inferenceId"]
    s3.put_object(
        Bucket=BUCKET,
        Key=f"async-failure/{inference_id}-error.out",
        Body=f"CUDA out of memory on arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/x".encode(),
    )
    response = call(mod, status_event(inference_id))
    assert response["statusCode"] == 502
    assert error_of(response) == {
        "error": "ModelError",
        "message": "CUDA out of memory on <redacted>",
        "requestId": FakeContext.aws_request_id,
    }
    assert_nothing_leaks(response)
    with pytest.raises(mod.EndpointInvocationError, match="CUDA out of memory") as info:
        call(mod, {"InferenceId": inference_id})
    assert info.value.status == 502


def test_async_result_too_large_for_lambda_is_refused_unread(
    s3: Any, mod: types.ModuleType
) -> None:
    inference_id = call(mod, {"x": 1})["inferenceId"]
    s3.put_object(
        Bucket=BUCKET, Key=f"async-output/{inference_id}.out", Body=b"x" * (6 * 1024 * 1024)
    )
    response = call(mod, status_event(inference_id))
    assert response["statusCode"] == 502
    assert error_of(response)["error"] == "ResponseTooLarge"


@pytest.mark.parametrize(
    "inference_id",
    [
        "../async-input/0123456789abcdef0123456789abcdef",
        "a/b",
        "x.out",
        "-leading-dash",
        "x" * 129,
        "0123456789abcdef0123456789abcdef\n",
        "",
        7,
    ],
)
def test_async_status_refuses_any_id_that_is_no_result_name(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType, inference_id: Any
) -> None:
    if isinstance(inference_id, str):
        response = call(mod, status_event(inference_id))
        assert response["statusCode"] == 400
        assert error_of(response)["message"] == "Invalid inferenceId"
    with pytest.raises(mod.EndpointInvocationError, match="Invalid inferenceId"):
        call(mod, {"InferenceId": inference_id})
    assert fake.requests == []  # nothing was read


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Amzn-SageMaker-Inference-Id": "mine"},
        {"X-Amzn-SageMaker-Target-Variant": "blue"},
        {"X-Amzn-SageMaker-Target-Model": "a.tar.gz"},
        {"X-Amzn-SageMaker-Inference-Component": "chat"},
        {"X-Amzn-SageMaker-Session-Id": "NEW_SESSION"},
    ],
)
def test_async_request_refuses_options_an_async_endpoint_cannot_honour(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType, headers: dict[str, str]
) -> None:
    response = call(mod, http_event('{"x": 1}', headers))
    assert response["statusCode"] == 400
    assert "not accepted by an async endpoint" in error_of(response)["message"]
    assert fake.requests == []


def test_async_request_sends_what_invoke_endpoint_async_takes(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType
) -> None:
    image = bytes(range(256)) * 64  # binary, not UTF-8
    fake.async_output, fake.async_failure = f"{OUTPUT}/", FAILURE
    fake.replies += [Reply(body=b""), Reply(body=b"{}")]
    event = url_event(
        base64.b64encode(image).decode(),
        {
            "Content-Type": "image/jpeg",
            "Accept": "application/json",
            "X-Amzn-SageMaker-Custom-Attributes": "tenant=acme",
        },
        b64=True,
    )
    response = call(mod, event)
    assert response["statusCode"] == 202
    put, queued = fake.requests
    inference_id = queued.headers["x-amzn-sagemaker-inference-id"]
    assert re.fullmatch("[0-9a-f]{32}", inference_id)  # drawn by the function
    assert (put.method, put.path) == ("PUT", f"/{BUCKET}/async-input/{inference_id}")
    assert put.headers["content-type"] == "image/jpeg"
    assert image in put.body  # the decoded payload, whole
    assert (queued.method, queued.path) == ("POST", f"/endpoints/{ENDPOINT}/async-invocations")
    assert queued.headers["x-amzn-sagemaker-inputlocation"] == (
        f"s3://{BUCKET}/async-input/{inference_id}"
    )
    assert queued.headers["x-amzn-sagemaker-inference-id"] == inference_id
    assert queued.headers["x-amzn-sagemaker-content-type"] == "image/jpeg"
    assert queued.headers["x-amzn-sagemaker-accept"] == "application/json"
    assert queued.headers["x-amzn-sagemaker-custom-attributes"] == "tenant=acme"
    assert queued.body == b""  # the payload went to S3, not into the call


def test_async_status_reads_access_denied_as_not_written_yet(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType
) -> None:
    """Without s3:ListBucket (not granted), S3 answers a missing object with 403, not 404."""
    fake.replies += [Reply.s3_error("AccessDenied", 403), Reply.s3_error("AccessDenied", 403)]
    inference_id = "0123456789abcdef0123456789abcdef"
    response = call(mod, status_event(inference_id))
    assert response["statusCode"] == 202
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", f"/{BUCKET}/async-output/{inference_id}.out"),
        ("GET", f"/{BUCKET}/async-failure/{inference_id}-error.out"),
    ]


def test_async_status_reports_other_s3_errors(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType
) -> None:
    fake.replies.append(Reply.s3_error("InternalError", 500))
    response = call(mod, status_event("0123456789abcdef0123456789abcdef"))
    assert response["statusCode"] == 500
    assert_nothing_leaks(response)


def test_async_queue_throttling_is_retried_and_then_a_429(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType
) -> None:
    fake.replies.append(Reply(body=b""))  # the upload
    fake.replies += [Reply.error("ThrottlingException", 400, message="Rate exceeded")] * 3
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 429
    assert [r.method for r in fake.requests] == ["PUT", "POST", "POST", "POST"]


def test_async_without_its_locations_is_a_configuration_error(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGEMAKER_ASYNC_OUTPUT_LOCATION", "https://example.com/out")
    response = call(mod, status_event("0123456789abcdef0123456789abcdef"))
    assert response["statusCode"] == 500
    assert error_of(response)["error"] == "ConfigurationError"
    assert fake.requests == []


def test_async_upload_holds_one_copy_of_the_payload(
    s3: Any, runtime: FakeSageMaker, mod: types.ModuleType
) -> None:
    """The decoded body is the only copy: decoding, upload and signing never copy it whole."""
    payload = os.urandom(5 * 1024 * 1024 + 512 * 1024)
    event = url_event(base64.b64encode(payload).decode(), {"Content-Type": "image/jpeg"}, True)
    call(mod, {"warm": "up"})  # clients and imports are created outside the measurement
    tracemalloc.start()
    try:
        response = call(mod, event)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response["statusCode"] == 202
    # Beyond the decoded body itself: botocore hashes a body sent over http:// (this test's
    # server) in 1 MiB reads, so up to ~2 MiB in flight; a second copy would add 5.5 MiB.
    extra = peak - len(payload)
    assert extra < 3 * 1024 * 1024, f"{extra} bytes beyond a {len(payload)}-byte payload"
    assert s3.get_object(Bucket=BUCKET, Key=input_key(runtime))["Body"].read() == payload


def test_async_logs_one_line_per_request_with_the_id(
    s3: Any, mod: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    inference_id = call(mod, rest_event('{"secret": "4111-1111"}'))
    inference_id = json.loads(inference_id["body"])["inferenceId"]
    call(mod, status_event(inference_id))
    submitted, status = log_lines(capsys)
    assert (submitted["message"], submitted["status"], submitted["outcome"]) == (
        "invoke_endpoint_async",
        202,
        "accepted",
    )
    assert submitted["inferenceId"] == inference_id
    assert submitted["bytesIn"] == len('{"secret": "4111-1111"}')
    assert (status["message"], status["status"], status["outcome"]) == (
        "async_status",
        202,
        "pending",
    )
    assert "4111" not in json.dumps([submitted, status])


# --------------------------------------------------------------------------- components, targets


@pytest.fixture
def components(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSageMaker]:
    """An endpoint with two inference components, as the template describes it."""
    with FakeSageMaker(components={"chat", "code"}) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        monkeypatch.setenv("SAGEMAKER_INFERENCE_COMPONENTS", "chat,code")
        yield server


def test_the_one_component_is_always_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeSageMaker(components={"chat"}) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        monkeypatch.setenv("SAGEMAKER_INFERENCE_COMPONENTS", "chat")
        mod = load_module()
        assert call(mod, http_event('{"x": 1}'))["statusCode"] == 200
        assert call(mod, {"x": 2}) == {"x": 2}
    assert [r.headers["x-amzn-sagemaker-inference-component"] for r in server.requests] == [
        "chat",
        "chat",
    ]


def test_with_several_components_the_request_names_one(
    components: FakeSageMaker, mod: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = {"X-AMZN-SAGEMAKER-INFERENCE-COMPONENT": "code"}  # any case
    assert call(mod, rest_event('{"x": 1}', headers))["statusCode"] == 200
    assert call(mod, {"Body": {"x": 2}, "InferenceComponentName": "chat"}) == {"x": 2}
    sent = [r.headers["x-amzn-sagemaker-inference-component"] for r in components.requests]
    assert sent == ["code", "chat"]
    assert [line["component"] for line in log_lines(capsys)] == ["code", "chat"]


def test_a_component_is_named_as_the_props_name_it_or_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pattern names components <name>-<12 hex digits of the stack ID>."""
    deployed = {"chat-0a1b2c3d4e5f", "prod-code-0a1b2c3d4e5f"}
    with FakeSageMaker(components=deployed) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        monkeypatch.setenv(
            "SAGEMAKER_INFERENCE_COMPONENTS", "chat-0a1b2c3d4e5f,prod-code-0a1b2c3d4e5f"
        )
        mod = load_module()
        for name in ("chat", "prod-code", "chat-0a1b2c3d4e5f"):
            assert call(mod, {"Body": {}, "InferenceComponentName": name}) == {}
        with pytest.raises(mod.EndpointInvocationError, match="name one of chat, prod-code "):
            call(mod, {"Body": {}, "InferenceComponentName": "code"})
    assert [r.headers["x-amzn-sagemaker-inference-component"] for r in server.requests] == [
        "chat-0a1b2c3d4e5f",
        "prod-code-0a1b2c3d4e5f",
        "chat-0a1b2c3d4e5f",
    ]


@pytest.mark.parametrize("headers", [None, {"X-Amzn-SageMaker-Inference-Component": "vision"}])
def test_a_missing_or_unknown_component_is_a_400_listing_the_known_ones(
    components: FakeSageMaker, mod: types.ModuleType, headers: dict[str, str] | None
) -> None:
    response = call(mod, http_event('{"x": 1}', headers))
    assert response["statusCode"] == 400
    message = error_of(response)["message"]
    assert "InferenceComponentName: name one of chat, code" in message
    assert "x-amzn-sagemaker-inference-component" in message
    assert components.requests == []


def test_a_component_on_an_endpoint_without_components_is_refused(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    response = call(mod, http_event("{}", {"X-Amzn-SageMaker-Inference-Component": "chat"}))
    assert response["statusCode"] == 400
    assert "has no inference components" in error_of(response)["message"]
    assert fake.requests == []


def test_a_component_without_capacity_is_a_retryable_503_until_it_wakes(
    components: FakeSageMaker, mod: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    components.replies += [Reply.no_capacity(), Reply.no_capacity()]
    event = http_event('{"x": 1}', {"X-Amzn-SageMaker-Inference-Component": "chat"})
    waking = call(mod, event)
    assert waking["statusCode"] == 503
    assert waking["headers"]["Retry-After"] == "60"
    assert error_of(waking)["error"] == "NoCapacity"
    assert_nothing_leaks(waking)
    with pytest.raises(mod.RetryableInvocationError, match="retry in 60 s") as info:
        call(mod, {"Body": {"x": 1}, "InferenceComponentName": "chat"})
    assert info.value.status == 503
    assert call(mod, event)["statusCode"] == 200  # awake
    assert len(components.requests) == 3  # not retried within a request: it takes minutes
    proxy, direct, awake = log_lines(capsys)
    assert (proxy["status"], proxy["outcome"], proxy["retryAfter"]) == (503, "NoCapacity", "60")
    assert "scaled to zero or waking" in proxy["detail"]
    assert (direct["outcome"], awake["outcome"]) == ("NoCapacity", "ok")


def test_sagemaker_refusing_the_request_is_a_configuration_error_with_its_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The endpoint has components the function was not told about (no variable)."""
    with FakeSageMaker(components={"chat"}) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        response = call(load_module(), rest_event('{"x": 1}'))
    assert response["statusCode"] == 500
    assert error_of(response)["error"] == "ConfigurationError"
    assert "ValidationError" in error_of(response)["message"]
    [line] = log_lines(capsys)
    assert line["errorCode"] == "ValidationError"
    assert "Inference Component Name header is required" in line["detail"]
    assert line["sagemakerRequestId"] == "00000000-0000-0000-0000-000000000000"
    assert "trace" not in line  # SageMaker's answer, not a bug of the function


def test_sagemakers_request_id_is_logged_on_every_call(
    fake: FakeSageMaker, mod: types.ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.replies += [Reply(), model_error(400, "bad")]
    call(mod, {"x": 1})
    with pytest.raises(mod.EndpointInvocationError):
        call(mod, {"x": 1})
    ok, failed = log_lines(capsys)
    assert (
        ok["sagemakerRequestId"]
        == failed["sagemakerRequestId"]
        == ("00000000-0000-0000-0000-000000000000")
    )
    assert failed["errorCode"] == "ModelError"


def test_a_model_error_is_502_whatever_its_words(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    """504 comes from the error's shape (no status from the container), not its text."""
    fake.replies.append(model_error(500, "upstream timed out"))
    response = call(mod, http_event('{"x": 1}'))
    assert (response["statusCode"], error_of(response)["modelStatusCode"]) == (502, 500)


TARGETS = {
    "X-Amzn-SageMaker-Target-Model": "models/resnet-v2.tar.gz",
    "X-Amzn-SageMaker-Target-Container-Hostname": "second-container",
    "X-Amzn-SageMaker-Session-Id": "NEW_SESSION",
}


def test_target_model_container_and_session_are_forwarded(
    fake: FakeSageMaker, mod: types.ModuleType
) -> None:
    fake.replies.append(Reply(headers={"X-Amzn-SageMaker-New-Session-Id": "s-1; Expires=x"}))
    response = call(mod, url_event('{"x": 1}', {k.upper(): v for k, v in TARGETS.items()}))
    assert response["statusCode"] == 200
    assert response["headers"]["X-Amzn-SageMaker-New-Session-Id"] == "s-1; Expires=x"
    envelope = {"TargetModel": "m.tar.gz", "TargetContainerHostname": "c1", "SessionId": "s-1"}
    assert call(mod, {"Body": {"x": 2}, **envelope}) == {"x": 2}
    proxy, direct = fake.requests
    for header, value in TARGETS.items():
        assert proxy.headers[header.lower()] == value
    assert direct.headers["x-amzn-sagemaker-target-model"] == "m.tar.gz"
    assert direct.headers["x-amzn-sagemaker-target-container-hostname"] == "c1"
    assert direct.headers["x-amzn-sagemaker-session-id"] == "s-1"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Amzn-SageMaker-Target-Model", "m" * 1025),  # botocore: at most 1024
        ("X-Amzn-SageMaker-Target-Model", " leading-space"),  # \A\S[\p{Print}]*\z
        ("X-Amzn-SageMaker-Target-Container-Hostname", "under_score"),
        ("X-Amzn-SageMaker-Target-Container-Hostname", "h" * 64),  # at most 63
        ("X-Amzn-SageMaker-Session-Id", "NEW_SESSIONS"),
        ("X-Amzn-SageMaker-Session-Id", "s" * 257),  # at most 256
        ("X-Amzn-SageMaker-Target-Variant", "-blue"),
        ("X-Amzn-SageMaker-Inference-Component", "chat-"),
    ],
)
def test_targets_outside_the_apis_limits_are_refused_naming_the_parameter(
    fake: FakeSageMaker, mod: types.ModuleType, header: str, value: str
) -> None:
    response = call(mod, http_event("{}", {header: value}))
    assert response["statusCode"] == 400
    name = {
        "X-Amzn-SageMaker-Target-Model": "TargetModel",
        "X-Amzn-SageMaker-Target-Container-Hostname": "TargetContainerHostname",
        "X-Amzn-SageMaker-Session-Id": "SessionId",
        "X-Amzn-SageMaker-Target-Variant": "TargetVariant",
        "X-Amzn-SageMaker-Inference-Component": "InferenceComponentName",
    }[header]
    assert error_of(response)["message"] == f"Invalid {name}"
    assert fake.requests == []


def test_pinned_target_models_refuse_others(
    fake: FakeSageMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGEMAKER_TARGET_MODELS", "a.tar.gz,b.tar.gz")
    mod = load_module()
    assert call(mod, {"Body": {}, "TargetModel": "b.tar.gz"}) == {}
    for envelope in ({"Body": {}, "TargetModel": "c.tar.gz"}, {"Body": {}}):
        with pytest.raises(mod.EndpointInvocationError, match="TargetModel: not one of") as info:
            call(mod, envelope)
        assert info.value.status == 400
    assert len(fake.requests) == 1


def test_real_time_code_refuses_an_async_configuration(
    fake: FakeSageMaker, async_env: None
) -> None:
    """A real-time template's code, deployed beside async settings, says so plainly."""
    mod = load_module(asynchronous=False)
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 500
    assert error_of(response) == {
        "error": "ConfigurationError",
        "message": "No async support",
        "requestId": FakeContext.aws_request_id,
    }
    assert fake.requests == []


def test_async_code_refuses_a_real_time_configuration(fake: FakeSageMaker) -> None:
    """An async template's code, deployed without async settings, says so plainly."""
    mod = load_module(asynchronous=True)
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 500
    assert error_of(response) == {
        "error": "ConfigurationError",
        "message": "No real-time support",
        "requestId": FakeContext.aws_request_id,
    }
    assert fake.requests == []


def test_async_output_outside_the_configured_prefix_is_refused(
    fake: FakeSageMaker, async_env: None, mod: types.ModuleType
) -> None:
    fake.async_output, fake.async_failure = "s3://elsewhere/out/", FAILURE
    fake.replies += [Reply(body=b""), Reply(body=b"{}")]
    response = call(mod, rest_event('{"x": 1}'))
    assert response["statusCode"] == 502
    assert error_of(response)["error"] == "UnexpectedResponse"


def test_async_status_reads_where_sagemaker_named_the_result(
    s3: Any, runtime: FakeSageMaker, mod: types.ModuleType
) -> None:
    """The id handed out is SageMaker's result name, not the InferenceId the function sent."""
    accepted = call(mod, {"x": 1})
    sent_id = runtime.requests[-1].headers["x-amzn-sagemaker-inference-id"]
    s3.put_object(Bucket=BUCKET, Key=f"async-output/{sent_id}.out", Body=b"{}")  # a decoy
    assert call(mod, {"InferenceId": accepted["inferenceId"]})["status"] == "InProgress"
    key = accepted["outputLocation"].removeprefix(f"s3://{BUCKET}/")
    s3.put_object(Bucket=BUCKET, Key=key, Body=b'{"ok": 1}', ContentType="application/json")
    assert call(mod, {"InferenceId": accepted["inferenceId"]}) == {"ok": 1}
